// See body_writer.h.
#include "body_writer.h"

#include <algorithm>
#include <vector>

#include "sockets.h"

namespace mockhub {
namespace {
constexpr std::size_t kChunk = std::size_t{256} * 1024;
}  // namespace

BodyWriter::BodyWriter(std::shared_ptr<const Content> content, std::uint64_t base,
                       std::uint64_t length, FaultPlan plan, Connection connection, WaitFn wait)
    : content_(std::move(content)),
      base_(base),
      plan_(std::move(plan)),
      connection_(std::move(connection)),
      wait_(std::move(wait)),
      cut_at_(plan_.CutAt(length)) {}

int BodyWriter::Socket() const {
  return FindSocket(connection_.local_addr, connection_.local_port, connection_.remote_port);
}

// The first time the stall offset is reached: hold the body for stall_ms
// (or until the peer gives up, bounded by kMaxStallMs). False ends the body.
bool BodyWriter::Stall(std::uint64_t offset) {
  if (!plan_.stall_after || offset < *plan_.stall_after || stalled_) return true;
  stalled_ = true;
  const int fd = Socket();
  const std::uint64_t ms = plan_.stall_ms ? plan_.stall_ms : kMaxStallMs;
  if (!wait_(ms, [fd] { return PeerClosed(fd); })) return false;
  return plan_.stall_ms != 0 && !PeerClosed(fd);
}

// Sleeps until `end` bytes are due at the throttled rate.
bool BodyWriter::Throttle(std::uint64_t end) {
  if (!plan_.throttle_bps) return true;
  const auto due = started_ + std::chrono::microseconds(end * 1000000 / plan_.throttle_bps);
  const auto wait =
      std::chrono::duration_cast<std::chrono::milliseconds>(due - std::chrono::steady_clock::now());
  if (wait.count() <= 0) return true;
  return wait_(static_cast<std::uint64_t>(wait.count()), [] { return false; });
}

bool BodyWriter::Write(std::uint64_t offset, std::uint64_t left, const SinkFn& sink) {
  if (cut_at_ && offset >= *cut_at_) {
    if (plan_.cut_reset) ResetNow(Socket());
    return false;  // the connection closes short of Content-Length
  }
  if (!Stall(offset)) return false;
  std::uint64_t n = std::min<std::uint64_t>(left, kChunk);
  if (cut_at_) n = std::min(n, *cut_at_ - offset);
  if (plan_.stall_after && !stalled_ && *plan_.stall_after > offset)
    n = std::min(n, *plan_.stall_after - offset);
  if (plan_.throttle_bps)
    n = std::min<std::uint64_t>(n, std::max<std::uint64_t>(1, plan_.throttle_bps / 20));
  thread_local std::vector<char> buf(kChunk);
  content_->Read(base_ + offset, buf.data(), static_cast<std::size_t>(n));
  for (const Corruption& k : plan_.corrupt) {
    for (std::uint64_t i = std::max(k.offset, offset);
         i < std::min(k.offset + k.length, offset + n); ++i) {
      auto& byte = buf[static_cast<std::size_t>(i - offset)];
      byte = static_cast<char>(byte ^ 0xff);
    }
  }
  if (!sink(buf.data(), static_cast<std::size_t>(n))) return false;
  *sent_ += n;
  return Throttle(offset + n);
}

}  // namespace mockhub
