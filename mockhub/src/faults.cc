// Fault verbs: one table (name, one-line doc, parser, combination rule) and
// strict parsing with JSON pointers. fault_set.cc selects faults for a
// request and holds the live set the admin API edits. fault_plan.cc applies a plan's header-level
// effects; the body writer its byte-level ones.
#include "mockhub/faults.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "json_checker.h"
#include "mockhub/digest.h"
#include "mockhub/site.h"

namespace mockhub {

using nlohmann::json;

bool GlobMatch(const std::string& p, const std::string& t) {
  std::size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

namespace {

// The strict reader plus what only faults need.
struct Ctx : JsonChecker {
  using JsonChecker::JsonChecker;
  bool Headers(const json& o, const std::string& ptr, HeaderList& out) {
    if (!o.is_object()) return Fail(ptr, "expected an object of header -> value");
    for (auto it = o.begin(); it != o.end(); ++it) {
      if (!it.value().is_string())
        return Fail(ptr + "/" + PointerToken(it.key()), "must be a string");
      const std::string& k = it.key();
      if (k.empty() || k.find_first_of(" :\r\n") != std::string::npos) {
        return Fail(ptr + "/" + PointerToken(k), "invalid header name");
      }
      if (it.value().get<std::string>().find_first_of("\r\n") != std::string::npos) {
        return Fail(ptr + "/" + PointerToken(k), "a header value cannot contain a line break");
      }
      out.emplace_back(k, it.value().get<std::string>());
    }
    return true;
  }
};

// --- the verbs: one parser and one combination rule each -------------------

bool ParseStatus(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  // {"code": 429, "headers": {"Retry-After": "2"}, "body": "text" | "body_base64": "..."}
  if (!c.Keys(p, ptr, {"code", "headers", "body", "body_base64"})) return false;
  std::uint64_t code = 0;
  if (!c.Uint(p, ptr, "code", code, true)) return false;
  // A 1xx is an interim answer: the response it stands for never comes, and
  // clients wait for it (or treat 101 as a protocol switch).
  if (code < 200 || code > 599)
    return c.Fail(ptr + "/code", "must be a final HTTP status (200-599): 1xx is an interim answer");
  HttpResponse res;
  res.status = static_cast<int>(code);
  if (p.contains("headers") && !c.Headers(p.at("headers"), ptr + "/headers", res.headers))
    return false;
  if (p.contains("body")) {
    if (!p.at("body").is_string()) return c.Fail(ptr + "/body", "must be a string");
    res.body = p.at("body").get<std::string>();
  }
  if (p.contains("body_base64")) {
    if (!p.at("body_base64").is_string() ||
        !Base64Decode(p.at("body_base64").get<std::string>(), res.body)) {
      return c.Fail(ptr + "/body_base64", "must be base64");
    }
  }
  if (!res.Has("Content-Type")) res.Set("Content-Type", "text/plain; charset=utf-8");
  plan.replace = res;
  return true;
}

bool ParseDelay(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  // {"ms": 500}; as long as a stall at most
  if (!c.Keys(p, ptr, {"ms"}) || !c.Uint(p, ptr, "ms", plan.delay_ms, true)) return false;
  return plan.delay_ms <= kMaxStallMs || c.Fail(ptr + "/ms", "at most 120000");
}

bool ParseThrottle(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  if (!c.Keys(p, ptr, {"bytes_per_second"}) ||
      !c.Uint(p, ptr, "bytes_per_second", plan.throttle_bps, true)) {
    return false;
  }
  return plan.throttle_bps > 0 || c.Fail(ptr + "/bytes_per_second", "must be at least 1");
}

// {"after_bytes": N} | {"after_percent": P}, "mode": "close" | "reset"
bool ParseCut(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  if (!c.Keys(p, ptr, {"after_bytes", "after_percent", "mode"})) return false;
  if (p.contains("after_bytes") == p.contains("after_percent")) {
    return c.Fail(ptr, "needs exactly one of \"after_bytes\" or \"after_percent\"");
  }
  if (p.contains("after_bytes")) {
    std::uint64_t n = 0;
    if (!c.Uint(p, ptr, "after_bytes", n, true)) return false;
    plan.cut_after = n;
  } else {
    const json& v = p.at("after_percent");
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() >= 100) {
      return c.Fail(ptr + "/after_percent", "must be a number in [0, 100)");
    }
    plan.cut_after_fraction = v.get<double>() / 100.0;
  }
  std::string mode = "close";
  if (p.contains("mode")) {
    if (!p.at("mode").is_string()) return c.Fail(ptr + "/mode", "must be \"close\" or \"reset\"");
    mode = p.at("mode").get<std::string>();
  }
  if (mode != "close" && mode != "reset")
    return c.Fail(ptr + "/mode", "must be \"close\" or \"reset\"");
  plan.cut_reset = mode == "reset";
  return true;
}

// {"after_bytes": N, "ms": M}; no "ms": until the client gives up
bool ParseStall(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  if (!c.Keys(p, ptr, {"after_bytes", "ms"})) return false;
  std::uint64_t n = 0;
  if (!c.Uint(p, ptr, "after_bytes", n, true) || !c.Uint(p, ptr, "ms", plan.stall_ms, false))
    return false;
  if (plan.stall_ms > kMaxStallMs) return c.Fail(ptr + "/ms", "at most 120000");
  plan.stall_after = n;
  return true;
}

bool ParseCorrupt(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  Corruption k;  // {"offset": N, "length": 1}
  if (!c.Keys(p, ptr, {"offset", "length"}) || !c.Uint(p, ptr, "offset", k.offset, true) ||
      !c.Uint(p, ptr, "length", k.length, false)) {
    return false;
  }
  if (k.length == 0) return c.Fail(ptr + "/length", "must be at least 1");
  plan.corrupt.push_back(k);
  return true;
}

// {} | {"mode": "reset" (default) | "close"}
bool ParseRefuse(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  if (!c.Keys(p, ptr, {"mode"})) return false;
  std::string mode = "reset";
  if (!c.Str(p, ptr, "mode", mode)) return false;
  if (mode != "close" && mode != "reset")
    return c.Fail(ptr + "/mode", "must be \"reset\" or \"close\"");
  plan.refuse = true;
  plan.refuse_reset = mode == "reset";
  return true;
}

bool ParseIgnoreRange(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  plan.ignore_range = true;
  return c.Keys(p, ptr, {});
}

bool ParseRelativeRedirect(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  plan.relative_redirect = true;
  return c.Keys(p, ptr, {});
}

bool ParseDropHeaders(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  if (!p.is_array() || p.empty()) return c.Fail(ptr, "expected a non-empty array of header names");
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p[i].is_string()) return c.Fail(ptr + "/" + std::to_string(i), "must be a header name");
    plan.header_edits.push_back({p[i].get<std::string>(), std::nullopt});
  }
  return true;
}

bool ParseSetHeaders(Ctx& c, const json& p, const std::string& ptr, FaultPlan& plan) {
  HeaderList set;
  if (!c.Headers(p, ptr, set)) return false;  // {"X-Foo": "bar"}
  for (auto& [k, v] : set) plan.header_edits.push_back({k, v});
  return true;
}

// How several matching faults combine (scenarios/README.md, "Faults"): the
// first status wins; delays add up; header edits and corruptions accumulate
// in fault order; for cut, stall and throttle the first matching fault wins.
// status and relative_redirect both replace the site's answer: the first wins.
void FirstStatus(FaultPlan& into, const FaultPlan& p) {
  if (!into.replace && !into.relative_redirect) into.replace = p.replace;
}
void AddDelay(FaultPlan& into, const FaultPlan& p) { into.delay_ms += p.delay_ms; }
void FirstThrottle(FaultPlan& into, const FaultPlan& p) {
  if (!into.throttle_bps) into.throttle_bps = p.throttle_bps;
}
void FirstCut(FaultPlan& into, const FaultPlan& p) {
  if (into.cut_after || into.cut_after_fraction) return;
  into.cut_after = p.cut_after;
  into.cut_after_fraction = p.cut_after_fraction;
  into.cut_reset = p.cut_reset;
}
void FirstStall(FaultPlan& into, const FaultPlan& p) {
  if (into.stall_after) return;
  into.stall_after = p.stall_after;
  into.stall_ms = p.stall_ms;
}
void AddCorruption(FaultPlan& into, const FaultPlan& p) {
  into.corrupt.insert(into.corrupt.end(), p.corrupt.begin(), p.corrupt.end());
}
void FirstRefuse(FaultPlan& into, const FaultPlan& p) {
  if (into.refuse) return;
  into.refuse = true;
  into.refuse_reset = p.refuse_reset;
}
void SetIgnoreRange(FaultPlan& into, const FaultPlan&) { into.ignore_range = true; }
void SetRelativeRedirect(FaultPlan& into, const FaultPlan&) {
  if (!into.replace) into.relative_redirect = true;
}
void AddHeaderEdits(FaultPlan& into, const FaultPlan& p) {
  into.header_edits.insert(into.header_edits.end(), p.header_edits.begin(), p.header_edits.end());
}

struct VerbSpec {
  const char* name;
  const char* doc;  // one line, as in scenarios/README.md
  bool (*parse)(Ctx&, const json&, const std::string&, FaultPlan&);
  void (*combine)(FaultPlan& into, const FaultPlan& mine);
};

// Every fault verb: the one table that knows them.
const std::vector<VerbSpec>& VerbTable() {
  static const std::vector<VerbSpec> kTable = {
      {"status", "answer with this status, headers and body instead of the site", &ParseStatus,
       &FirstStatus},
      {"delay", "wait before sending the response headers", &ParseDelay, &AddDelay},
      {"throttle", "send the body at most this many bytes per second", &ParseThrottle,
       &FirstThrottle},
      {"cut", "end the body after N bytes or a percentage: clean close or TCP reset", &ParseCut,
       &FirstCut},
      {"stall", "stop sending after N bytes for a while (or until the client gives up)",
       &ParseStall, &FirstStall},
      {"corrupt", "flip bytes of the body at an offset", &ParseCorrupt, &AddCorruption},
      {"ignore_range", "ignore Range/If-Range: send 200 with the whole body", &ParseIgnoreRange,
       &SetIgnoreRange},
      {"drop_headers", "remove response headers (a proxy that strips X-Repo-Commit)",
       &ParseDropHeaders, &AddHeaderEdits},
      {"set_headers", "add or replace response headers", &ParseSetHeaders, &AddHeaderEdits},
      {"relative_redirect",
       "answer a relative 307 to the same resource through /_mockhub/hop/, a hop without the "
       "metadata headers",
       &ParseRelativeRedirect, &SetRelativeRedirect},
      {"refuse",
       "no answer: the connection is reset (or closed) once the request is read, as a host that "
       "is down or a dropped connection",
       &ParseRefuse, &FirstRefuse},
  };
  return kTable;
}

const VerbSpec* FindVerb(const std::string& name) {
  for (const VerbSpec& v : VerbTable()) {
    if (name == v.name) return &v;
  }
  return nullptr;
}

// "headers": {"Range": "bytes=*", "If-Range": null}: a glob on the value, or
// null for a header that must be absent.
bool ParseHeaderSelectors(Ctx& c, const json& h, const std::string& ptr, Fault& out) {
  if (!h.is_object() || h.empty())
    return c.Fail(ptr, "expected an object of header name -> glob (or null: absent)");
  for (auto it = h.begin(); it != h.end(); ++it) {
    const std::string at = ptr + "/" + PointerToken(it.key());
    if (it.key().empty() || it.key().find_first_of(" :\r\n") != std::string::npos)
      return c.Fail(at, "invalid header name");
    if (it.value().is_null()) {
      out.headers.push_back({it.key(), std::nullopt});
      continue;
    }
    if (!it.value().is_string()) return c.Fail(at, "must be a glob (string) or null (absent)");
    out.headers.push_back({it.key(), it.value().get<std::string>()});
  }
  return true;
}

// "runs": [1, 3]: the client runs (1-based) during which the fault applies.
bool ParseRuns(Ctx& c, const json& r, const std::string& ptr, Fault& out) {
  if (!r.is_array() || r.empty())
    return c.Fail(ptr, "expected a non-empty array of run numbers (1-based)");
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (!r[i].is_number_unsigned() || r[i].get<std::uint64_t>() == 0)
      return c.Fail(ptr + "/" + std::to_string(i), "runs are counted from 1");
    out.runs.push_back(r[i].get<std::uint64_t>());
  }
  return true;
}

bool ParseFault(Ctx& c, const json& f, const std::string& ptr, Fault& out) {
  if (!c.Keys(f, ptr, {"server", "method", "path", "headers", "runs", "when", "do", "comment"}))
    return false;
  out.source = f.dump(-1, ' ', false, json::error_handler_t::replace);
  if (f.contains("headers") && !ParseHeaderSelectors(c, f.at("headers"), ptr + "/headers", out))
    return false;
  if (f.contains("runs") && !ParseRuns(c, f.at("runs"), ptr + "/runs", out)) return false;
  if (f.contains("server") && !f.at("server").is_string())
    return c.Fail(ptr + "/server", "must be a string");
  const std::string site = f.contains("server") ? f.at("server").get<std::string>() : "any";
  if (site != "any" && !IsSiteName(site))
    return c.Fail(ptr + "/server", "must be " + QuotedSiteNames() + " or \"any\"");
  if (site != "any") out.site = site;
  if (f.contains("method")) {
    if (!f.at("method").is_string()) return c.Fail(ptr + "/method", "must be a string");
    out.method = f.at("method").get<std::string>();
    static const std::set<std::string> kMethods = {"GET",    "HEAD",  "POST",   "PUT",
                                                   "DELETE", "PATCH", "OPTIONS"};
    if (!kMethods.count(out.method))
      return c.Fail(ptr + "/method", "unknown method \"" + out.method + "\"");
  }
  if (f.contains("path")) {
    if (!f.at("path").is_string() || f.at("path").get<std::string>().empty()) {
      return c.Fail(ptr + "/path", "must be a non-empty glob");
    }
    out.path = f.at("path").get<std::string>();
  }
  if (f.contains("when")) {
    const json& w = f.at("when");
    const std::string wptr = ptr + "/when";
    if (!c.Keys(w, wptr, {"first", "only", "every", "after"})) return false;
    if (w.size() != 1)
      return c.Fail(wptr, "needs exactly one of \"first\", \"only\", \"every\", \"after\"");
    const std::string key = w.begin().key();
    if (key == "only") {
      const json& only = w.at("only");
      if (!only.is_array() || only.empty())
        return c.Fail(wptr + "/only", "expected a non-empty array of attempt numbers (1-based)");
      for (std::size_t i = 0; i < only.size(); ++i) {
        if (!only[i].is_number_unsigned() || only[i].get<std::uint64_t>() == 0) {
          return c.Fail(wptr + "/only/" + std::to_string(i), "attempts are counted from 1");
        }
        out.only.push_back(only[i].get<std::uint64_t>());
      }
      out.when = Fault::When::kOnly;
    } else {
      if (!c.Uint(w, wptr, key.c_str(), out.when_n, true)) return false;
      if (out.when_n == 0 && key != "after") return c.Fail(wptr + "/" + key, "must be at least 1");
      out.when = key == "first"   ? Fault::When::kFirst
                 : key == "every" ? Fault::When::kEvery
                                  : Fault::When::kAfter;
    }
  }
  if (!f.contains("do")) return c.Fail(ptr, "missing \"do\": the fault's verb");
  const json& d = f.at("do");
  if (!d.is_object() || d.size() != 1) {
    return c.Fail(
        ptr + "/do",
        "must be an object with exactly one verb, e.g. {\"cut\": {\"after_bytes\": 1024}}");
  }
  out.verb = d.begin().key();
  const VerbSpec* spec = FindVerb(out.verb);
  if (!spec) {
    std::string list;
    for (const auto& v : FaultSet::Verbs()) list += (list.empty() ? "" : ", ") + v;
    return c.Fail(ptr + "/do/" + PointerToken(out.verb),
                  "unknown fault verb \"" + out.verb + "\" (known: " + list + ")");
  }
  if (!spec->parse(c, d.begin().value(), ptr + "/do/" + out.verb, out.plan)) return false;
  out.combine = spec->combine;
  out.plan.fired = {"fault:" + out.verb};
  return true;
}

}  // namespace

Loaded<std::vector<Fault>> FaultSet::Parse(const json& faults, const std::string& file,
                                           const std::string& pointer) {
  Ctx c(file);
  if (!faults.is_array()) return LoadError{file, pointer, "expected an array of faults"};
  if (faults.size() > kMaxFaults) {
    return LoadError{file, pointer,
                     "at most " + std::to_string(kMaxFaults) + " faults (" +
                         std::to_string(faults.size()) + " given)"};
  }
  std::vector<Fault> out;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    Fault f;
    try {
      if (!ParseFault(c, faults[i], pointer + "/" + std::to_string(i), f)) return c.error();
    } catch (const std::exception& e) {
      return LoadError{file, pointer + "/" + std::to_string(i),
                       std::string("malformed fault: ") + e.what()};
    }
    out.push_back(std::move(f));
  }
  return out;
}

const std::vector<std::string>& FaultSet::Verbs() {
  static const std::vector<std::string> kVerbs = [] {
    std::vector<std::string> names;
    for (const VerbSpec& v : VerbTable()) names.push_back(v.name);
    return names;
  }();
  return kVerbs;
}

std::vector<std::pair<std::string, std::string>> FaultSet::VerbDocs() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const VerbSpec& v : VerbTable()) out.emplace_back(v.name, v.doc);
  return out;
}

}  // namespace mockhub
