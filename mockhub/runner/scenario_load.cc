// Scenario files -> Scenario. Strict: every unknown key is an error with its
// JSON pointer, and references (repos, files, tokens, commits, users) are
// checked against the scenario's own world before anything runs. The readers
// of each part live beside this file (scenario_reader.h); this one assembles
// the document: about, the world (base + patch), client, faults, steps.
#include <filesystem>

#include "mockhub/runner/scenario.h"
#include "mockhub/world/world_json.h"
#include "scenario_reader.h"

namespace mockhub {

using nlohmann::json;
using runner::ScenarioReader;

const char* TokenSourceName(TokenSetup::Source s) {
  switch (s) {
    case TokenSetup::Source::kNone:
      return "none";
    case TokenSetup::Source::kHfToken:
      return "HF_TOKEN";
    case TokenSetup::Source::kHuggingFaceHubToken:
      return "HUGGING_FACE_HUB_TOKEN";
    case TokenSetup::Source::kTokenFile:
      return "token_file";
    case TokenSetup::Source::kTokenPath:
      return "HF_TOKEN_PATH";
    case TokenSetup::Source::kArgument:
      return "argument";
  }
  return "none";
}

namespace {

// The world: a base (the demo world by default), changed by an RFC 7386
// merge patch, or given whole. Errors point into the patch or the world.
bool LoadWorld(const json& d, const std::string& path, ScenarioReader& r, Scenario& sc) {
  json world = ParseJsonText(DemoWorldJson(), "<demo world>").value();
  std::string world_ptr = "/hub";
  if (d.contains("hub")) {
    const json& h = d.at("hub");
    if (!r.Keys(h, "/hub", {"base", "patch", "world"})) return false;
    std::string base = h.contains("world") ? "empty" : "demo";
    if (!r.Str(h, "/hub", "base", base)) return false;
    if (base == "empty")
      world = json::object();
    else if (base != "demo")
      return r.Fail("/hub/base", "must be \"demo\" or \"empty\"");
    if (h.contains("world")) {
      if (h.contains("patch")) return r.Fail("/hub", "use \"world\" or \"patch\", not both");
      world.merge_patch(h.at("world"));
      world_ptr = "/hub/world";
    }
    if (h.contains("patch")) {
      world.merge_patch(h.at("patch"));
      world_ptr = "/hub/patch";
    }
  }
  auto w = WorldFromJson(world, path);
  if (!w) {
    LoadError e = w.error();
    e.pointer = world_ptr + e.pointer;
    r.Add(e);
    return false;
  }
  sc.world_doc = world;
  sc.world = std::move(w.value());
  return true;
}

bool LoadAbout(const json& d, ScenarioReader& r, Scenario& sc) {
  if (!d.contains("about")) return r.Fail("", "missing \"about\" (description, tags, reproduces)");
  const json& about = d.at("about");
  return r.Keys(about, "/about", {"description", "symptom", "tags", "reproduces"}) &&
         r.Str(about, "/about", "description", sc.description, true) &&
         r.Str(about, "/about", "symptom", sc.symptom) &&
         r.Strs(about, "/about", "tags", sc.tags) &&
         r.Strs(about, "/about", "reproduces", sc.reproduces);
}

// Each fault on its own, so that every bad fault is reported at its own
// pointer; parsed once, here (each server the scenario starts counts their
// attempts afresh).
bool LoadFaults(const json& d, const std::string& path, ScenarioReader& r, Scenario& sc) {
  const json faults = d.value("faults", json::array());
  if (!faults.is_array()) return r.Fail("/faults", "expected an array of faults");
  bool ok = true;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    auto one = FaultSet::ParseOne(faults[i], path, "/faults/" + std::to_string(i));
    if (one) {
      sc.faults.push_back(std::move(one.value()));
      continue;
    }
    r.Add(one.error());
    ok = false;
  }
  if (ok && faults.size() > FaultSet::kMaxFaults) {
    r.Fail("/faults", "at most " + std::to_string(FaultSet::kMaxFaults) + " faults (" +
                          std::to_string(faults.size()) + " given)");
    ok = false;
  }
  if (!ok) sc.faults.clear();
  return ok;
}

// Each step is a part; a step that does not read is left out of sc.steps.
void LoadSteps(const json& d, ScenarioReader& r, Scenario& sc) {
  if (!d.contains("steps") || !d.at("steps").is_array() || d.at("steps").empty()) {
    r.Part("/steps", [](ScenarioReader& p) {
      return p.Fail("/steps", "expected a non-empty array of steps");
    });
    return;
  }
  for (std::size_t i = 0; i < d.at("steps").size(); ++i) {
    const std::string ptr = "/steps/" + std::to_string(i);
    Step s;
    if (r.Part(ptr, [&](ScenarioReader& p) { return p.ParseStep(d.at("steps")[i], ptr, s); }))
      sc.steps.push_back(std::move(s));
  }
}

// Some step, read or not, moves a branch.
bool BranchesMove(const json& d) {
  if (!d.contains("steps") || !d.at("steps").is_array()) return false;
  for (const json& s : d.at("steps")) {
    if (s.is_object() && s.contains("move_branch")) return true;
  }
  return false;
}

// Every section is a part: a bad "about" does not hide a bad step. The
// reference checks need the world, and run over what did read.
Scenario ReadScenario(const json& d, const std::string& path, ScenarioReader& r) {
  Scenario sc;
  sc.file = path;
  sc.name = std::filesystem::path(path).stem().string();
  if (!d.is_object()) {
    r.Fail("", "expected an object");
    return sc;
  }
  r.Keys(d, "", {"$schema", "version", "about", "hub", "client", "faults", "steps"});
  if (d.contains("version") && d["version"] != 1) {
    r.Part("/version", [](ScenarioReader& p) {
      return p.Fail("/version", "unsupported version (this mockhub reads 1)");
    });
  }
  r.Part("/about", [&](ScenarioReader& p) { return LoadAbout(d, p, sc); });
  const bool world = r.Part("/hub", [&](ScenarioReader& p) { return LoadWorld(d, path, p, sc); });
  bool client = true;
  if (d.contains("client")) {
    client = r.Part("/client", [&](ScenarioReader& p) {
      return p.Client(d.at("client"), "/client", sc.client, false);
    });
  }
  if (!client) sc.client.cache.clear();  // its indices may no longer be its pointers
  r.Part("/faults", [&](ScenarioReader& p) { return LoadFaults(d, path, p, sc); });
  LoadSteps(d, r, sc);
  if (world) {
    r.Part("", [&](ScenarioReader& p) { return runner::CheckReferences(p, sc, BranchesMove(d)); });
  }
  return sc;
}

// The file's scenario, and every error found in it. No JSON type error may
// escape as an exception: bad input is a LoadError.
std::vector<LoadError> ReadScenarioFile(const std::string& path, Scenario& sc) {
  ScenarioReader r(path);
  r.Part("", [&](ScenarioReader& p) {
    auto doc = ReadJsonFile(path);
    if (!doc) {
      p.Add(doc.error());
      return false;
    }
    sc = ReadScenario(*doc, path, p);
    return true;
  });
  return r.Errors();
}

}  // namespace

std::vector<LoadError> ScenarioErrors(const std::string& path) {
  Scenario sc;
  return ReadScenarioFile(path, sc);
}

Loaded<Scenario> LoadScenario(const std::string& path) {
  Scenario sc;
  std::vector<LoadError> errors = ReadScenarioFile(path, sc);
  if (!errors.empty()) return errors.front();
  return sc;
}

}  // namespace mockhub
