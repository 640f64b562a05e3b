// The fault verbs' way to the connection (faults.h's FaultInjector) and how
// the glue hands a request its fault plan: the server computes the plan
// when a request's head is read and registers it, with the injector, for
// the handler httplib calls with the request alone. No HTTP library here.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "mockhub/faults/faults.h"
#include "mockhub/server/request_flow.h"

namespace mockhub {

// What a refuse fault leaves for the connection: nothing of the answer may
// reach the wire, and the connection is dropped after it.
struct Refusal {
  bool refused = false;
  bool reset = false;
};

// The transport as the fault verbs reach it, for one request on one
// connection (the descriptor is the connection's own, TLS or not).
class WireInjector final : public FaultInjector {
 public:
  WireInjector(Refusal& refusal, int fd, const RequestFlow& flow)
      : refusal_(refusal), fd_(fd), flow_(flow) {}
  void Refuse(bool reset) override;
  void Reset() override;
  bool Stall(std::uint64_t ms) override;
  bool Pause(std::uint64_t ms) override;

 private:
  Refusal& refusal_;
  int fd_;
  const RequestFlow& flow_;
};

// What a connection sets up for one request before its body is read: the
// fault plan, taken when the head was read, and the injector.
struct Call {
  FaultPlan plan;
  std::shared_ptr<FaultInjector> injector;
};

// The calls being served on a site, by the HTTP library's request object.
class Calls {
 public:
  void Put(const void* request, Call* call);
  void Drop(const void* request);
  // Throws std::logic_error for a request no connection registered (a bug:
  // the handler answers it 500).
  Call& Find(const void* request) const;

 private:
  mutable std::mutex mu_;
  std::map<const void*, Call*> calls_;
};

}  // namespace mockhub
