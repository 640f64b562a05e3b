// See body_writer.h.
#include "mockhub/server/body_writer.h"

#include <algorithm>
#include <vector>

namespace mockhub {
namespace {
constexpr std::size_t kChunk = std::size_t{256} * 1024;
}  // namespace

BodyWriter::BodyWriter(std::shared_ptr<const Content> content, std::uint64_t base,
                       std::uint64_t length, FaultPlan plan,
                       std::shared_ptr<FaultInjector> injector)
    : content_(std::move(content)),
      base_(base),
      plan_(std::move(plan)),
      injector_(std::move(injector)) {
  chunk_.body_length = length;
}

bool BodyWriter::Write(std::uint64_t offset, std::uint64_t left, const SinkFn& sink) {
  BodyChunk& c = chunk_;
  c.phase = BodyChunk::Phase::kBefore;
  c.offset = offset;
  c.n = std::min<std::uint64_t>(left, kChunk);
  c.end = false;
  if (!ApplyBodyFaults(plan_, c, *injector_)) return false;
  thread_local std::vector<char> buf(kChunk);
  content_->Read(base_ + offset, buf.data(), static_cast<std::size_t>(c.n));
  c.phase = BodyChunk::Phase::kBytes;
  c.data = buf.data();
  if (!ApplyBodyFaults(plan_, c, *injector_)) return false;
  if (!sink(buf.data(), static_cast<std::size_t>(c.n))) return false;
  *sent_ += c.n;
  c.phase = BodyChunk::Phase::kSent;
  return ApplyBodyFaults(plan_, c, *injector_);
}

}  // namespace mockhub
