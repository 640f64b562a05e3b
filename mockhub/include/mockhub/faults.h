// Fault injection: named verbs, selected by server, method, path glob and
// attempt, interpreted here and nowhere else. The HTTP glue asks Plan() for
// each request and applies the resulting FaultPlan mechanically.
//
// A fault in JSON (scenario files, tests):
//   {"server": "hub"|"cdn"|"any", "method": "GET", "path": "/org/*/resolve/*",
//    "when": {"first": 2} | {"only": [2, 3]} | {"every": 3} | {"after": 5},
//    "do": {"<verb>": {...parameters}}}
// Verbs (one line each; parameters in faults.cc and scenarios/README.md):
//   status        answer with this status, headers and body instead of the hub
//   delay         wait before sending the response headers
//   throttle      send the body at most this many bytes per second
//   cut           end the body after N bytes or a percentage: clean close or TCP reset
//   stall         stop sending after N bytes for a while (or until the client gives up)
//   corrupt       flip bytes of the body at an offset
//   ignore_range  ignore Range/If-Range: send 200 with the whole body
//   drop_headers  remove response headers (a proxy that strips X-Repo-Commit)
//   set_headers   add or replace response headers
//   relative_redirect  answer a relative 307 to the same resource through
//                      /_mockhub/hop/, a hop without the metadata headers
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
struct FaultPlan {
  std::optional<HttpResponse> replace;  // status verb
  std::uint64_t delay_ms = 0;
  bool ignore_range = false;
  bool relative_redirect = false;
  std::vector<std::string> drop_headers;
  HeaderList set_headers;
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

struct Fault {
  enum class Server { kAny, kHub, kCdn } server = Server::kAny;
  std::string method;      // "" = any
  std::string path = "*";  // glob over the decoded path, '*' crosses '/'
  enum class When { kAlways, kFirst, kOnly, kEvery, kAfter } when = When::kAlways;
  std::uint64_t when_n = 0;
  std::vector<std::uint64_t> only;
  std::string verb;
  FaultPlan plan;  // what this fault contributes when it fires
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
  FaultPlan Plan(bool cdn, const std::string& method, const std::string& path);
  std::size_t size() const { return faults_.size(); }
  // The verbs this build knows, for validation messages and docs.
  static const std::vector<std::string>& Verbs();

 private:
  std::vector<Fault> faults_;
};

}  // namespace mockhub
