// See wire_injector.h.
#include "mockhub/server/wire_injector.h"

#include <stdexcept>

#include "mockhub/server/sockets.h"

namespace mockhub {

void WireInjector::Refuse(bool reset) {
  refusal_.refused = true;
  refusal_.reset = reset;
}

void WireInjector::Reset() { ResetNow(fd_); }

bool WireInjector::Stall(std::uint64_t ms) {
  const int fd = fd_;
  if (!flow_.Wait(ms ? ms : kMaxStallMs, [fd] { return PeerClosed(fd); })) return false;
  return ms != 0 && !PeerClosed(fd);
}

bool WireInjector::Pause(std::uint64_t ms) {
  return flow_.Wait(ms, [] { return false; });
}

void Calls::Put(const void* request, Call* call) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_[request] = call;
}

void Calls::Drop(const void* request) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.erase(request);
}

Call& Calls::Find(const void* request) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(request);
  if (it == calls_.end()) throw std::logic_error("a request without its connection's call");
  return *it->second;
}

}  // namespace mockhub
