// The HTTP transport interface. The client's logic (redirects, token policy,
// retries, resume) talks only to this; one implementation wraps libcurl
// (curl_transport.h) and tests substitute a gMock.
//
// A transport never follows redirects and never adds headers of its own that
// matter to the protocol: every hop is the client's decision.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hubget/result.h"

namespace hubget {

// Ordered header list with case-insensitive lookup.
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string, std::string>> init) : items_(init) {}
  void Add(std::string name, std::string value);
  // Replaces all values of `name`.
  void Set(const std::string& name, std::string value);
  void Remove(const std::string& name);
  bool Has(const std::string& name) const;
  // First value, or "" when absent.
  std::string Get(const std::string& name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;           // only when the body was not streamed to the sink
  std::string effective_url;  // the URL that answered (== request URL, no redirects)
};

// Called once the status line and headers are in, before any body byte.
// Return true to stream the body to `on_body`, false to collect it (capped)
// into HttpResponse::body instead (error pages).
using HeadCallback = std::function<bool(const HttpResponse& head)>;
// Called for each body chunk when streaming. Return false to abort the
// transfer (cancellation, disk full); the transport then returns an error.
using BodyCallback = std::function<bool(const char* data, std::size_t size)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  HeadCallback on_head;  // optional: no callback = collect body
  BodyCallback on_body;
  std::chrono::milliseconds connect_timeout{10000};
  // Abort when no byte arrives for this long (a stalled connection).
  std::chrono::milliseconds idle_timeout{30000};
  // Abort after this long in total; 0 = no limit (large downloads).
  std::chrono::milliseconds total_timeout{0};
  std::string ca_file;  // extra CA bundle (mock TLS); "" = system default
  // The variable that sets these timeouts, named when one fires.
  std::string timeout_setting = "HF_HUB_DOWNLOAD_TIMEOUT";
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // A response (any status) or a kNetwork / kTimeout / kCancelled error.
  // Body bytes may have been delivered to on_body before an error.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace hubget
