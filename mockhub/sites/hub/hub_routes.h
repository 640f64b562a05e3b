// The hub's URL grammar as a table: each route is one row (kind, methods,
// pattern, JSON errors, auth ask, handler) and one segment matcher reads
// every pattern, so what a route is lives in its row only. The table itself
// is in hub.cc, beside HandleHub. Internal to the hub.
//
// A pattern is '/'-separated; each part matches raw (still percent-encoded)
// segments of the target:
//   word       that segment exactly ("api", "resolve", "tree")
//   {type}s    "models", "datasets" or "spaces": the repo type
//   {prefix}   before {repo} only: "datasets" or "spaces" (one segment) or
//              nothing (a model). A model's id never begins with a word that
//              begins another row ("api"): rows that begin with a word own
//              every target that begins with it.
//   {repo}     one or two segments ("gpt2", "org/name"): one when it ends the
//              pattern and one segment is left, or when the
//              segment after its first is what a sibling row (one with the
//              same parts before {repo}) expects right after {repo} (a word
//              such as "resolve" or "tree", a commit for {sha}); else two
//   {rev}      one segment, decoded; or refs/pr/N written over three
//              segments (a decoded "refs", then "pr"), as clients send it
//              unencoded. Greedy: refs/pr/N is never read back as "refs".
//   {sha}      a 40-hex commit, as is
//   {path*}    the rest, zero or more segments, each decoded, joined by '/'
//   {path+}    the same, at least one segment
// Rows are tried in order; the first whose every part matches, with no
// segment left over, is the route.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "mockhub/http/url.h"
#include "mockhub/sites/hub/auth.h"
#include "mockhub/sites/hub/hub_context.h"
#include "mockhub/world/world.h"

namespace mockhub {

enum class RouteKind {
  kResolve,
  kRaw,
  kResolveCache,
  kApiRepo,
  kApiTree,
  kPathsInfo,
  kXetReadToken,
  kWhoami,
};

struct HubRoute;

// What a row's pattern captured from a target, decoded.
struct Route {
  const HubRoute* row = nullptr;
  RepoType type = RepoType::kModel;
  std::string repo;
  std::size_t repo_first = 0, repo_count = 0;  // the repo id's segments (renames rewrite them)
  std::optional<std::string> revision;         // none: the repo's default branch
  std::string path;                            // file or folder path ("" for none)
  bool bad_encoding = false;                   // a segment is not valid percent-encoding
};

// Everything a route's handler may read. `access` is Authorize's grant for
// the row's ask (repo and commit set unless the ask is kCaller).
struct HubCall {
  const HttpRequest& request;
  const Target& target;
  const Route& route;
  const Access& access;
  const World& world;
  const HubContext& ctx;
};

using RouteHandler = HttpResponse (*)(const HubCall&);

struct HubRoute {
  RouteKind kind;
  const char* methods;  // as a 405's Allow header lists them: "GET, HEAD"
  const char* pattern;  // "api/{type}s/{repo}/tree/{rev}/{path*}"
  bool json_errors;     // errors as a JSON body (the API) or as text (file routes)
  Ask::What ask;        // what Authorize checks before the handler runs
  RouteHandler handler;
};

// A pattern part, compiled.
struct RoutePart {
  enum class Kind { kWord, kType, kPrefix, kRepo, kRev, kSha, kPathStar, kPathPlus } kind;
  std::string word;  // kWord only
};

// The rows with their patterns compiled once.
class RouteTable {
 public:
  // A pattern part that is none of the above is a programming error:
  // std::logic_error naming the pattern.
  explicit RouteTable(std::vector<HubRoute> rows);
  // The first row that matches, or none.
  std::optional<Route> Find(const Target& target) const;

 private:
  struct Compiled {
    std::vector<RoutePart> parts;
    std::vector<RoutePart> repo_stops;  // what sibling rows expect right after {repo}
  };
  std::optional<Route> Match(std::size_t row, const std::vector<std::string>& segments) const;

  std::vector<HubRoute> rows_;
  std::vector<Compiled> compiled_;
  std::vector<std::string> leading_words_;  // "api": what {prefix} never takes
};

// Whether `methods` ("GET, HEAD") lists `method`.
bool AllowsMethod(const char* methods, const std::string& method);

}  // namespace mockhub
