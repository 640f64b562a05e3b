// ClientConfig: the settings every request of a Client is made with
// (endpoint, token, timeouts, retries, CA file). A value of its own so that
// the Hub's session (src/hub/) is configured without knowing the Client:
// ResolveConfig (client.h) builds it from the environment.
#pragma once

#include <chrono>
#include <string>

#include "hubget/retry.h"
#include "hubget/token.h"

namespace hubget {

// Everything that is not per call. Built from the environment by
// ResolveConfig, then adjustable field by field.
struct ClientConfig {
  std::string endpoint = "https://huggingface.co";  // no trailing '/'
  ResolvedToken token;
  std::string cache_dir;
  bool offline = false;  // HF_HUB_OFFLINE
  RetryPolicy retry;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds etag_timeout{10000};  // HEAD and API calls, total
  // Read timeout (HF_HUB_DOWNLOAD_TIMEOUT, default 10 s as in
  // huggingface_hub): no byte for this long ends the request; a body GET
  // then resumes from what it has.
  std::chrono::milliseconds idle_timeout{10000};
  int max_workers = 8;
  std::string ca_file;  // extra CA bundle (mockhub TLS)
  std::string user_agent = "hubget/0.1";
  // HF_HUB_DISABLE_XET or --no-xet: Xet files come through the bridge URL.
  bool disable_xet = false;
};

}  // namespace hubget
