// The decisions of the resumable body GET, apart from the transport and the
// file: what one attempt's outcome means for the next one. A plain function
// of the attempt, the budget spent so far and the retry policy (no I/O, no
// clock), so each rule is tested on its own: a 200 to a Range request or a
// misplaced 206 restarts from zero; a cut body or a stalled connection
// resumes from the bytes kept; a 416 that confirms the size finishes; a
// complete response short of the file is an integrity error (it is a page
// from a proxy, not the file); a CDN 403 asks the Hub for a fresh URL;
// transient statuses are retried, unless the server asks to wait longer
// than the cap or the waits together would pass the deadline; redirects
// follow redirects.h. Internal.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "hub/session.h"
#include "hubget/http.h"
#include "hubget/retry.h"

namespace hubget {

// Restarts (200 to a Range request, misplaced 206, 416 for another size)
// and fresh URLs (CDN 403) allowed per fetch.
inline constexpr int kMaxRestarts = 3;
inline constexpr int kMaxRefreshes = 3;

// What a fetch has used up; limits: kMaxRedirects (redirects.h),
// kMaxRestarts, kMaxRefreshes, policy.max_retries, policy.max_stalls,
// policy.total_deadline (for the waits; each one is at most
// policy.max_server_wait).
struct FetchBudget {
  int redirects = 0;
  int restarts = 0;
  int refreshes = 0;
  int status_retries = 0;               // transient statuses
  int stalls = 0;                       // attempts in a row that kept no new byte
  std::chrono::milliseconds waited{0};  // the kRetry waits so far
};

// One GET as the driver saw it.
struct Attempt {
  std::string url;
  bool on_endpoint = false;    // the URL is on the Hub's origin (a 403 elsewhere is the CDN's)
  bool can_refresh = false;    // a fresh URL can be asked for
  std::uint64_t expected = 0;  // the file's size
  std::uint64_t offset = 0;    // the partial's size when sent (the Range start)
  std::uint64_t size = 0;      // the partial's size after
  bool streamed = false;       // the body went to the file: a 200 or a placed 206
  bool misplaced = false;      // a 206 whose Content-Range does not start at `offset`
  long long announced = -1;    // the response's own Content-Length
  ContentRange range;          // a 206's Content-Range
  std::uint64_t received = 0;  // body bytes appended in this attempt
  Result<HttpResponse> result{Error{}};  // the answer, or the transport's error
  long long unix_now = 0;                // for an HTTP-date Retry-After
};

enum class Step {
  kRestart,  // empty the partial, ask again without Range
  kResume,   // ask again from the partial's size (maybe elsewhere)
  kFinish,   // the partial holds the whole file: verify it
  kRetry,    // wait, then resume
  kFail,
};

struct Verdict {
  Step step = Step::kFail;
  const char* reason = "";            // for tests and logs: "misplaced 206", "cut body", ...
  FetchBudget spent;                  // the budget after this attempt
  std::string url;                    // kResume: where to go next, "" for the same URL
  bool refresh = false;               // kResume: ask the Hub for a fresh URL first
  std::chrono::milliseconds wait{0};  // kRetry
  // kFail: this error (undecorated), or when empty the response itself
  // (Session::ErrorFor).
  std::optional<Error> error;
  bool discard = false;  // kFail: the partial's bytes are not a prefix of the file
};

Verdict ClassifyAttempt(const Attempt& attempt, const FetchBudget& spent,
                        const RetryPolicy& policy);

// The rules every fetch shares, a whole file's GET (ClassifyAttempt) and a
// xorb range's (ClassifyXorbAttempt, xet/xet_xorb_fetch.h), each against
// the budget spent so far:
//
// A transport error (a drop, a timeout), maybe mid-stream: kRetry after
// policy.base_wait when the attempt kept new bytes, after backoff when it
// kept none; kFail with `error` once more than policy.max_stalls attempts in
// a row kept nothing. The wait is not held against the deadline here.
Verdict ClassifyDrop(const Error& error, bool progressed, FetchBudget spent,
                     const RetryPolicy& policy);
// A redirect (IsRedirectStatus): kResume at the next hop, to any http(s)
// origin (redirects.h), or kFail with why not.
Verdict ClassifyRedirect(const std::string& url, const HttpResponse& response, FetchBudget spent);
// A transient status (IsRetryableStatus) with retries left: kRetry after the
// server's wait or backoff, or kFail without an error (the answer is the
// error) when that wait is past the cap or would pass the deadline
// (WaitWithinBudget). nullopt for any other answer, or once the retries
// are spent.
std::optional<Verdict> ClassifyTransient(const HttpResponse& response, FetchBudget spent,
                                         const RetryPolicy& policy, long long unix_now);

// Whether hubget sleeps `wait` before a retry, `waited` having been slept
// already: never a wait past policy.max_server_wait, never waits together
// past policy.total_deadline. The xorb GETs of the Xet path use it too.
bool WaitWithinBudget(const RetryPolicy& policy, std::chrono::milliseconds wait,
                      std::chrono::milliseconds waited);

}  // namespace hubget
