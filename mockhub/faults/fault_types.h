// The values a fault plan is made of: the stages a request meets, the
// injector the glue provides for what only the transport can do, a fired
// verb, the plan, a body chunk. Apart from faults.h (the selectors and the
// live set) and fault_plan.h (the stage functions) so the verb table
// (fault_verbs.h) includes what it acts on, and nothing that applies it.
#pragma once

#include <any>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mockhub/http/http_types.h"
#include "mockhub/world/hub_change.h"

namespace mockhub {

// Where in a request's life a verb acts, in the order the stages come.
enum class FaultStage {
  kConnection,  // instead of any answer (refuse)
  kRequest,     // on the request, before the site decides (ignore_range, delay, step)
  kAnswer,      // replaces the site's answer (status, relative_redirect)
  kHeaders,     // on the answer's headers (drop_headers, set_headers)
  kBody,        // on the body's bytes as they are written (cut, stall, throttle, corrupt)
};

// What only the transport can do, as the verbs reach it; the glue
// implements it for each request's connection.
class FaultInjector {
 public:
  virtual ~FaultInjector() = default;
  // No answer at all: nothing of it reaches the wire, and the connection is
  // dropped once the request is read (a TCP reset, or a clean close).
  virtual void Refuse(bool reset) = 0;
  // A TCP reset, now (a body cut short in "reset" mode).
  virtual void Reset() = 0;
  // Holds the body for ms (0: until the peer gives up, at most kMaxStallMs).
  // False: the body must end (the peer left, or the server is stopping).
  virtual bool Stall(std::uint64_t ms) = 0;
  // Waits ms before what comes next is written (a delay, a throttled
  // write). False: the server is stopping.
  virtual bool Pause(std::uint64_t ms) = 0;
};

struct VerbRow;  // fault_verbs.h: one row of the verb table

// One verb of a fault that fired, with its parsed parameters.
struct FaultVerb {
  const VerbRow* row = nullptr;
  std::shared_ptr<const std::any> params;
};

// What the faults that fired for one request do to it: their verbs, in
// fault order (within the body stage, in table order) after the
// combination rules, and their "fault:<verb>" journal flags (one per fault
// that fired, including those whose effect a first-wins rule dropped).
struct FaultPlan {
  std::vector<FaultVerb> verbs;
  std::vector<std::string> fired;

  bool empty() const { return fired.empty(); }
  bool Has(FaultStage stage) const;
};

inline constexpr std::uint64_t kMaxStallMs = 120000;

// The relative_redirect verb's 307 points here: a hop served as the original
// target, to which no fault applies again.
inline constexpr const char* kHopPrefix = "/_mockhub/hop";

// Body: one chunk of the body, as the body writer meets it. Before a chunk
// is read the verbs may end the body here or hold it, and lower `n`; once
// read they may change its bytes; once sent they may wait.
struct BodyChunk {
  enum class Phase { kBefore, kBytes, kSent };
  Phase phase = Phase::kBefore;
  std::uint64_t offset = 0;       // of this chunk in the body
  std::uint64_t body_length = 0;  // of the whole body
  std::uint64_t n = 0;            // bytes of this chunk
  char* data = nullptr;           // kBytes: the chunk's n bytes
  bool end = false;               // the body ends short here
  // What the body verbs keep over one body.
  bool stalled = false;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace mockhub
