// The "wire" expectations of a step (scenarios/README.md): request counts,
// ranges, no byte fetched twice, Retry-After respected, HEAD before GET,
// connections busy at once, and the tokens by site (expect_tokens.cc). They
// read only the step's journal. Each failure keeps the seq of the requests
// it is about. WireChecks() at the end is the registry (wire_checks.h): a
// new check is a row there with its reader and its check, above.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "mockhub/base/text_parse.h"
#include "mockhub/faults/faults.h"
#include "mockhub/sites/site.h"
#include "wire_checks.h"

namespace mockhub::runner {

namespace {

using Entries = WireEntries;
using Failures = WireFailures;
using Seqs = std::vector<std::uint64_t>;

// One entry of "requests": the requests selected by site, method, path glob
// and status, counted.
struct CountExpectation {
  std::string server;  // "" (any) or a site name (SiteNames())
  std::string method;  // "" = any
  std::string path = "*";
  std::optional<int> status;
  std::optional<std::uint64_t> exactly, at_least, at_most;
  std::string pointer;  // where it was written, for failure messages
};
using Counts = std::vector<CountExpectation>;

std::string PathOf(const JournalEntry& e) { return e.target.substr(0, e.target.find('?')); }

bool Matches(const CountExpectation& c, const JournalEntry& e) {
  return (c.server.empty() || c.server == e.server) && (c.method.empty() || c.method == e.method) &&
         GlobMatch(c.path, PathOf(e)) && (!c.status || *c.status == e.status);
}

std::string Describe(const CountExpectation& c) {
  std::string d = (c.server.empty() ? "any server" : c.server) + " " +
                  (c.method.empty() ? "any method" : c.method) + " " + c.path;
  if (c.status) d += " -> " + std::to_string(*c.status);
  return d;
}

bool ReadCountEntry(ScenarioReader& r, const nlohmann::json& j, const std::string& ptr,
                    CountExpectation& out) {
  out.pointer = ptr;
  std::optional<std::uint64_t> status;
  if (!r.Keys(j, ptr, {"server", "method", "path", "status", "count", "at_least", "at_most"}) ||
      !r.Str(j, ptr, "server", out.server) || !r.Str(j, ptr, "method", out.method) ||
      !r.Str(j, ptr, "path", out.path) || !r.Uint(j, ptr, "status", status) ||
      !r.Uint(j, ptr, "count", out.exactly) || !r.Uint(j, ptr, "at_least", out.at_least) ||
      !r.Uint(j, ptr, "at_most", out.at_most)) {
    return false;
  }
  if (!out.server.empty() && !IsSiteName(out.server)) {
    return r.Fail(ptr + "/server", "must be one of " + QuotedSiteNames());
  }
  if (status) out.status = static_cast<int>(*status);
  if (!out.exactly && !out.at_least && !out.at_most) {
    return r.Fail(ptr, "needs \"count\", \"at_least\" or \"at_most\"");
  }
  return true;
}

bool ReadCounts(ScenarioReader& r, const nlohmann::json& w, const std::string& ptr, const char* key,
                Counts& out) {
  const nlohmann::json& list = w.at(key);
  const std::string at = ptr + "/" + key;
  if (!list.is_array()) return r.Fail(at, "expected an array of request counts");
  for (std::size_t i = 0; i < list.size(); ++i) {
    CountExpectation c;
    if (!ReadCountEntry(r, list[i], at + "/" + std::to_string(i), c)) return false;
    out.push_back(c);
  }
  return true;
}

// A count of HEAD requests describes huggingface_hub's way of asking for
// metadata: it applies to clients that ask the same way.
void CheckCounts(const Counts& counts, const Entries& entries, const Caps& caps, Failures& out) {
  for (const auto& c : counts) {
    if (c.method == "HEAD" && !caps.metadata_by_head) continue;
    Seqs matched;
    for (const auto& e : entries) {
      if (Matches(c, e)) matched.push_back(e.seq);
    }
    const auto n = static_cast<std::uint64_t>(matched.size());
    if ((c.exactly && n != *c.exactly) || (c.at_least && n < *c.at_least) ||
        (c.at_most && n > *c.at_most)) {
      std::string want = c.exactly                 ? "exactly " + std::to_string(*c.exactly)
                         : c.at_least && c.at_most ? "between " + std::to_string(*c.at_least) +
                                                         " and " + std::to_string(*c.at_most)
                         : c.at_least ? "at least " + std::to_string(*c.at_least)
                                      : "at most " + std::to_string(*c.at_most);
      out.push_back({c.pointer + ": expected " + want + " request(s) " + Describe(c) + ", saw " +
                         std::to_string(n),
                     matched,
                     {}});
    }
  }
}

// Which Range a resume sends describes huggingface_hub's resume (from the
// partial's size): it applies to clients that resume.
void CheckRanges(const std::vector<std::string>& ranges, const Entries& entries, const Caps&,
                 Failures& out) {
  for (const auto& range : ranges) {
    if (std::none_of(entries.begin(), entries.end(),
                     [&](const JournalEntry& e) { return e.range == range; })) {
      out.push_back({"expected a request with \"Range: " + range + "\", none had it", {}, {}});
    }
  }
}

// Bytes actually sent per object (site and path): no byte may be sent twice.
void CheckNoRangeTwice(const Entries& entries, Failures& out) {
  struct Span {
    std::uint64_t start, end, seq;
    bool operator<(const Span& o) const {
      return std::tie(start, end, seq) < std::tie(o.start, o.end, o.seq);
    }
  };
  std::map<std::string, std::vector<Span>> served;
  for (const auto& e : entries) {
    if (e.method != "GET" || (e.status != 200 && e.status != 206) || e.bytes_sent == 0) continue;
    std::uint64_t start = 0;
    if (e.status == 206 && e.content_range.rfind("bytes ", 0) == 0) {
      const std::string_view range = std::string_view(e.content_range).substr(6);
      start = ParseDigits(range.substr(0, range.find('-')), 20).value_or(0);
    }
    served[e.server + " " + PathOf(e)].push_back({start, start + e.bytes_sent, e.seq});
  }
  for (auto& [path, spans] : served) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      if (spans[i].start < spans[i - 1].end) {
        out.push_back({"bytes " + std::to_string(spans[i].start) + "-" +
                           std::to_string(spans[i - 1].end - 1) + " of " + path +
                           " were fetched twice",
                       {spans[i - 1].seq, spans[i].seq},
                       {}});
        break;
      }
    }
  }
}

// The next request for the same site, method and path after an answer with a
// numeric Retry-After must not come before it.
void CheckRetryAfter(const Entries& entries, Failures& out) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (e.retry_after.empty() || e.retry_after.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const double due = e.time + e.duration_ms / 1000.0 + std::stod(e.retry_after);
    for (std::size_t j = i + 1; j < entries.size(); ++j) {
      const auto& next = entries[j];
      if (next.server != e.server || PathOf(next) != PathOf(e) || next.method != e.method) continue;
      if (next.time + 0.05 < due) {  // 50 ms of scheduling slack
        out.push_back({"request #" + std::to_string(next.seq) + " came " +
                           std::to_string(due - next.time) + " s before Retry-After: " +
                           e.retry_after + " of #" + std::to_string(e.seq) + " allowed",
                       {e.seq, next.seq},
                       {}});
      }
      break;
    }
  }
}

void CheckHeadBeforeGet(const Entries& entries, Failures& out) {
  std::set<std::string> headed;
  for (const auto& e : entries) {
    if (e.server != "hub" || PathOf(e).find("/resolve/") == std::string::npos) continue;
    if (e.method == "HEAD") headed.insert(PathOf(e));
    if (e.method == "GET" && !headed.count(PathOf(e))) {
      out.push_back(
          {"GET " + PathOf(e) + " (#" + std::to_string(e.seq) + ") without a HEAD before it",
           {e.seq},
           {}});
    }
  }
}

// A connection is busy from its first request's arrival to its last answer's
// end; connection ids are per site, so the key is (site, connection).
void CheckMaxConnections(const std::uint64_t& max, const Entries& entries, const Caps&,
                         Failures& out) {
  std::map<std::pair<std::string, std::uint64_t>, std::pair<double, double>> spans;
  for (const auto& e : entries) {
    const double end = e.time + e.duration_ms / 1000.0;
    const auto key = std::make_pair(e.server, e.connection);
    auto it = spans.find(key);
    if (it == spans.end())
      spans[key] = {e.time, end};
    else
      it->second = {std::min(it->second.first, e.time), std::max(it->second.second, end)};
  }
  std::vector<std::pair<double, int>> events;
  for (const auto& [k, s] : spans) {
    events.emplace_back(s.first, 1);
    events.emplace_back(s.second, -1);
  }
  std::sort(events.begin(), events.end());
  int open = 0, peak = 0;
  for (const auto& [t, d] : events) peak = std::max(peak, open += d);
  if (static_cast<std::uint64_t>(peak) > max) {
    out.push_back({"up to " + std::to_string(peak) +
                       " connections were busy at once, expected at most " + std::to_string(max),
                   {},
                   {}});
  }
}

bool ReadStrings(ScenarioReader& r, const nlohmann::json& w, const std::string& ptr,
                 const char* key, std::vector<std::string>& out) {
  return r.Strs(w, ptr, key, out);
}

bool ReadUint(ScenarioReader& r, const nlohmann::json& w, const std::string& ptr, const char* key,
              std::uint64_t& out) {
  std::optional<std::uint64_t> n;
  if (!r.Uint(w, ptr, key, n)) return false;
  out = *n;
  return true;
}

// A check that is asked for with `true` and has no parameter.
WireCheck Switch(const char* name, void (*check)(const Entries&, Failures&), bool Caps::*gate,
                 const char* doc) {
  return MakeWireCheck<bool>(
      name, &ReadWireBool,
      [check](const bool& on, const Entries& entries, const Caps&, Failures& out) {
        if (on) check(entries, out);
      },
      gate, doc);
}

std::vector<WireCheck> Rows() {
  std::vector<WireCheck> rows = TokenChecks();
  rows.push_back(MakeWireCheck<Counts>(
      "requests", &ReadCounts, &CheckCounts, nullptr,
      "request counts by `server`, `method`, `path` glob, `status`: `\"count\"` | "
      "`\"at_least\"` | `\"at_most\"` (combinable)"));
  rows.push_back(MakeWireCheck<std::vector<std::string>>(
      "ranges", &ReadStrings, &CheckRanges, &Caps::resume,
      "each is some request's exact `Range` (e.g. `bytes=1048576-`)"));
  rows.push_back(Switch("no_range_twice", &CheckNoRangeTwice, nullptr,
                        "`true`: no byte of an object was sent twice (bytes the mock sent: after "
                        "a `cut` with `\"mode\": \"reset\"` some may be lost, so asking again "
                        "is legitimate there)"));
  rows.push_back(Switch("retry_after_respected", &CheckRetryAfter, nullptr,
                        "`true`: no retry came before the `Retry-After` it was given"));
  rows.push_back(Switch("head_before_get", &CheckHeadBeforeGet, &Caps::metadata_by_head,
                        "`true`: every GET of a resolve URL had a HEAD before it"));
  rows.push_back(MakeWireCheck<std::uint64_t>("max_connections", &ReadUint, &CheckMaxConnections,
                                              nullptr,
                                              "at most this many connections busy at once"));
  return rows;
}

}  // namespace

bool ReadWireBool(ScenarioReader& r, const nlohmann::json& wire, const std::string& ptr,
                  const char* key, bool& out) {
  return r.Bool(wire, ptr, key, out);
}

const std::vector<WireCheck>& WireChecks() {
  static const std::vector<WireCheck> kChecks = Rows();
  return kChecks;
}

const WireCheck* FindWireCheck(const std::string& name) {
  for (const WireCheck& c : WireChecks()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Each failure is named after its check here, so no check spells its own
// name.
void CheckWire(const WireExpectation& w, const Entries& entries, const Caps& caps, Failures& out) {
  for (const WireValue& v : w.checks) {
    const WireCheck& c = *v.check;
    if (c.gate && !(caps.*c.gate)) continue;
    const std::size_t first = out.size();
    c.check(v.value, entries, caps, out);
    for (std::size_t i = first; i < out.size(); ++i) out[i].check = "wire." + c.name;
  }
}

}  // namespace mockhub::runner
