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

// One entry of "repos": flags, commits (built in parent order, without
// recursion, so a long parent chain cannot exhaust the stack), branches,
// tags and pull requests.
bool ParseRepo(JsonChecker& ck, const std::string& key, const nlohmann::json& spec,
               const std::string& ptr, std::int64_t base_date, Repo& repo);

}  // namespace mockhub::world_json
