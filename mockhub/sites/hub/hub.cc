// The hub's request -> response decision: the route table (one row per
// route), then Authorize (auth.h: credentials, renames, visibility,
// disabled, gating, revision) for the row's ask, then the row's handler.
// The parts live in hub_routes, auth, hub_files, hub_api and hub_xet.
#include "mockhub/sites/hub/hub.h"

#include "mockhub/sites/hub/auth.h"
#include "mockhub/sites/hub/hub_answers.h"
#include "mockhub/sites/hub/hub_reply.h"
#include "mockhub/sites/hub/hub_routes.h"

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

// The hub's routes, one row each (hub_routes.h has the pattern language).
// A route that serves file contents asks for kContents, so gating applies
// to it; the Xet token opens file contents on the CAS, so it does too
// (mockhub/README.md, "Xet").
const RouteTable& HubRoutes() {
  using W = Ask::What;
  static const RouteTable kRoutes({
      {RouteKind::kWhoami, "GET, HEAD", "api/whoami-v2", true, W::kCaller, &Whoami},
      {RouteKind::kResolveCache, "GET, HEAD", "api/resolve-cache/{type}s/{repo}/{sha}/{path+}",
       true, W::kContents, &ResolveFile},
      {RouteKind::kApiRepo, "GET, HEAD", "api/{type}s/{repo}", true, W::kMetadata, &RepoInfo},
      {RouteKind::kApiRepo, "GET, HEAD", "api/{type}s/{repo}/revision/{rev}", true, W::kMetadata,
       &RepoInfo},
      {RouteKind::kApiTree, "GET, HEAD", "api/{type}s/{repo}/tree/{rev}/{path*}", true,
       W::kMetadata, &Tree},
      {RouteKind::kPathsInfo, "POST", "api/{type}s/{repo}/paths-info", true, W::kMetadata,
       &PathsInfo},
      {RouteKind::kPathsInfo, "POST", "api/{type}s/{repo}/paths-info/{rev}", true, W::kMetadata,
       &PathsInfo},
      {RouteKind::kXetReadToken, "GET, HEAD", "api/{type}s/{repo}/xet-read-token/{rev}", true,
       W::kContents, &XetReadToken},
      {RouteKind::kResolve, "GET, HEAD", "{prefix}{repo}/resolve/{rev}/{path+}", false,
       W::kContents, &ResolveFile},
      {RouteKind::kRaw, "GET, HEAD", "{prefix}{repo}/raw/{rev}/{path+}", false, W::kContents,
       &ResolveFile},
  });
  return kRoutes;
}

// What a target no row matches accepts before its 404.
constexpr const char* kUnroutedMethods = "GET, HEAD";

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
  ask.what = route.row->ask;
  ask.type = route.type;
  ask.repo = route.repo;
  ask.revision = route.revision;
  ask.json_errors = route.row->json_errors;
  return ask;
}

}  // namespace

HttpResponse HandleHub(const HttpRequest& req, const World& world, const HubContext& ctx) {
  const Target t = ParseTarget(req.target);
  // A bad token fails everywhere, before any routing answer.
  const Authorization who = Authorize(req, world, ctx, Ask{});
  if (who.denied) return *who.denied;

  const std::optional<Route> route = HubRoutes().Find(t);
  const char* methods = route ? route->row->methods : kUnroutedMethods;
  if (!AllowsMethod(methods, req.method)) {
    HttpResponse res = ErrorReply(405, "", "Method not allowed", true, ctx);
    res.Set("Allow", methods);
    return res;
  }
  if (!route) return ErrorReply(404, "", "Not Found", true, ctx);
  const HubRoute& row = *route->row;
  if (route->bad_encoding) {
    return ErrorReply(400, "", "Invalid percent-encoding in URL", row.json_errors, ctx);
  }
  const Authorization auth =
      row.ask == Ask::What::kCaller ? who : Authorize(req, world, ctx, AskFor(*route));
  if (auth.denied) return *auth.denied;
  if (auth.renamed_to) return RenameRedirect(t, *route, *auth.renamed_to, ctx);
  return row.handler(HubCall{req, t, *route, auth.access, world, ctx});
}

}  // namespace mockhub
