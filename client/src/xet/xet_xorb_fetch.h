// One unit of a Xet download: the GET of a xorb byte range from its
// presigned URL (exactly `Range: bytes=<start>-<end>` of the entry, never an
// Authorization header: the URL is the credential), decoded chunk by chunk
// as it arrives (xet_chunks.h) into the term's kept bytes. A cut or stalled
// transfer is fetched again and the bytes already emitted are skipped (the
// signed range is not split); transient statuses and network errors are
// retried with the client's RetryPolicy (max_retries, max_stalls, backoff,
// Retry-After), a server-requested wait past max_server_wait (60 s) or past
// the deadline ending the retries as on the plain path (WaitWithinBudget,
// resume_rules.h); redirects are followed to any http(s) origin. A body is
// read until the term is complete or the requested range is exhausted,
// never to its end (an endless 206, a 200 that is the whole xorb). A 403 is
// not retried here: the URL has expired and the caller asks the CAS for
// fresh ones. Internal.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "fetch/cancel_token.h"
#include "fetch/resume_rules.h"
#include "hub/session.h"
#include "xet/xet_chunks.h"
#include "xet/xet_reconstruction.h"

namespace hubget {

struct UnitControl {
  const std::atomic<bool>* stop = nullptr;  // the round is over: leave quietly
  CancelToken cancel;                       // the caller's: kCancelled
};

enum class UnitEnd {
  kDone,     // every kept byte of the term was emitted
  kExpired,  // the CDN said 403: the presigned URL needs refreshing
  kStopped,  // `stop` was set
};

struct UnitOutcome {
  UnitEnd end = UnitEnd::kDone;
  Error refusal;  // kExpired: the 403 as an Error, for the message if refreshing does not help
};

// One xorb range GET as its driver saw it: the input of its verdict.
struct XorbAttempt {
  std::string url;                       // where it was sent
  std::string path;                      // the file's, for the cancelled error
  Result<HttpResponse> result{Error{}};  // the answer, or the transport's error
  std::optional<Error> error;       // the decoder's or emit's, an encoding, a range that ran over
  std::optional<Error> unfinished;  // a body that ended before the term was whole: why
  bool complete = false;            // the term is whole (a later cut is harmless)
  bool cancelled = false;           // the caller's flags are set
  bool stopped = false;             // the round is over
  bool misplaced = false;           // a 206 that does not start where asked
  bool progressed = false;          // kept bytes were emitted
  long long unix_now = 0;           // for an HTTP-date Retry-After
};

struct XorbVerdict {
  // kRetry (wait), kResume (a redirect: next.url), kFinish (see `end`), or
  // kFail: next.error, or when empty the answer itself (Session::ErrorFor).
  Verdict next;
  UnitEnd end = UnitEnd::kDone;  // kFinish: done, stopped, or expired (the answer is the 403)
};

// The attempt's verdict, a plain function of it, the budget spent and the
// policy (the rules shared with a whole file's GET are resume_rules.h's);
// the driver sleeps and sends.
XorbVerdict ClassifyXorbAttempt(const XorbAttempt& attempt, const FetchBudget& spent,
                                const RetryPolicy& policy);

// Errors: integrity (the chunk stream, decorated with the step "Xet xorb
// download"), whatever `emit` returned, network/timeout/server_error/
// rate_limited once retries are spent, cancelled, and other answers mapped
// by Session::ErrorFor (a 404 as http_error: the CDN has no such xorb).
Result<UnitOutcome> FetchUnit(Session& session, const XetUnit& unit, const EmitBytes& emit,
                              const UnitControl& control, const CallContext& ctx);

}  // namespace hubget
