// The hub's request -> response decision: route, then Authorize (auth.h:
// credentials, renames, visibility, disabled, gating, revision), then the
// file or API answer. The parts live in hub_routes, auth, hub_files and
// hub_api.
#include "mockhub/hub.h"

#include "hub_answers.h"
#include "hub_reply.h"
#include "mockhub/auth.h"

namespace mockhub {

namespace messages {
std::string TokenExpired(const std::string& token_name) {
  return "User Access Token \"" + token_name + "\" is expired";
}
std::string InvalidRev(const std::string& revision) { return "Invalid rev id: " + revision; }
std::string GatedAnonymous(RepoType type, const std::string& repo) {
  return std::string("Access to ") + RepoTypeName(type) + " " + repo +
         " is restricted. You must have access to it and be authenticated to access it. Please "
         "log in.";
}
std::string GatedNotAuthorized(RepoType type, const std::string& repo,
                               const std::string& endpoint) {
  return std::string("Access to ") + RepoTypeName(type) + " " + repo +
         " is restricted and you are not in the authorized list. Visit " + endpoint + "/" +
         (type == RepoType::kModel ? "" : std::string(RepoTypePlural(type)) + "/") + repo +
         " to ask for access.";
}
}  // namespace messages

namespace {

bool ValidFilePath(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string::npos) return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    auto slash = p.find('/', start);
    const std::string seg =
        p.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

// The same URL under the repo's new id: a relative 307 without metadata
// headers, as the Hub answers an old id.
HttpResponse RenameRedirect(const Target& t, const Route& route, const std::string& to,
                            const HubContext& ctx) {
  std::string location;
  for (std::size_t i = 0; i < t.raw_segments.size(); ++i) {
    if (i == route.repo_first) {
      location += "/" + to;
      i += route.repo_count - 1;
      continue;
    }
    location += "/" + t.raw_segments[i];
  }
  if (!t.raw_query.empty()) location += "?" + t.raw_query;
  return Redirect(307, location, ctx);
}

Ask AskFor(const Route& route) {
  Ask ask;
  ask.what = IsFileRoute(route) ? Ask::What::kContents : Ask::What::kMetadata;
  ask.type = route.type;
  ask.repo = route.repo;
  if (route.has_revision) ask.revision = route.revision;
  ask.json_errors = IsApi(route);
  return ask;
}

}  // namespace

HttpResponse HandleHub(const HttpRequest& req, const World& world, const HubContext& ctx) {
  const Target t = ParseTarget(req.target);
  const Route route = ParseRoute(t);
  const bool json_body = IsApi(route) || route.kind == RouteKind::kUnknown;

  // A bad token fails everywhere, before any routing answer.
  const Authorization who = Authorize(req, world, ctx, Ask{});
  if (who.denied) return *who.denied;

  const bool post_route = route.kind == RouteKind::kPathsInfo;
  if (post_route ? req.method != "POST" : (req.method != "GET" && req.method != "HEAD")) {
    HttpResponse res = ErrorReply(405, "", "Method not allowed", true, ctx);
    res.Set("Allow", post_route ? "POST" : "GET, HEAD");
    return res;
  }
  if (route.kind == RouteKind::kUnknown) return ErrorReply(404, "", "Not Found", true, ctx);
  if (route.kind == RouteKind::kWhoami) return Whoami(who.access.caller, world, ctx);
  if (route.bad_encoding) {
    return ErrorReply(400, "", "Invalid percent-encoding in URL", json_body, ctx);
  }

  const Authorization auth = Authorize(req, world, ctx, AskFor(route));
  if (auth.denied) return *auth.denied;
  if (auth.renamed_to) return RenameRedirect(t, route, *auth.renamed_to, ctx);
  const Repo& repo = *auth.access.repo;
  const Commit& commit = *auth.access.commit;
  switch (route.kind) {
    case RouteKind::kApiRepo:
      return RepoInfo(t, repo, commit, ctx);
    case RouteKind::kApiTree:
      return Tree(t, route, repo, commit, world, ctx);
    case RouteKind::kPathsInfo:
      return PathsInfo(req, repo, commit, world, ctx);
    case RouteKind::kXetReadToken:
      return XetReadToken(repo, commit, world, ctx);
    default:
      break;
  }
  if (!ValidFilePath(route.path)) return ErrorReply(400, "", "Invalid file path", json_body, ctx);
  return ResolveFile(req, route, repo, commit, world, ctx);
}

}  // namespace mockhub
