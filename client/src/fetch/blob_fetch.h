// The body GET into a partial file (partial_file.h), with everything that
// makes it survive the network: resume with Range + If-Range from the
// partial's size, restart on a 200 or a misplaced 206, finish on a 416 that
// confirms the size, resume mid-stream drops (bounded by attempts without
// progress), retry transient statuses, go back to the Hub for a fresh URL
// when the CDN says 403, follow GET redirects to any http(s) origin (the
// credentials go per origin, Session), and check size and sha256 before the
// file is renamed into place. The rules are resume_rules.h; this is the
// driver that sends and applies them. Internal.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "fetch/cancel_token.h"
#include "fetch/partial_file.h"
#include "hub/session.h"
#include "hubget/file_progress.h"

namespace hubget {

struct FetchTarget {
  std::string url;           // where to GET (HEAD's location)
  std::string etag;          // normalised; sha256 when 64 hex
  std::uint64_t size = 0;    // expected
  std::string partial_path;  // the .incomplete file (caller holds the lock)
  std::string dest{};        // renamed here once verified; "" leaves it at partial_path
};

struct FetchHooks {
  // Asks the Hub again (HEAD) for a fresh location; used after a CDN 403.
  std::function<Result<std::string>()> refresh_location;
  ProgressCallback progress;
  CancelToken cancel;
};

struct FetchResult {
  std::string sha256;             // verified digest, or "" when the etag is not one
  std::uint64_t transferred = 0;  // body bytes received in this call
};

// On success the file holds exactly `size` bytes (and the digest matches),
// at `dest` when given, else at `partial_path`. On an integrity error the
// partial file is deleted.
Result<FetchResult> FetchToPartial(Session& session, const FetchTarget& target,
                                   const FetchHooks& hooks, const CallContext& ctx);

// What every fetcher of a whole file shares around its own loop (the body
// GET here, the Xet rounds in xet/): opens the `.incomplete` of `target`
// (its sha256 expected when the etag is one), lets `run` grow it, then
// renames it to `dest` (or closes it in place when there is none). Bytes
// that fail an integrity check are no resume point: the partial file is
// deleted; after any other error it is kept for the next run.
using PartialRun = std::function<Result<FetchResult>(PartialFile&)>;
Result<FetchResult> RunIntoPartial(const FetchTarget& target, const PartialRun& run);

}  // namespace hubget
