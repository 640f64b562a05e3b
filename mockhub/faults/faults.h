// Fault injection: named verbs, selected by site, method, path glob, request
// headers, run and attempt. Each verb is one row of the table in
// fault_verbs.cc: its name, a one-line doc, its stage, how several of it
// combine, its parser and its apply function; FaultSet::VerbDocs() lists
// them. The glue asks Plan() for each request once its head is read, then
// applies the plan stage by stage (fault_plan.h): each stage is applied in one
// place, by the functions of fault_plan.cc, over a FaultInjector the glue
// provides for what only the transport can do.
//
// A fault in JSON (scenario files, POST /_mockhub/faults, tests):
//   {"server": "<site>"|"any", "method": "GET", "path": "/org/*/resolve/*",
//    "headers": {"Range": "bytes=*", "If-Range": null},   (glob on the value; null: absent)
//    "runs": [1],                                         (only during these client runs)
//    "when": {"first": 2} | {"only": [2, 3]} | {"every": 3} | {"after": 5},
//    "do": {"<verb>": {...parameters}}}
// ("server" names a site of site.h). How several matching faults combine is
// stated in scenarios/README.md and in the table's rows.
//
// A Fault is immutable once parsed (a scenario parses its faults once); a
// FaultSet holds faults with their counters (FaultState) and is live:
// faults are added and removed while requests are served (the admin API),
// so its counters and list are guarded by one mutex.
#pragma once

#include <any>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "mockhub/base/load_error.h"
#include "mockhub/faults/fault_plan.h"
#include "mockhub/http/http_types.h"
#include "mockhub/world/hub_change.h"

namespace mockhub {

// A request header a fault selects on: present with a value matching the
// glob, or (no glob) absent.
struct HeaderSelector {
  std::string name;                 // matched case-insensitively
  std::optional<std::string> glob;  // nullopt: the header must be absent
};

// One parsed fault: what it selects and what it does. Immutable; its
// counters are its set's (FaultState).
struct Fault {
  std::string source;      // the fault's JSON as written, for listings
  std::string site;        // "" = any site
  std::string method;      // "" = any
  std::string path = "*";  // glob over the path as sent (no query), '*' crosses '/'
  std::vector<HeaderSelector> headers;
  std::vector<std::uint64_t> runs;  // empty: every run (and outside runs)
  enum class When { kAlways, kFirst, kOnly, kEvery, kAfter } when = When::kAlways;
  std::uint64_t when_n = 0;
  std::vector<std::uint64_t> only;
  std::string verb;
  FaultVerb effect;  // its verb's row and parameters
};

// The hub change a "step" fault makes, for checks against a scenario's
// world before it runs; null for a fault of another verb.
const HubChange* StepChange(const Fault& fault);

// A fault's counters in its set: requests that matched (the attempt
// number), since the fault was added or, for a run-scoped fault, since its
// run began; and how many it changed.
struct FaultState {
  std::uint64_t attempts = 0;
  std::uint64_t fired = 0;
};

// A fault of a live set, as listed: its id, its JSON and its counters.
struct ListedFault : FaultState {
  std::string id;  // "f1", "f2", ...: given by the set it was added to
  std::string source;
  std::shared_ptr<const Fault> fault;
};

// Glob match where '*' matches any run of characters (including '/') and '?'
// one character, as huggingface_hub's fnmatch patterns do.
bool GlobMatch(const std::string& pattern, const std::string& text);

class FaultSet {
 public:
  // Parses a JSON array of faults; errors point into it under `pointer`.
  static Loaded<std::vector<Fault>> Parse(const nlohmann::json& faults, const std::string& file,
                                          const std::string& pointer);
  // One fault; errors point into it under `pointer` (its own).
  static Loaded<Fault> ParseOne(const nlohmann::json& fault, const std::string& file,
                                const std::string& pointer);
  // Parse, then a new set holding them (ids f1, f2, ... in file order).
  static Loaded<std::shared_ptr<FaultSet>> FromJson(const nlohmann::json& faults,
                                                    const std::string& file,
                                                    const std::string& pointer);
  // Decides, and counts the attempt, for one request. Thread-safe.
  FaultPlan Plan(const std::string& site, const std::string& method, const std::string& path,
                 const HeaderList& headers = {});

  // Faults a set holds at most: each request is checked against all of
  // them, and a script adding faults in a loop must not grow the server
  // without bound.
  static constexpr std::size_t kMaxFaults = 10000;
  // The live set's cap: kMaxFaults unless lowered (tests exercise the cap
  // without adding ten thousand faults under a sanitizer).
  void SetCap(std::size_t cap);
  std::size_t cap() const;
  // The live set (thread-safe, while Plan runs). Added faults get the next
  // ids (never reused) and count attempts from 0. nullopt, and nothing
  // added, when the set would then hold more than cap().
  std::optional<std::vector<std::string>> Add(std::vector<Fault> faults);
  bool Remove(const std::string& id);  // false: no fault has this id
  void Clear();
  std::vector<ListedFault> List() const;  // in order, with their counters
  std::size_t size() const;
  // A client run (1-based) begins: run-scoped faults select on it and count
  // their attempts afresh. Before the first run the current run is 0, so a
  // run-scoped fault never fires outside `mockhub run`.
  void BeginRun(std::uint64_t run);

  // The verbs this build knows, for validation messages, and their docs.
  static const std::vector<std::string>& Verbs();
  static std::vector<std::pair<std::string, std::string>> VerbDocs();

 private:
  struct Entry {
    std::string id;
    std::shared_ptr<const Fault> fault;
    FaultState state;
  };
  mutable std::mutex mu_;
  std::vector<Entry> faults_;
  std::size_t cap_ = kMaxFaults;
  std::uint64_t next_id_ = 1;
  std::uint64_t run_ = 0;
};

}  // namespace mockhub
