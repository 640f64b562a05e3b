// Fault injection: named verbs, selected by site, method, path glob, request
// headers, run and attempt. Each verb is one entry of the table in faults.cc (name, one-line
// doc, parser, combination rule); FaultSet::VerbDocs() lists them. The glue
// asks Plan() for each request; ApplyFaultPlan and FaultAnswer (pure, below)
// apply the header-level effects, the body writer the byte-level ones (cut,
// stall, throttle, corrupt, reset, refuse).
//
// A fault in JSON (scenario files, POST /_mockhub/faults, tests):
//   {"server": "<site>"|"any", "method": "GET", "path": "/org/*/resolve/*",
//    "headers": {"Range": "bytes=*", "If-Range": null},   (glob on the value; null: absent)
//    "runs": [1],                                         (only during these client runs)
//    "when": {"first": 2} | {"only": [2, 3]} | {"every": 3} | {"after": 5},
//    "do": {"<verb>": {...parameters}}}
// ("server" names a site of site.h). How several matching faults combine is
// stated in scenarios/README.md and next to the combination rules.
//
// A FaultSet is live: faults are added and removed while requests are served
// (the admin API), so its counters and list are guarded by one mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "mockhub/http_types.h"
#include "mockhub/load_error.h"

namespace mockhub {

struct Corruption {
  std::uint64_t offset = 0;  // in this response's body
  std::uint64_t length = 1;
};

// What the glue must do to one request's answer.
struct HeaderEdit {
  std::string name;
  std::optional<std::string> value;  // nullopt: drop
  bool operator==(const HeaderEdit& o) const { return name == o.name && value == o.value; }
};

struct FaultPlan {
  std::optional<HttpResponse> replace;  // status verb
  std::uint64_t delay_ms = 0;
  bool ignore_range = false;
  bool relative_redirect = false;
  // refuse verb: no answer at all; the connection is reset (or closed).
  bool refuse = false;
  bool refuse_reset = true;
  // drop_headers and set_headers, in fault order: a value sets the header
  // (replacing it), none drops it.
  std::vector<HeaderEdit> header_edits;
  // Body: at most one cut, stall and throttle (the first matching fault's).
  std::optional<std::uint64_t> cut_after;
  std::optional<double> cut_after_fraction;  // of the body length
  bool cut_reset = false;
  std::optional<std::uint64_t> stall_after;
  std::uint64_t stall_ms = 0;  // 0: until the client gives up (bounded by kMaxStallMs)
  std::uint64_t throttle_bps = 0;
  std::vector<Corruption> corrupt;
  std::vector<std::string> fired;  // "fault:<verb>" journal flags

  bool empty() const { return fired.empty(); }
  bool touches_body() const {
    return cut_after || cut_after_fraction || stall_after || throttle_bps || !corrupt.empty();
  }
  // Resolves cut_after_fraction against the body length.
  std::optional<std::uint64_t> CutAt(std::uint64_t body_length) const;
};

inline constexpr std::uint64_t kMaxStallMs = 120000;

// The relative_redirect verb's 307 points here: a hop served as the original
// target, to which no fault applies again.
inline constexpr const char* kHopPrefix = "/_mockhub/hop";

// Request-side effects: ignore_range removes Range and If-Range.
void ApplyFaultPlanToRequest(const FaultPlan& plan, HttpRequest& request);
// The answer that replaces the site's, when the plan has one: the relative
// 307 through kHopPrefix, or the status verb's response (whichever matching
// fault came first; the plan holds only that one).
std::optional<HttpResponse> FaultAnswer(const FaultPlan& plan, const HttpRequest& request);
// Header-level effects on an answer: dropped and set headers, the "fault:"
// journal flags, and an inline body made streamable when a byte-level
// effect (cut, stall, throttle, corrupt) must reach it.
void ApplyFaultPlan(const FaultPlan& plan, HttpResponse& response);

// A request header a fault selects on: present with a value matching the
// glob, or (no glob) absent.
struct HeaderSelector {
  std::string name;                 // matched case-insensitively
  std::optional<std::string> glob;  // nullopt: the header must be absent
};

struct Fault {
  std::string id;          // "f1", "f2", ...: given by the set it is added to
  std::string source;      // the fault's JSON as written, for listings
  std::string site;        // "" = any site
  std::string method;      // "" = any
  std::string path = "*";  // glob over the decoded path, '*' crosses '/'
  std::vector<HeaderSelector> headers;
  std::vector<std::uint64_t> runs;  // empty: every run (and outside runs)
  enum class When { kAlways, kFirst, kOnly, kEvery, kAfter } when = When::kAlways;
  std::uint64_t when_n = 0;
  std::vector<std::uint64_t> only;
  std::string verb;
  FaultPlan plan;  // what this fault contributes when it fires
  void (*combine)(FaultPlan& into, const FaultPlan& mine) = nullptr;  // its verb's rule
  // Requests that matched (the attempt number), since the fault was added or,
  // for a run-scoped fault, since its run began; and how many it changed.
  std::uint64_t attempts = 0;
  std::uint64_t fired = 0;
};

// Glob match where '*' matches any run of characters (including '/') and '?'
// one character, as huggingface_hub's fnmatch patterns do.
bool GlobMatch(const std::string& pattern, const std::string& text);

class FaultSet {
 public:
  // Parses a JSON array of faults; errors point into it under `pointer`.
  static Loaded<std::vector<Fault>> Parse(const nlohmann::json& faults, const std::string& file,
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
  std::vector<Fault> List() const;  // in order, with their counters
  std::size_t size() const;
  // A client run (1-based) begins: run-scoped faults select on it and count
  // their attempts afresh. Before the first run the current run is 0, so a
  // run-scoped fault never fires outside `mockhub run`.
  void BeginRun(std::uint64_t run);

  // The verbs this build knows, for validation messages, and their docs.
  static const std::vector<std::string>& Verbs();
  static std::vector<std::pair<std::string, std::string>> VerbDocs();

 private:
  mutable std::mutex mu_;
  std::vector<Fault> faults_;
  std::size_t cap_ = kMaxFaults;
  std::uint64_t next_id_ = 1;
  std::uint64_t run_ = 0;
};

}  // namespace mockhub
