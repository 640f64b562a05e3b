// One round of a Xet download: the units of one reconstruction, fetched by
// up to `parallel` workers and written strictly in file order into the
// PartialFile. The unit at the write position (the head) streams straight
// into the file; a unit ahead of it decodes into a buffer of its kept
// bytes (in a mapping of its own, unmapped once written), and may start
// only when the client-wide BufferBudget grants that many bytes; it is
// written once every unit before it is. So memory stays
// bounded whatever the file or term size: a term larger than the budget
// simply waits until it is the head. The first error or CDN 403 stops the
// round (the other units leave at their next byte); whatever was written is
// a prefix of the file, and the caller goes on from its end. Internal.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "fetch/blob_fetch.h"
#include "fetch/partial_file.h"
#include "hub/session.h"
#include "xet/xet_reconstruction.h"
#include "xet/xet_xorb_fetch.h"

namespace hubget {

// Bytes that buffered units may hold at once, shared by every Xet download
// of a client (a snapshot's files included).
class BufferBudget {
 public:
  explicit BufferBudget(std::uint64_t capacity) : capacity_(capacity), left_(capacity) {}
  std::uint64_t capacity() const { return capacity_; }
  bool TryTake(std::uint64_t n);
  void Give(std::uint64_t n) { left_.fetch_add(n); }

 private:
  const std::uint64_t capacity_;
  std::atomic<std::uint64_t> left_;
};

enum class RoundEnd {
  kDone,     // every unit was written
  kExpired,  // a xorb URL answered 403: ask the CAS again from the file's end
};

struct RoundOutcome {
  RoundEnd end = RoundEnd::kDone;
  Error refusal;  // kExpired: the CDN's 403
};

// `units` must start at the file's current size (PlanUnits from there).
// Errors: the first unit error (integrity, io, network, ... see
// xet_xorb_fetch.h), cancelled.
Result<RoundOutcome> RunRound(Session& session, PartialFile& file, BufferBudget& budget,
                              const std::vector<XetUnit>& units, const FetchHooks& hooks,
                              const CallContext& ctx, int parallel);

}  // namespace hubget
