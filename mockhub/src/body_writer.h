// Streams one response body in chunks, applying the byte-level effects of
// its fault plan: cut (clean close or reset), stall, throttle, corrupt. No
// HTTP library here: the glue hands in a sink and a way to wait.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "mockhub/content.h"
#include "mockhub/faults.h"

namespace mockhub {

struct Connection {
  std::string local_addr;
  int local_port = 0;
  int remote_port = 0;
};

class BodyWriter {
 public:
  // Sleeps up to ms (giving up early when `stop_early` says so); returns
  // false when the server is stopping.
  using WaitFn = std::function<bool(std::uint64_t ms, const std::function<bool()>& stop_early)>;
  using SinkFn = std::function<bool(const char* data, std::size_t n)>;

  BodyWriter(std::shared_ptr<const Content> content, std::uint64_t base, std::uint64_t length,
             FaultPlan plan, Connection connection, WaitFn wait);

  // Writes the next chunk at `offset` (of `left` remaining bytes) to sink.
  // Returns false to end the body short (a cut, a stall that gave up, a
  // failed write).
  bool Write(std::uint64_t offset, std::uint64_t left, const SinkFn& sink);
  std::uint64_t sent() const { return sent_->load(); }
  std::shared_ptr<std::atomic<std::uint64_t>> sent_counter() const { return sent_; }

 private:
  bool Stall(std::uint64_t offset);
  bool Throttle(std::uint64_t end);
  int Socket() const;

  std::shared_ptr<const Content> content_;
  std::uint64_t base_;
  FaultPlan plan_;
  Connection connection_;
  WaitFn wait_;
  std::shared_ptr<std::atomic<std::uint64_t>> sent_ =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  std::optional<std::uint64_t> cut_at_;
  bool stalled_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace mockhub
