// The "expect" object of a client step: outcome, files, message fragments,
// the cache layout and the wire. See scenario_reader.h.
#include "mockhub/runner/outcomes.h"
#include "scenario_reader.h"
#include "wire_checks.h"

namespace mockhub::runner {

using nlohmann::json;

// Each key is a part: a bad outcome does not hide a bad wire expectation.
bool ScenarioReader::Expect(const json& e, const std::string& ptr, Expectation& out) {
  if (!e.is_object()) return Fail(ptr, "expected an object");
  bool ok = Keys(e, ptr, {"outcome", "files", "message", "cache", "wire"});
  ok = Part(ptr + "/outcome", [&](ScenarioReader& r) { return r.Outcome(e, ptr, out); }) && ok;
  if (e.contains("files")) {
    ok = Part(ptr + "/files",
              [&](ScenarioReader& r) {
                return r.ExpectFiles(e.at("files"), ptr + "/files", out);
              }) &&
         ok;
  }
  ok = Part(ptr + "/message",
            [&](ScenarioReader& r) { return r.Strs(e, ptr, "message", out.message); }) &&
       ok;
  if (e.contains("cache")) {
    ok = Part(ptr + "/cache",
              [&](ScenarioReader& r) {
                return r.ExpectCache(e.at("cache"), ptr + "/cache", out);
              }) &&
         ok;
  }
  if (e.contains("wire")) {
    ok = Part(ptr + "/wire",
              [&](ScenarioReader& r) { return r.ExpectWire(e.at("wire"), ptr + "/wire", out); }) &&
         ok;
  }
  return ok;
}

bool ScenarioReader::Outcome(const json& e, const std::string& ptr, Expectation& out) {
  if (!e.contains("outcome")) return true;
  std::string o;
  if (!Str(e, ptr, "outcome", o)) return false;
  if (!IsOutcome(o)) {
    return Fail(ptr + "/outcome",
                "unknown outcome \"" + o + "\": \"ok\" or an error kind of scenarios/README.md");
  }
  out.outcome = o;
  return true;
}

bool ScenarioReader::ExpectFiles(const json& f, const std::string& ptr, Expectation& out) {
  if (!f.is_object()) return Fail(ptr, "expected an object of path -> \"hub\" or \"sha256:<hex>\"");
  for (auto it = f.begin(); it != f.end(); ++it) {
    const std::string fptr = ptr + "/" + PointerToken(it.key());
    if (!Name(names::RepoPath, "file path", it.key(), fptr)) return false;
    FileExpectation fe;
    fe.path = it.key();
    const std::string v = it.value().is_string() ? it.value().get<std::string>() : "";
    if (v == "hub") {
      fe.from_hub = true;
    } else if (v.rfind("sha256:", 0) == 0 && v.size() == 71) {
      fe.sha256 = v.substr(7);
    } else {
      return Fail(fptr, "must be \"hub\" (the hub's content) or \"sha256:<64 hex>\"");
    }
    out.files.push_back(fe);
  }
  return true;
}

bool ScenarioReader::ExpectCache(const json& c, const std::string& ptr, Expectation& out) {
  CacheExpectation ce;
  if (!Keys(c, ptr, {"blobs", "incomplete", "no_incomplete", "refs", "snapshot", "absent"}) ||
      !Uint(c, ptr, "blobs", ce.blobs) || !Incomplete(c, ptr, ce) ||
      !NamedStrs(c, ptr, "snapshot", names::RepoPath, "file path", ce.snapshot) ||
      !NamedStrs(c, ptr, "absent", names::RepoPath, "file path", ce.absent)) {
    return false;
  }
  if (c.contains("refs")) {
    if (!c.at("refs").is_object())
      return Fail(ptr + "/refs", "expected an object of revision -> sha or \"hub\"");
    for (auto it = c.at("refs").begin(); it != c.at("refs").end(); ++it) {
      const std::string rptr = ptr + "/refs/" + PointerToken(it.key());
      // The key names the file refs/<key> of the cache: a ref name, so it
      // cannot climb out of refs/.
      if (!Name(names::RefName, "ref name", it.key(), rptr)) return false;
      if (!it.value().is_string()) return Fail(rptr, "must be a string");
      const std::string want = it.value().get<std::string>();
      if (want != "hub" && !names::IsFullSha(want))
        return Fail(rptr, "must be \"hub\" (the hub's commit) or a commit sha (40 hex digits)");
      ce.refs[it.key()] = want;
    }
  }
  out.cache = ce;
  return true;
}

// "incomplete": false | true | N, and the older "no_incomplete": true. A
// "no_incomplete": false used to check nothing at all, so it is refused
// rather than given a meaning a reader could not guess.
bool ScenarioReader::Incomplete(const json& c, const std::string& ptr, CacheExpectation& ce) {
  if (c.contains("incomplete") && c.contains("no_incomplete"))
    return Fail(ptr + "/no_incomplete", "use \"incomplete\" or \"no_incomplete\", not both");
  if (c.contains("no_incomplete")) {
    if (c.at("no_incomplete") != true) {
      return Fail(ptr + "/no_incomplete",
                  "must be true (no *.incomplete may remain); to require that a partial remains, "
                  "write \"incomplete\": true");
    }
    ce.incomplete = false;
    return true;
  }
  if (!c.contains("incomplete")) return true;
  const json& v = c.at("incomplete");
  if (v.is_boolean()) {
    ce.incomplete = v.get<bool>();
    return true;
  }
  if (!v.is_number_unsigned()) {
    return Fail(ptr + "/incomplete",
                "must be false (no *.incomplete may remain), true (at least one must remain) or "
                "a byte count (one of exactly that size must remain)");
  }
  ce.incomplete = true;
  ce.incomplete_bytes = v.get<std::uint64_t>();
  return true;
}

// Which keys exist and how each is read come from the registry
// (wire_checks.h); the values are kept in its order, the order of checking.
bool ScenarioReader::ExpectWire(const json& w, const std::string& ptr, Expectation& out) {
  std::set<std::string> keys;
  for (const WireCheck& c : WireChecks()) keys.insert(c.name);
  if (!Keys(w, ptr, keys)) return false;
  WireExpectation we;
  for (const WireCheck& c : WireChecks()) {
    if (!w.contains(c.name)) continue;
    std::any value;
    if (!c.parse(*this, w, ptr, value)) return false;
    we.checks.push_back({&c, std::move(value)});
  }
  out.wire = we;
  return true;
}

}  // namespace mockhub::runner
