// Adapter files (how to run one downloader) and the expansion of the paths
// given to `mockhub run` / `validate` into scenario files.
#include <algorithm>
#include <filesystem>
#include <set>

#include "mockhub/runner/runner.h"
#include "mockhub/world_json.h"

namespace mockhub {

namespace fs = std::filesystem;
using nlohmann::json;

Loaded<Adapter> LoadAdapter(const std::string& path) {
  auto doc = ReadJsonFile(path);
  if (!doc) return doc.error();
  const json& d = *doc;
  Adapter a;
  if (!d.is_object()) return LoadError{path, "", "expected an object"};
  for (auto it = d.begin(); it != d.end(); ++it) {
    static const std::set<std::string> kKeys = {
        "$schema", "name", "command", "messages", "cache_layout", "expected_failures", "about"};
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
  for (const char* key : {"messages", "cache_layout"}) {
    if (!d.contains(key)) continue;
    if (!d[key].is_boolean())
      return LoadError{path, std::string("/") + key, "must be true or false"};
    (std::string(key) == "messages" ? a.messages : a.cache_layout) = d[key].get<bool>();
  }
  if (d.contains("expected_failures")) {
    const json& x = d["expected_failures"];
    if (!x.is_object())
      return LoadError{path, "/expected_failures", "expected an object of scenario glob -> reason"};
    for (auto it = x.begin(); it != x.end(); ++it) {
      if (!it.value().is_string() || it.value().get<std::string>().empty()) {
        return LoadError{path, "/expected_failures/" + PointerToken(it.key()),
                         "the reason is required"};
      }
      a.expected_failures.emplace_back(it.key(), it.value().get<std::string>());
    }
  }
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
