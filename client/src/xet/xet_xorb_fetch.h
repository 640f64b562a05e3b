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

#include "hub/session.h"
#include "xet/xet_chunks.h"
#include "xet/xet_reconstruction.h"

namespace hubget {

struct UnitControl {
  const std::atomic<bool>* stop = nullptr;    // the round is over: leave quietly
  const std::atomic<bool>* cancel = nullptr;  // the caller's flags: kCancelled
  const std::atomic<bool>* cancel2 = nullptr;
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

// Errors: integrity (the chunk stream, decorated with the step "Xet xorb
// download"), whatever `emit` returned, network/timeout/server_error/
// rate_limited once retries are spent, cancelled, and other answers mapped
// by Session::ErrorFor (a 404 as http_error: the CDN has no such xorb).
Result<UnitOutcome> FetchUnit(Session& session, const XetUnit& unit, const EmitBytes& emit,
                              const UnitControl& control, const CallContext& ctx);

}  // namespace hubget
