// The verb table's row type (fault_verbs.cc holds the table): what a verb
// needs to be parsed, combined with other faults' verbs and applied at its
// stage. Internal to the fault files; faults.h is the interface.
#pragma once

#include <any>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockhub/faults/fault_types.h"
#include "mockhub/json/json_checker.h"

namespace mockhub {

// The strict reader plus what only faults need.
struct FaultReader : JsonChecker {
  using JsonChecker::JsonChecker;
  // {"X-Foo": "bar"}: header names and values that can go on the wire.
  bool Headers(const nlohmann::json& o, const std::string& ptr, HeaderList& out);
};

// What one stage's apply functions act on; the stage's function in
// fault_plan.cc fills what its stage needs.
struct StageCall {
  FaultInjector* injector = nullptr;              // connection, request, body
  HttpRequest* request = nullptr;                 // request: to edit
  const HttpRequest* asked = nullptr;             // answer: the request answered
  std::vector<HubChange>* changes = nullptr;      // request: the hub changes it makes
  std::uint64_t delayed_ms = 0;                   // request: waited so far (kMaxStallMs in all)
  std::optional<HttpResponse>* answer = nullptr;  // answer: the one replacing the site's
  HttpResponse* response = nullptr;               // headers
  BodyChunk* chunk = nullptr;                     // body
  bool taken = false;                             // connection: no answer follows
};

// How a verb combines with the same stage's verbs of earlier faults that
// fired for the same request.
enum class Combine {
  kEach,          // every one applies, in fault order (delays add up, edits accumulate)
  kFirstOfVerb,   // only the first fault's (cut, stall, throttle, refuse)
  kFirstOfStage,  // only the first of any such verb of its stage (status, relative_redirect)
};

struct VerbRow {
  const char* name;
  const char* doc;  // one line, as in scenarios/README.md
  FaultStage stage;
  Combine combine;
  // Parses the verb's parameters (the value under "do"/<name>) into `params`.
  bool (*parse)(FaultReader& c, const nlohmann::json& p, const std::string& ptr, std::any& params);
  // Its effect, at its stage.
  void (*apply)(const std::any& params, StageCall& call);
};

// Every fault verb, in the order the body stage applies them.
const std::vector<VerbRow>& VerbTable();
const VerbRow* FindVerb(const std::string& name);
// The hub change of a "step" verb; nullptr for any other verb.
const HubChange* StepOf(const FaultVerb& effect);

}  // namespace mockhub
