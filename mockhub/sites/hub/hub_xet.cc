// The hub's part of the Xet path (xet-protocol.md §1-§3): the one door a
// resolve answer of a Xet-backed file goes through (the JavaScript client's
// fileinfo probe, else the bridge redirect with the Xet headers), and the
// token exchange. Every route here went through Authorize
// first (hub.cc), so the auth table holds on them as on the file routes.
#include <nlohmann/json.hpp>

#include "mockhub/http/byte_ranges.h"
#include "mockhub/sites/cdn/cdn.h"
#include "mockhub/sites/hub/hub_answers.h"
#include "mockhub/sites/hub/hub_reply.h"
#include "mockhub/sites/xet/cas_token.h"
#include "mockhub/world/xet/xet_store.h"

namespace mockhub {
namespace {

std::string TokenUrl(const Repo& repo, const Commit& commit, const HubContext& ctx) {
  return ctx.endpoint + "/api/" + RepoTypePlural(repo.type) + "/" + repo.id + "/xet-read-token/" +
         commit.sha;
}

std::string ReconstructionUrl(const std::string& hash, const HubContext& ctx) {
  return ctx.cas_base + "/v1/reconstructions/" + hash;
}

void XetResolveHeaders(HttpResponse& res, const Repo& repo, const Commit& commit,
                       const RepoFile& file, const World& world, const HubContext& ctx) {
  const std::string hash = XetIndex::FileHash(file, world.options.xet);
  res.Set("X-Xet-Hash", hash);
  // Exactly the shape of the Hub's header (xet-protocol.md §1): the xet-auth
  // URL carries the resolved commit, even for resolve/main.
  res.Set("Link", "<" + TokenUrl(repo, commit, ctx) + ">; rel=\"xet-auth\", <" +
                      ReconstructionUrl(hash, ctx) + ">; rel=\"xet-reconstruction-info\"");
  res.Set("Access-Control-Expose-Headers",
          "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,"
          "Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash");
}

HttpResponse XetFileInfo(const Repo& repo, const Commit& commit, const std::string& path,
                         const RepoFile& file, const World& world, const HubContext& ctx) {
  const std::string* sha = file.content->Sha256Within(kSha256Wait);
  if (!sha) return Sha256Pending(*file.content, path, true, ctx);
  HttpResponse res;
  Common(res, ctx);
  const std::string etag = "\"" + *sha + "\"";
  const std::string hash = XetIndex::FileHash(file, world.options.xet);
  JsonBody(res, {{"hash", hash},
                 {"refreshUrl", TokenUrl(repo, commit, ctx)},
                 {"reconstructionUrl", ReconstructionUrl(hash, ctx)},
                 {"etag", etag},
                 {"size", file.content->size()}});
  res.Set("Content-Type", "application/vnd.xet-fileinfo+json");
  res.Set("X-Repo-Commit", commit.sha);
  res.Set("ETag", etag);
  res.Set("X-Linked-Etag", etag);
  res.Set("X-Linked-Size", std::to_string(file.content->size()));
  res.Set("Accept-Ranges", "bytes");
  res.Set("Content-Disposition", ContentDisposition(Basename(path)));
  XetResolveHeaders(res, repo, commit, file, world, ctx);
  return res;
}

}  // namespace

HttpResponse XetResolve(const HttpRequest& req, const Repo& repo, const Commit& commit,
                        const std::string& path, const RepoFile& f, const World& world,
                        const HubContext& ctx) {
  if (req.method == "GET" &&
      req.Header("Accept").find("application/vnd.xet-fileinfo+json") != std::string::npos) {
    return XetFileInfo(repo, commit, path, f, world, ctx);
  }
  const std::string* known = f.content->Sha256Within(kSha256Wait);
  if (!known) return Sha256Pending(*f.content, path, false, ctx);
  HttpResponse res =
      LfsRedirect(SignXetBridgeUrl(ctx.cdn_base, world.options.cdn_flavour, repo,
                                   XetIndex::FileHash(f, world.options.xet), Basename(path),
                                   ctx.signing_key, ctx.now, world.options.cdn_url_ttl),
                  commit, f, *known, ctx);
  res.Set("ETag", "\"" + *known + "\"");
  XetResolveHeaders(res, repo, commit, f, world, ctx);
  return res;
}

// The token opens the repo's Xet files; Authorize checked the revision.
HttpResponse XetReadToken(const HubCall& call) {
  const Repo& repo = *call.access.repo;
  const World& world = call.world;
  const HubContext& ctx = call.ctx;
  const std::int64_t exp = ctx.now + world.options.xet.token_ttl;
  const std::string token = xet::MakeCasToken({repo.type, repo.id, exp}, ctx.signing_key);
  HttpResponse res;
  Common(res, ctx);
  JsonBody(res, {{"accessToken", token}, {"exp", exp}, {"casUrl", ctx.cas_base}});
  res.Set("X-Xet-Cas-Url", ctx.cas_base);
  res.Set("X-Xet-Access-Token", token);
  res.Set("X-Xet-Token-Expiration", std::to_string(exp));
  res.Set("Cache-Control", "no-store");
  return res;
}

}  // namespace mockhub
