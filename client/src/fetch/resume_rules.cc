// The resumable GET's decisions. See resume_rules.h.
#include "fetch/resume_rules.h"

#include "http/redirects.h"

namespace hubget {
namespace {

Verdict Make(Step step, const char* reason, const FetchBudget& spent) {
  Verdict v;
  v.step = step;
  v.reason = reason;
  v.spent = spent;
  return v;
}

Verdict Fail(const char* reason, const FetchBudget& spent, std::optional<Error> error,
             bool discard = false) {
  Verdict v = Make(Step::kFail, reason, spent);
  v.error = std::move(error);
  v.discard = discard;
  return v;
}

// Why a complete response that is not the file is an integrity error, in
// huggingface_hub's words ("Consistency check failed") plus what it was.
std::string ShortBodyDetail(const Attempt& a, const HttpResponse& r) {
  std::string d = "Consistency check failed: file should be of size " + std::to_string(a.expected) +
                  " but has size " + std::to_string(a.size) + " (the " + std::to_string(r.status) +
                  " response was complete";
  if (a.announced >= 0) {
    d += " at its own Content-Length of " + std::to_string(a.announced) + " bytes";
  }
  const std::string type = r.headers.Get("Content-Type");
  if (!type.empty()) d += ", Content-Type " + type;
  d += ")";
  if (type.rfind("text/", 0) == 0 || type.find("json") != std::string::npos ||
      type.find("xml") != std::string::npos) {
    d += "; it looks like an error page from a proxy or mirror, not the file";
  }
  return d;
}

// A kRetry after `wait`, or kFail with `error` (nullopt: the response
// itself) when the wait is past the cap or would pass the deadline.
Verdict RetryAfter(const char* reason, FetchBudget spent, std::chrono::milliseconds wait,
                   const RetryPolicy& policy, std::optional<Error> error) {
  if (!WaitWithinBudget(policy, wait, spent.waited)) return Fail(reason, spent, std::move(error));
  spent.waited += wait;
  Verdict v = Make(Step::kRetry, reason, spent);
  v.wait = wait;
  return v;
}

// Progress: new bytes kept, or a 200 that replaced a stale prefix.
bool Progressed(const Attempt& a) { return a.size > a.offset || (a.streamed && a.size < a.offset); }

// The transport failed (a drop, a timeout), maybe mid-stream; the waits of
// a whole file's GET are held against the deadline.
Verdict ClassifyTransportError(const Attempt& a, const FetchBudget& spent,
                               const RetryPolicy& policy) {
  Verdict v = ClassifyDrop(a.result.error(), Progressed(a), spent, policy);
  if (v.step != Step::kRetry) return v;
  return RetryAfter(v.reason, v.spent, v.wait, policy, a.result.error());
}

// A 200 or 206 whose body went to the file.
Verdict ClassifyBody(const Attempt& a, FetchBudget spent, const RetryPolicy& policy) {
  if (a.size == a.expected) return Make(Step::kFinish, "complete", spent);
  const bool cut = a.announced >= 0 && a.received < static_cast<std::uint64_t>(a.announced);
  if (cut) {
    // The body ended before its own Content-Length without a transport
    // error (a drop the transport did not flag): resume.
    spent.stalls = Progressed(a) ? 0 : spent.stalls + 1;
    if (spent.stalls <= policy.max_stalls) return Make(Step::kResume, "cut body", spent);
    return Fail(
        "cut body", spent,
        MakeError(Kind::kNetwork, "the connection keeps ending early at " + std::to_string(a.size) +
                                      " of " + std::to_string(a.expected) + " bytes"));
  }
  // The response ended at its own length: it is complete. A 206 that
  // announced a smaller range than asked for is answered by asking for the
  // rest; anything else complete but short is not the file (an HTML page
  // from a mirror), and resuming after it would glue the real tail behind it.
  const HttpResponse& r = a.result.value();
  if (r.status == 206 && a.received > 0 && a.range.end >= 0 &&
      static_cast<std::uint64_t>(a.range.end) + 1 == a.size) {
    return Make(Step::kResume, "sub-range", spent);
  }
  Error short_body = MakeError(Kind::kIntegrity, ShortBodyDetail(a, r));
  short_body.cause = cause::ProxyPage{};  // a server that ends a response early is not the file's
  return Fail("complete but short", spent, std::move(short_body), true);
}

// 416: finished when it confirms the size we hold, else start over.
Verdict ClassifyUnsatisfiable(const Attempt& a, FetchBudget spent) {
  const HttpResponse& r = a.result.value();
  const ContentRange cr = ParseContentRange(r.headers.Get("Content-Range"));
  if (cr.total >= 0 && static_cast<std::uint64_t>(cr.total) == a.offset && a.offset == a.expected) {
    return Make(Step::kFinish, "416 confirms the size", spent);
  }
  if (++spent.restarts > kMaxRestarts) return Fail("416", spent, std::nullopt);
  return Make(Step::kRestart, "416 for another size", spent);
}

// Any other answer: a redirect, a CDN 403, a transient status or an error.
Verdict ClassifyStatus(const Attempt& a, FetchBudget spent, const RetryPolicy& policy) {
  const HttpResponse& r = a.result.value();
  if (IsRedirectStatus(r.status)) return ClassifyRedirect(a.url, r, spent);
  if (r.status == 403 && !a.on_endpoint && a.can_refresh && spent.refreshes < kMaxRefreshes) {
    // A CDN 403: the signed URL has most likely expired. Ask the Hub again.
    ++spent.refreshes;
    Verdict v = Make(Step::kResume, "CDN 403", spent);
    v.refresh = true;
    return v;
  }
  if (auto transient = ClassifyTransient(r, spent, policy, a.unix_now)) return *transient;
  return Fail("status", spent, std::nullopt);
}

}  // namespace

Verdict ClassifyDrop(const Error& error, bool progressed, FetchBudget spent,
                     const RetryPolicy& policy) {
  spent.stalls = progressed ? 0 : spent.stalls + 1;
  if (spent.stalls > policy.max_stalls) return Fail("no progress", spent, error);
  Verdict v = Make(Step::kRetry, progressed ? "dropped" : "stalled", spent);
  v.wait = progressed ? policy.base_wait : BackoffDelay(policy, spent.stalls);
  return v;
}

Verdict ClassifyRedirect(const std::string& url, const HttpResponse& response, FetchBudget spent) {
  auto hop = NextHop(url, response, OtherOrigin::kFollow, spent.redirects);
  if (!hop) return Fail("redirect", spent, hop.error());
  ++spent.redirects;
  Verdict v = Make(Step::kResume, "redirect", spent);
  v.url = hop->url;  // Session decides which credential the new origin gets
  return v;
}

std::optional<Verdict> ClassifyTransient(const HttpResponse& response, FetchBudget spent,
                                         const RetryPolicy& policy, long long unix_now) {
  if (!IsRetryableStatus(response.status) || spent.status_retries >= policy.max_retries) {
    return std::nullopt;
  }
  ++spent.status_retries;
  // Past the cap or the deadline: the response is the error (ErrorFor
  // reports the wait the server asked for).
  return RetryAfter("transient status", spent,
                    RetryWaitFor(policy, spent.status_retries, &response, unix_now), policy,
                    std::nullopt);
}

bool WaitWithinBudget(const RetryPolicy& policy, std::chrono::milliseconds wait,
                      std::chrono::milliseconds waited) {
  return wait <= policy.max_server_wait && waited + wait <= policy.total_deadline;
}

Verdict ClassifyAttempt(const Attempt& a, const FetchBudget& spent, const RetryPolicy& policy) {
  if (a.misplaced) {
    // Content-Range does not start where we asked: never append it.
    FetchBudget after = spent;
    if (++after.restarts <= kMaxRestarts) return Make(Step::kRestart, "misplaced 206", after);
    return Fail("misplaced 206", after,
                MakeError(Kind::kHttp,
                          "the server keeps answering Range requests with a Content-Range at "
                          "the wrong offset"));
  }
  if (!a.result) return ClassifyTransportError(a, spent, policy);
  const int status = a.result->status;
  if (status == 200 || status == 206) return ClassifyBody(a, spent, policy);
  if (status == 416) return ClassifyUnsatisfiable(a, spent);
  return ClassifyStatus(a, spent, policy);
}

}  // namespace hubget
