// Scenario files -> Scenario. Strict: every unknown key is an error with its
// JSON pointer, and references (repos, files, tokens, commits, users) are
// checked against the scenario's own world before anything runs. The readers
// of each part live beside this file (scenario_reader.h); this one assembles
// the document: about, the world (base + patch), client, faults, steps.
#include <filesystem>

#include "mockhub/runner/scenario.h"
#include "mockhub/world_json.h"
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
Loaded<bool> LoadWorld(const json& d, const std::string& path, ScenarioReader& r, Scenario& sc) {
  json world = ParseJsonText(DemoWorldJson(), "<demo world>").value();
  std::string world_ptr = "/hub";
  if (d.contains("hub")) {
    const json& h = d.at("hub");
    if (!r.Keys(h, "/hub", {"base", "patch", "world"})) return r.error();
    std::string base = h.contains("world") ? "empty" : "demo";
    if (!r.Str(h, "/hub", "base", base)) return r.error();
    if (base == "empty")
      world = json::object();
    else if (base != "demo")
      return LoadError{path, "/hub/base", "must be \"demo\" or \"empty\""};
    if (h.contains("world")) {
      if (h.contains("patch"))
        return LoadError{path, "/hub", "use \"world\" or \"patch\", not both"};
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
    return e;
  }
  sc.world_doc = world;
  sc.world = std::move(w.value());
  return true;
}

Loaded<Scenario> LoadScenarioChecked(const std::string& path) {
  auto doc = ReadJsonFile(path);
  if (!doc) return doc.error();
  ScenarioReader r(path);
  Scenario sc;
  sc.file = path;
  sc.name = std::filesystem::path(path).stem().string();
  const json& d = *doc;
  if (!r.Keys(d, "", {"$schema", "version", "about", "hub", "client", "faults", "steps"}))
    return r.error();
  if (d.contains("version") && d["version"] != 1)
    return LoadError{path, "/version", "unsupported version (this mockhub reads 1)"};
  if (!d.contains("about"))
    return LoadError{path, "", "missing \"about\" (description, tags, reproduces)"};
  const json& about = d.at("about");
  if (!r.Keys(about, "/about", {"description", "tags", "reproduces"}) ||
      !r.Str(about, "/about", "description", sc.description, true) ||
      !r.Strs(about, "/about", "tags", sc.tags) ||
      !r.Strs(about, "/about", "reproduces", sc.reproduces)) {
    return r.error();
  }
  if (auto world = LoadWorld(d, path, r, sc); !world) return world.error();
  if (d.contains("client") && !r.Client(d.at("client"), "/client", sc.client, false))
    return r.error();
  sc.faults_doc = d.value("faults", json::array());
  auto faults = FaultSet::FromJson(sc.faults_doc, path, "/faults");
  if (!faults) return faults.error();
  sc.faults = faults.value();
  if (!d.contains("steps") || !d.at("steps").is_array() || d.at("steps").empty()) {
    return LoadError{path, "/steps", "expected a non-empty array of steps"};
  }
  for (std::size_t i = 0; i < d.at("steps").size(); ++i) {
    Step s;
    if (!r.ParseStep(d.at("steps")[i], "/steps/" + std::to_string(i), s)) return r.error();
    sc.steps.push_back(std::move(s));
  }
  if (!runner::CheckReferences(r, sc)) return r.error();
  return sc;
}

}  // namespace

// No JSON type error may escape as an exception: bad input is a LoadError.
Loaded<Scenario> LoadScenario(const std::string& path) {
  try {
    return LoadScenarioChecked(path);
  } catch (const std::exception& e) {
    return LoadError{path, "", std::string("malformed scenario: ") + e.what()};
  }
}

}  // namespace mockhub
