// Adapter files (how to run one downloader) and the expansion of the paths
// given to `mockhub run` / `validate` into scenario files.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "check_names.h"
#include "mockhub/runner/adapter.h"
#include "mockhub/world/world_json.h"

namespace mockhub {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// "capabilities": {"messages", "cache_layout", "metadata_by_head", "resume"},
// each true (the default) or false.
std::optional<LoadError> ReadCapabilities(const json& d, const std::string& path, Adapter& a) {
  if (!d.contains("capabilities")) return std::nullopt;
  const json& c = d["capabilities"];
  if (!c.is_object()) return LoadError{path, "/capabilities", "expected an object"};
  const std::pair<const char*, bool*> kCaps[] = {{"messages", &a.messages},
                                                 {"cache_layout", &a.cache_layout},
                                                 {"metadata_by_head", &a.metadata_by_head},
                                                 {"resume", &a.resume}};
  for (auto it = c.begin(); it != c.end(); ++it) {
    const std::string ptr = "/capabilities/" + PointerToken(it.key());
    bool* field = nullptr;
    for (const auto& [name, target] : kCaps) {
      if (it.key() == name) field = target;
    }
    if (!field) {
      return LoadError{path, ptr,
                       "unknown capability (expected messages, cache_layout, metadata_by_head, "
                       "resume)"};
    }
    if (!it.value().is_boolean()) return LoadError{path, ptr, "must be true or false"};
    *field = it.value().get<bool>();
  }
  return std::nullopt;
}

std::optional<LoadError> ReadString(const json& o, const char* key, bool required,
                                    const std::string& ptr, const std::string& path,
                                    std::string& out) {
  if (!o.contains(key)) {
    if (!required) return std::nullopt;
    return LoadError{path, ptr, std::string("\"") + key + "\" is required"};
  }
  if (!o[key].is_string() || o[key].get<std::string>().empty())
    return LoadError{path, ptr + "/" + key, "must be a non-empty string"};
  out = o[key].get<std::string>();
  return std::nullopt;
}

// "check": one name or a list; each is a declaration of its own, so each
// must still fail. Each is a check's name or a glob that names at least one
// (check_names.h): the types first, so a bad entry is reported where it is.
std::optional<LoadError> ReadChecks(const json& x, const std::string& ptr, const std::string& path,
                                    std::vector<std::string>& out) {
  if (!x.contains("check")) return LoadError{path, ptr, "\"check\" is required"};
  const json& c = x["check"];
  std::vector<std::pair<json, std::string>> names;  // each with its pointer
  if (c.is_array()) {
    if (c.empty()) return LoadError{path, ptr + "/check", "name at least one check"};
    for (std::size_t k = 0; k < c.size(); ++k)
      names.emplace_back(c[k], ptr + "/check/" + std::to_string(k));
  } else {
    names.emplace_back(c, ptr + "/check");
  }
  for (const auto& [name, at] : names) {
    if (!name.is_string() || name.get<std::string>().empty())
      return LoadError{path, at, "must be a non-empty string (a check such as \"outcome\")"};
  }
  for (const auto& [name, at] : names) {
    if (Status known = runner::CheckDeclarable(name.get<std::string>()); !known.ok())
      return LoadError{path, at, known.message()};
    out.push_back(name.get<std::string>());
  }
  return std::nullopt;
}

// "expected_failures": [{"scenarios", "step"?, "check", "reason"}, ...].
std::optional<LoadError> ReadExpectedFailures(const json& d, const std::string& path, Adapter& a) {
  if (!d.contains("expected_failures")) return std::nullopt;
  const json& x = d["expected_failures"];
  if (x.is_object()) {
    return LoadError{path, "/expected_failures",
                     "each declared failure names its check: write an array of {\"scenarios\": "
                     "GLOB, \"check\": \"wire.token_to_cdn\", \"reason\": \"...\"} (see "
                     "scenarios/README.md, \"Expected failures\")"};
  }
  if (!x.is_array()) return LoadError{path, "/expected_failures", "expected an array"};
  static const std::set<std::string> kKeys = {"scenarios", "step", "check", "reason"};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::string ptr = "/expected_failures/" + std::to_string(i);
    if (!x[i].is_object()) return LoadError{path, ptr, "expected an object"};
    for (auto it = x[i].begin(); it != x[i].end(); ++it) {
      if (!kKeys.count(it.key())) {
        return LoadError{path, ptr + "/" + PointerToken(it.key()),
                         "unknown key (expected scenarios, step, check, reason)"};
      }
    }
    ExpectedFailure f;
    const std::tuple<const char*, bool, std::string*> kFields[] = {
        {"scenarios", true, &f.scenarios}, {"step", false, &f.step}, {"reason", true, &f.reason}};
    for (const auto& [key, required, out] : kFields) {
      if (auto bad = ReadString(x[i], key, required, ptr, path, *out)) return bad;
    }
    std::vector<std::string> checks;
    if (auto bad = ReadChecks(x[i], ptr, path, checks)) return bad;
    for (const std::string& check : checks) {
      f.check = check;
      a.expected_failures.push_back(f);
    }
  }
  return std::nullopt;
}

}  // namespace

Loaded<Adapter> LoadAdapter(const std::string& path) {
  auto doc = ReadJsonFile(path);
  if (!doc) return doc.error();
  const json& d = *doc;
  Adapter a;
  if (!d.is_object()) return LoadError{path, "", "expected an object"};
  for (auto it = d.begin(); it != d.end(); ++it) {
    static const std::set<std::string> kKeys = {
        "$schema", "name", "command", "capabilities", "expected_failures", "about"};
    if (it.key() == "messages" || it.key() == "cache_layout") {
      return LoadError{path, "/" + it.key(),
                       "moved: write \"capabilities\": {\"" + it.key() + "\": ...}"};
    }
    if (!kKeys.count(it.key()))
      return LoadError{path, "/" + PointerToken(it.key()), "unknown key \"" + it.key() + "\""};
  }
  a.name = d.contains("name") && d["name"].is_string() ? d["name"].get<std::string>()
                                                       : fs::path(path).stem().string();
  if (!d.contains("command") || !d["command"].is_array() || d["command"].empty()) {
    return LoadError{path, "/command",
                     "expected a non-empty array: the program and its first arguments"};
  }
  for (std::size_t i = 0; i < d["command"].size(); ++i) {
    if (!d["command"][i].is_string())
      return LoadError{path, "/command/" + std::to_string(i), "must be a string"};
    std::string part = d["command"][i].get<std::string>();
    if (part.rfind("./", 0) == 0 || part.rfind("../", 0) == 0) {
      // absolute() first: "x.adapter.json" has no parent folder of its own.
      std::error_code ec;
      const fs::path file = fs::absolute(path, ec);
      if (ec) return LoadError{path, "", "cannot resolve the file's folder: " + ec.message()};
      const fs::path resolved = fs::weakly_canonical(file.parent_path() / part, ec);
      part = (ec ? file.parent_path() / part : resolved).string();
    }
    a.command.push_back(part);
  }
  if (auto bad = ReadCapabilities(d, path, a)) return *bad;
  if (auto bad = ReadExpectedFailures(d, path, a)) return *bad;
  return a;
}

StatusOr<std::vector<std::string>> CollectScenarioFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        const std::string name = e.path().filename().string();
        if (e.path().extension() == ".json" && name != "schema.json" &&
            name.find(".adapter.") == std::string::npos) {
          found.push_back(e.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      return NotFound(p + ": no such file or folder");
    }
  }
  return files;
}

}  // namespace mockhub
