// The retry policy, apart from the transport: which failures are transient,
// how long to wait (exponential backoff or the server's Retry-After), and
// when to give up (retry count, a wait past the cap, or the total deadline).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace hubget {

struct RetryPolicy {
  int max_retries = 5;                        // attempts = max_retries + 1
  std::chrono::milliseconds base_wait{1000};  // 1, 2, 4, 8, 8 s
  std::chrono::milliseconds max_wait{8000};
  // Across all attempts of one call (HEAD, API); for a body GET, which may
  // rightly take hours, across the waits between its attempts.
  std::chrono::milliseconds total_deadline{300000};
  // The longest wait a server may ask for (Retry-After, a 429's RateLimit
  // reset) that hubget sleeps; one that asks for longer ends the retries at
  // once, and the error reports the wait.
  std::chrono::milliseconds max_server_wait{60000};
  int max_stalls = 5;  // mid-stream failures without progress before giving up

  static RetryPolicy None() {
    RetryPolicy p;
    p.max_retries = 0;
    return p;
  }
};

// 408, 429, 500, 502, 503, 504.
bool IsRetryableStatus(int status);

// Wait before retry number `retry` (1-based): base * 2^(retry-1), capped.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry);

// Retry-After as delta-seconds or HTTP-date, relative to `unix_now`.
// nullopt when absent or unparseable (delta-seconds of more than 9 digits
// included); never negative; an HTTP-date further away gives 999999999 s.
std::optional<std::chrono::milliseconds> ParseRetryAfter(const std::string& value,
                                                         long long unix_now);

// A wait between two attempts, said before it starts so a person sees why
// nothing moves: how long, which answer caused it and from which host.
struct RetryWaitNotice {
  std::chrono::milliseconds wait{0};
  int status = 0;             // the HTTP status; 0 for a network error or timeout
  bool timeout = false;       // status 0: the request timed out (else: network error)
  std::string host;           // "host:port" of the request, nothing of its path or query
  bool server_asked = false;  // the wait is the server's (Retry-After, RateLimit), not backoff
};
using RetryWaitCallback = std::function<void(const RetryWaitNotice&)>;

// Waits shorter than this are not said (backoff in tests, a quick retry).
inline constexpr std::chrono::milliseconds kSayWaitsFrom{1000};

// "retrying in 30 s (HTTP 503 from hub.example:443, which asked for the
// wait)", "retrying in 2 s (network error reaching hub.example:443)".
// Whole seconds, rounded up.
std::string DescribeRetryWait(const RetryWaitNotice& notice);

}  // namespace hubget
