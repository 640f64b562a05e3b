// Streams one response body in chunks, applying the body stage of its
// fault plan (cut, stall, throttle, corrupt: fault_plan.cc) over the
// request's FaultInjector. No HTTP library and no socket here: the glue
// hands in a sink and the injector.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "mockhub/faults/faults.h"
#include "mockhub/http/content.h"

namespace mockhub {

class BodyWriter {
 public:
  using SinkFn = std::function<bool(const char* data, std::size_t n)>;

  BodyWriter(std::shared_ptr<const Content> content, std::uint64_t base, std::uint64_t length,
             FaultPlan plan, std::shared_ptr<FaultInjector> injector);

  // Writes the next chunk at `offset` (of `left` remaining bytes) to sink.
  // Returns false to end the body short (a cut, a stall that gave up, a
  // failed write).
  bool Write(std::uint64_t offset, std::uint64_t left, const SinkFn& sink);
  std::uint64_t sent() const { return sent_->load(); }
  std::shared_ptr<std::atomic<std::uint64_t>> sent_counter() const { return sent_; }

 private:
  std::shared_ptr<const Content> content_;
  std::uint64_t base_;
  FaultPlan plan_;
  std::shared_ptr<FaultInjector> injector_;
  std::shared_ptr<std::atomic<std::uint64_t>> sent_ =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  BodyChunk chunk_;  // what the body verbs keep over the body
};

}  // namespace mockhub
