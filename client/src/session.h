// One place for the per-request policy every call shares: which requests
// carry the token (only those to the endpoint's own origin), the retry loop
// for transient failures, and the mapping of an HTTP answer to an Error.
// Internal.
#pragma once

#include <string>

#include "hubget/client.h"

namespace hubget {

// What a request was about, to fill the Error's fields.
struct CallContext {
  RepoId repo;
  std::string revision;
  std::string path;
};

class Session {
 public:
  Session(const ClientConfig& config, HttpTransport& transport, Clock& clock)
      : config_(config), transport_(transport), clock_(clock) {}

  const ClientConfig& config() const { return config_; }
  HttpTransport& transport() { return transport_; }
  Clock& clock() { return clock_; }

  // True when `url` is on the endpoint's origin (scheme, host, port) and a
  // token is configured: the only case in which Authorization is sent.
  bool SendsTokenTo(const std::string& url) const;

  // A request with User-Agent, timeouts, CA file and, per SendsTokenTo,
  // Authorization.
  HttpRequest NewRequest(const std::string& method, const std::string& url) const;

  // Sends, retrying network errors, timeouts and 408/429/5xx per `policy`,
  // waiting Retry-After when given, never past the total deadline. Returns
  // the last answer (any status) or the last transport error.
  Result<HttpResponse> SendWithRetry(const HttpRequest& request, const RetryPolicy& policy);

  // The wait before retry `retry` after `response`: Retry-After or backoff.
  std::chrono::milliseconds RetryWait(const RetryPolicy& policy, int retry,
                                      const HttpResponse* response);

  // Maps a non-success answer to an Error (kinds per the Hub's vocabulary).
  Error ErrorFor(const HttpResponse& response, const std::string& url,
                 const CallContext& ctx) const;
  // Fills endpoint, repo, token fields of an error from elsewhere.
  Error Decorate(Error e, const std::string& url, const CallContext& ctx) const;

 private:
  const ClientConfig& config_;
  HttpTransport& transport_;
  Clock& clock_;
};

// "bytes a-b/total": start (a), end (b) and total; -1 when absent.
// "bytes */N" gives start and end -1 and total N. Anything malformed (not
// plain decimal, more than 18 digits, b < a, b >= total) gives all -1.
struct ContentRange {
  long long start = -1;
  long long end = -1;
  long long total = -1;
};
ContentRange ParseContentRange(const std::string& value);

// A plain decimal number of 1 to 18 digits (Content-Length, Content-Range
// values), or -1 for anything else: empty, a sign, spaces, too long. Never
// overflows, whatever the server sent.
long long PlainDecimal(const std::string& text);

// The URL of Link: <url>; rel="next", or "".
std::string NextLink(const std::string& link_header);

}  // namespace hubget
