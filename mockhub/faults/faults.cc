// Strict parsing of faults (selectors, "when", the verb through the verb
// table of fault_verbs.cc) with JSON pointers. fault_set.cc selects faults
// for a request and holds the live set the admin API edits; fault_plan.cc
// applies a plan stage by stage.
#include "mockhub/faults/faults.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "mockhub/faults/fault_verbs.h"
#include "mockhub/sites/site.h"

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

// "headers": {"Range": "bytes=*", "If-Range": null}: a glob on the value, or
// null for a header that must be absent.
bool ParseHeaderSelectors(FaultReader& c, const json& h, const std::string& ptr, Fault& out) {
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
bool ParseRuns(FaultReader& c, const json& r, const std::string& ptr, Fault& out) {
  if (!r.is_array() || r.empty())
    return c.Fail(ptr, "expected a non-empty array of run numbers (1-based)");
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (!r[i].is_number_unsigned() || r[i].get<std::uint64_t>() == 0)
      return c.Fail(ptr + "/" + std::to_string(i), "runs are counted from 1");
    out.runs.push_back(r[i].get<std::uint64_t>());
  }
  return true;
}

bool ParseFault(FaultReader& c, const json& f, const std::string& ptr, Fault& out) {
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
  const VerbRow* row = FindVerb(out.verb);
  if (!row) {
    std::string list;
    for (const auto& v : FaultSet::Verbs()) list += (list.empty() ? "" : ", ") + v;
    return c.Fail(ptr + "/do/" + PointerToken(out.verb),
                  "unknown fault verb \"" + out.verb + "\" (known: " + list + ")");
  }
  std::any params;
  if (!row->parse(c, d.begin().value(), ptr + "/do/" + out.verb, params)) return false;
  out.effect = {row, std::make_shared<const std::any>(std::move(params))};
  return true;
}

}  // namespace

Loaded<Fault> FaultSet::ParseOne(const json& fault, const std::string& file,
                                 const std::string& pointer) {
  FaultReader c(file);
  Fault f;
  try {
    if (!ParseFault(c, fault, pointer, f)) return c.error();
  } catch (const std::exception& e) {
    return LoadError{file, pointer, std::string("malformed fault: ") + e.what()};
  }
  return f;
}

Loaded<std::vector<Fault>> FaultSet::Parse(const json& faults, const std::string& file,
                                           const std::string& pointer) {
  if (!faults.is_array()) return LoadError{file, pointer, "expected an array of faults"};
  if (faults.size() > kMaxFaults) {
    return LoadError{file, pointer,
                     "at most " + std::to_string(kMaxFaults) + " faults (" +
                         std::to_string(faults.size()) + " given)"};
  }
  std::vector<Fault> out;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    auto f = ParseOne(faults[i], file, pointer + "/" + std::to_string(i));
    if (!f) return f.error();
    out.push_back(std::move(f.value()));
  }
  return out;
}

const std::vector<std::string>& FaultSet::Verbs() {
  static const std::vector<std::string> kVerbs = [] {
    std::vector<std::string> names;
    for (const VerbRow& v : VerbTable()) names.push_back(v.name);
    return names;
  }();
  return kVerbs;
}

std::vector<std::pair<std::string, std::string>> FaultSet::VerbDocs() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const VerbRow& v : VerbTable()) out.emplace_back(v.name, v.doc);
  return out;
}

const HubChange* StepChange(const Fault& fault) { return StepOf(fault.effect); }

}  // namespace mockhub
