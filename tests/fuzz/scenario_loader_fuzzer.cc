// Fuzzes the scenario loader (runner/scenario.h): any file content must give
// a Scenario or a LoadError, never a crash, a hang or an escaping exception.
// And a scenario that loads names only paths inside its folder: every name
// the runner, the cache seeding or a client joins onto a folder (repo ids,
// revisions, files, patterns, expectation keys, the world's branches and
// tags, which become refs/<name>) stays beneath it once joined and
// normalised (issue 25: a name that climbs out is refused at load).
// LoadScenario reads a path, so each input is written to one temporary file
// per process first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "mockhub/runner/scenario.h"

namespace {

// `name` joined onto a folder stays beneath it, as the runner and a client
// would join it (the repo id as the cache's models--a--b, a ref as
// refs/<name>).
bool StaysInside(const std::string& name) {
  if (name.find('\0') != std::string::npos) return false;
  const std::filesystem::path root = "/scenario/folder";
  const std::string joined = (root / "refs" / name).lexically_normal().string();
  return joined.rfind("/scenario/folder/refs/", 0) == 0 && joined.size() > 22;
}

void CheckNames(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (!n.empty() && !StaysInside(n)) __builtin_trap();  // a name that climbs out loaded
  }
}

void CheckScenarioNames(const mockhub::Scenario& sc) {
  for (const auto& [key, repo] : sc.world.repos) {
    CheckNames({repo.id, repo.default_branch});
    for (const auto& [name, sha] : repo.branches) CheckNames({name});
    for (const auto& [name, sha] : repo.tags) CheckNames({name});
    for (const auto& [sha, commit] : repo.commits) {
      for (const auto& [path, file] : commit.files) CheckNames({path});
    }
  }
  for (const auto& c : sc.client.cache) CheckNames({c.repo, c.revision, c.path});
  for (const mockhub::Step& step : sc.steps) {
    CheckNames({step.repo, step.revision, step.change.repo, step.change.branch});
    CheckNames(step.files);
    CheckNames(step.include);
    CheckNames(step.exclude);
    if (step.client) {
      for (const auto& c : step.client->cache) CheckNames({c.repo, c.revision, c.path});
    }
    if (!step.expect) continue;
    for (const auto& f : step.expect->files) CheckNames({f.path});
    if (!step.expect->cache) continue;
    for (const auto& [rev, sha] : step.expect->cache->refs) CheckNames({rev});
    CheckNames(step.expect->cache->snapshot);
    CheckNames(step.expect->cache->absent);
  }
}

const std::string& InputPath() {
  static const std::string path =
      (std::filesystem::temp_directory_path() /
       ("scenario_loader_fuzzer." + std::to_string(::getpid()) + ".json"))
          .string();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(InputPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) __builtin_trap();  // the fuzzer's own failure, not the loader's
  }
  auto scenario = mockhub::LoadScenario(InputPath());
  if (!scenario && scenario.error().reason.empty()) __builtin_trap();
  if (scenario) CheckScenarioNames(*scenario);
  std::remove(InputPath().c_str());
  return 0;
}
