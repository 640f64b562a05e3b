// The read timeout of HF_HUB_DOWNLOAD_TIMEOUT: a transfer is idle when no
// byte (header or body) has arrived for `limit`, however fast it was before.
// libcurl's low-speed limit averages over a window, so a burst followed by
// silence keeps it satisfied for seconds after the connection went quiet;
// this does not. The transport feeds it the clock from its progress
// callback. Internal.
#pragma once

#include <chrono>

namespace hubget {

class IdleWatch {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // limit <= 0: never idle.
  explicit IdleWatch(std::chrono::milliseconds limit) : limit_(limit) {}

  // The request is on the wire (connected, TLS done): waiting for the
  // answer counts from now. Before that the connect timeout governs.
  void Start(TimePoint now) {
    if (!started_) {
      started_ = true;
      last_ = now;
    }
  }
  bool started() const { return started_; }

  // Bytes arrived.
  void Activity(TimePoint now) {
    started_ = true;
    last_ = now;
  }

  // Nothing arrived for longer than the limit.
  bool Expired(TimePoint now) const {
    return started_ && limit_.count() > 0 && now - last_ > limit_;
  }

  std::chrono::milliseconds limit() const { return limit_; }

 private:
  std::chrono::milliseconds limit_;
  bool started_ = false;
  TimePoint last_{};
};

}  // namespace hubget
