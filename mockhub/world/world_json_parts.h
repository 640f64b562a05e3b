// The parts of the world loader, private to mockhub: world_json.cc reads the
// document (options, users, tokens, renames) and world_repo_json.cc one repo
// (files, commits, refs). Each records its first failure in the checker.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "mockhub/json/json_checker.h"
#include "mockhub/world/world.h"

namespace mockhub::world_json {

// The bounds of a world's values (mockhub/README.md, "World files"): far
// enough from the int64 limits that adding a TTL or a step's clock advance
// cannot overflow.
inline constexpr std::int64_t kMaxTimestamp = 253402300799;     // 9999-12-31T23:59:59Z
inline constexpr std::int64_t kMaxTtlSeconds = 3650LL * 86400;  // ten years
inline constexpr std::int64_t kMaxTreePageSize = 100000;
inline constexpr std::uint64_t kMaxFileSize = std::uint64_t{1} << 48;
inline constexpr const char* kTimestampRule =
    "must be an ISO 8601 UTC time or unix seconds, from 1970 to 9999";

// A world timestamp: unix seconds, or "2026-01-01T00:00:00Z", within
// [0, kMaxTimestamp]; false otherwise.
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
