// The hub's URL grammar: which route a request target names (resolve, raw,
// resolve-cache, the repo API, tree, paths-info, whoami) and its repo id,
// revision and path, decoded. Internal to the hub.
#pragma once

#include <cstddef>
#include <string>

#include "mockhub/url.h"
#include "mockhub/world.h"

namespace mockhub {

enum class RouteKind {
  kResolve,
  kRaw,
  kResolveCache,
  kApiRepo,
  kApiTree,
  kPathsInfo,
  kXetReadToken,  // /api/{type}s/{repo}/xet-read-token/{rev}
  kWhoami,
  kUnknown
};

struct Route {
  RouteKind kind = RouteKind::kUnknown;
  RepoType type = RepoType::kModel;
  std::string repo;
  std::size_t repo_first = 0, repo_count = 0;  // position of the repo id in raw_segments
  bool has_revision = false;
  std::string revision;  // decoded
  std::string path;      // decoded file or folder path ("" for none)
  bool bad_encoding = false;
};

// API routes answer errors with a JSON body; file routes with text.
bool IsApi(const Route& r);
// Routes that serve file contents (gating applies to these only).
bool IsFileRoute(const Route& r);
Route ParseRoute(const Target& t);

}  // namespace mockhub
