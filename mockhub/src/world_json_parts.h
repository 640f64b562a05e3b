// The parts of the world loader, private to mockhub: world_json.cc reads the
// document (options, users, tokens, renames) and world_repo_json.cc one repo
// (files, commits, refs). Each records its first failure in the checker.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "json_checker.h"
#include "mockhub/world.h"

namespace mockhub::world_json {

// A world timestamp: unix seconds, or "2026-01-01T00:00:00Z".
bool ParseTimestamp(const nlohmann::json& v, std::int64_t& out);

// "datasets/x/y" -> (dataset, "x/y"); "x/y" -> (model, "x/y").
std::pair<RepoType, std::string> SplitRepoKey(const std::string& key);

// How LFS files are stored where a file does not say: the world's "storage"
// and "xet.compression", overridden by a repo's "storage".
struct FileDefaults {
  bool xet = false;
  XetCompression compression = XetCompression::kAuto;
};

// One entry of "repos": flags, commits (built in parent order, without
// recursion, so a long parent chain cannot exhaust the stack), branches,
// tags and pull requests.
bool ParseRepo(JsonChecker& ck, const std::string& key, const nlohmann::json& spec,
               const std::string& ptr, std::int64_t base_date, FileDefaults defaults, Repo& repo);

}  // namespace mockhub::world_json
