// Fault injection: named verbs, selected by site, method, path glob and
// attempt. Each verb is one entry of the table in faults.cc (name, one-line
// doc, parser, combination rule); FaultSet::VerbDocs() lists them. The glue
// asks Plan() for each request; ApplyFaultPlan and FaultAnswer (pure, below)
// apply the header-level effects, the body writer the byte-level ones (cut,
// stall, throttle, corrupt, reset).
//
// A fault in JSON (scenario files, tests):
//   {"server": "<site>"|"any", "method": "GET", "path": "/org/*/resolve/*",
//    "when": {"first": 2} | {"only": [2, 3]} | {"every": 3} | {"after": 5},
//    "do": {"<verb>": {...parameters}}}
// ("server" names a site of site.h). How several matching faults combine is
// stated in scenarios/README.md and next to the combination rules.
#pragma once

#include <atomic>
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

struct Fault {
  std::string site;        // "" = any site
  std::string method;      // "" = any
  std::string path = "*";  // glob over the decoded path, '*' crosses '/'
  enum class When { kAlways, kFirst, kOnly, kEvery, kAfter } when = When::kAlways;
  std::uint64_t when_n = 0;
  std::vector<std::uint64_t> only;
  std::string verb;
  FaultPlan plan;  // what this fault contributes when it fires
  void (*combine)(FaultPlan& into, const FaultPlan& mine) = nullptr;  // its verb's rule
  std::shared_ptr<std::atomic<std::uint64_t>> seen =
      std::make_shared<std::atomic<std::uint64_t>>(0);
};

// Glob match where '*' matches any run of characters (including '/') and '?'
// one character, as huggingface_hub's fnmatch patterns do.
bool GlobMatch(const std::string& pattern, const std::string& text);

class FaultSet {
 public:
  // Parses a JSON array of faults; errors point into it under `pointer`.
  static Loaded<std::shared_ptr<FaultSet>> FromJson(const nlohmann::json& faults,
                                                    const std::string& file,
                                                    const std::string& pointer);
  // Decides, and counts the attempt, for one request. Thread-safe.
  FaultPlan Plan(const std::string& site, const std::string& method, const std::string& path);
  std::size_t size() const { return faults_.size(); }
  // The verbs this build knows, for validation messages, and their docs.
  static const std::vector<std::string>& Verbs();
  static std::vector<std::pair<std::string, std::string>> VerbDocs();

 private:
  std::vector<Fault> faults_;
};

}  // namespace mockhub
