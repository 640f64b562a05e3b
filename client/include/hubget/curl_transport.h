// The libcurl implementation of HttpTransport. curl/curl.h is included by
// curl_transport.cc only.
#pragma once

#include <memory>

#include "hubget/http.h"

namespace hubget {

// Thread-safe: handles are pooled so connections are reused across requests.
std::shared_ptr<HttpTransport> MakeCurlTransport();

}  // namespace hubget
