// The libcurl implementation of HttpTransport. curl/curl.h is included by
// curl_transport.cc only.
#pragma once

#include <memory>

#include "hubget/clock.h"
#include "hubget/http.h"

namespace hubget {

// Thread-safe: handles are pooled so connections are reused across requests.
// `clock` times the idle (read) timeout; null = the system clock.
std::shared_ptr<HttpTransport> MakeCurlTransport(std::shared_ptr<Clock> clock = nullptr);

}  // namespace hubget
