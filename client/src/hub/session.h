// One place for the per-request policy every call shares: which requests
// carry which credential (a table per origin: the Hub token for the
// endpoint's own origin, nothing anywhere else), the retry loop for
// transient failures, and the mapping of an HTTP answer to an Error.
// Internal.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "http/credentials.h"
#include "hubget/client_config.h"
#include "hubget/clock.h"
#include "hubget/http.h"
#include "hubget/repo.h"
#include "hubget/result.h"
#include "hubget/retry.h"

namespace hubget {

// What a request was about, to fill the Error's fields.
struct CallContext {
  RepoId repo;
  std::string revision;
  std::string path;
};

class Session {
 public:
  // The credential name of the Hub token in the table.
  static constexpr const char* kHubToken = "hub";

  // Registers the configured token (if any) for the endpoint's origin.
  Session(const ClientConfig& config, HttpTransport& transport, Clock& clock);

  const ClientConfig& config() const { return config_; }
  HttpTransport& transport() { return transport_; }
  Clock& clock() { return clock_; }

  // Sends "Bearer <token>" to every request on the origin of `origin_url`
  // from now on, and to no other origin (e.g. a CAS token for its storage
  // origin, named "cas"); replaces what that origin had. False when
  // `origin_url` has no origin.
  bool AddCredential(const std::string& origin_url, const std::string& token,
                     const std::string& name);

  // True when a request to `url` carries the Hub token: a token is
  // configured and `url` is on the endpoint's origin (scheme, host, port).
  bool SendsTokenTo(const std::string& url) const;

  // A request with User-Agent, timeouts, CA file and the Authorization the
  // credential table holds for the URL's origin (none for any other).
  HttpRequest NewRequest(const std::string& method, const std::string& url) const;

  // Said before each wait between retries of a second or more; called from
  // the waiting thread. Set before any call.
  void SetRetryWaitCallback(RetryWaitCallback callback) { on_wait_ = std::move(callback); }
  // Once `*interrupt` is true (Ctrl-C), every wait between retries ends at
  // once and its call fails as cancelled. Set before any call.
  void SetInterrupt(const std::atomic<bool>* interrupt) { interrupt_ = interrupt; }

  // The wait before retrying `url` after `answer` (an HTTP answer or a
  // transport error): said (RetryWaitCallback), then slept unless the
  // interrupt or `cancelled` ends it first. The kCancelled error when one
  // did, OkStatus when the wait is over.
  Status WaitToRetry(std::chrono::milliseconds wait, const std::string& url,
                     const Result<HttpResponse>& answer,
                     const std::function<bool()>& cancelled = nullptr);

  // Sends, retrying network errors, timeouts and 408/429/5xx per `policy`,
  // waiting Retry-After when given, never past the total deadline. Returns
  // the last answer (any status) or the last transport error; kCancelled
  // when the interrupt ended a wait.
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
  CredentialTable credentials_;
  RetryWaitCallback on_wait_;
  const std::atomic<bool>* interrupt_ = nullptr;
};

// The wait before retry `retry` after `response` (may be null) at
// `unix_now`: the RateLimit reset of a 429, else Retry-After, else backoff.
std::chrono::milliseconds RetryWaitFor(const RetryPolicy& policy, int retry,
                                       const HttpResponse* response, long long unix_now);

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
