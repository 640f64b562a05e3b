// File answers of the hub: /resolve (bytes, a 302 to the CDN for LFS files,
// to the CDN's Xet bridge with Xet headers for Xet-backed ones, the
// JavaScript client's fileinfo probe, or the resolve-cache 307) and /raw
// (what git stores: LFS pointers).
#include <chrono>
#include <set>

#include "mockhub/http/byte_ranges.h"
#include "mockhub/http/url.h"
#include "mockhub/sites/cdn/cdn.h"
#include "mockhub/sites/hub/hub_answers.h"
#include "mockhub/sites/hub/hub_reply.h"
#include "mockhub/world/xet/xet_store.h"

namespace mockhub {
namespace {

// A relative path of non-empty segments, none "." or "..", no '\\'.
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

std::string ContentTypeFor(const std::string& path) {
  const std::string name = Basename(path);
  const auto dot = name.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  static const std::set<std::string> kText = {"json",  "txt",  "md",  "csv",
                                              "py",    "yaml", "yml", "jinja",
                                              "model", "tsv",  "cfg", "gitattributes"};
  if (kText.count(ext) || name == ".gitattributes") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// 200 (or 206/416 with Range) with the bytes of `content`; HEAD gets the same
// headers without a body (the glue drops it).
HttpResponse ServeBytes(const HttpRequest& req, const std::shared_ptr<const Content>& content,
                        const std::string& etag, const std::string& path, const Commit* commit,
                        const HubContext& ctx) {
  HttpResponse res;
  Common(res, ctx);
  if (commit) res.Set("X-Repo-Commit", commit->sha);
  res.Set("Content-Type", ContentTypeFor(path));
  res.Set("ETag", "\"" + etag + "\"");
  res.Set("Accept-Ranges", "bytes");
  res.Set("Content-Disposition", ContentDisposition(Basename(path)));
  res.content = content;
  res.content_offset = 0;
  res.content_length = content->size();
  ApplyRange(DecideRange(req, content->size(), {"\"" + etag + "\""}), content->size(), res);
  return res;
}

std::string ResolveCacheLocation(const Repo& repo, const Commit& commit, const std::string& rev,
                                 const std::string& path, const std::string& etag) {
  const std::string original = "/" + std::string(RepoTypeUrlPrefix(repo.type)) + repo.id +
                               "/resolve/" + PercentEncode(rev, false) + "/" +
                               PercentEncode(path, true);
  return "/api/resolve-cache/" + std::string(RepoTypePlural(repo.type)) + "/" + repo.id + "/" +
         commit.sha + "/" + PercentEncode(path, true) + "?" + PercentEncode(original, false) +
         "=&etag=%22" + etag + "%22";
}

}  // namespace

// Not a Hub answer (the Hub hashes at upload): mockhub's own, in the shape
// of the Hub's transient errors, so a client retries after Retry-After.
HttpResponse Sha256Pending(const Content& content, const std::string& path, bool json_body,
                           const HubContext& ctx) {
  const std::uint64_t left = content.Sha256SecondsLeft();
  HttpResponse res = ErrorReply(503, "",
                                "mockhub is still computing the sha256 of " + path + " (" +
                                    std::to_string(content.size()) + " bytes); retry in about " +
                                    std::to_string(left) + " s",
                                json_body, ctx);
  res.Set("Retry-After", std::to_string(left));
  return res;
}

const ListedFiles::value_type* FirstHashPending(const ListedFiles& files) {
  for (const auto& [path, f] : files) {
    if (f->lfs) f->content->Sha256Within(std::chrono::milliseconds(0));
  }
  const auto deadline = std::chrono::steady_clock::now() + kSha256Wait;
  for (const auto& entry : files) {
    if (!entry.second->lfs) continue;
    if (!entry.second->content->Sha256By(deadline)) return &entry;
  }
  return nullptr;
}

HttpResponse LfsRedirect(const std::string& location, const Commit& commit, const RepoFile& file,
                         const std::string& sha256, const HubContext& ctx) {
  HttpResponse res = Redirect(302, location, ctx);
  res.Set("X-Repo-Commit", commit.sha);
  res.Set("Accept-Ranges", "bytes");
  res.Set("X-Linked-Etag", "\"" + sha256 + "\"");
  res.Set("X-Linked-Size", std::to_string(file.content->size()));
  return res;
}

HttpResponse ResolveFile(const HubCall& call) {
  const HttpRequest& req = call.request;
  const Route& route = call.route;
  const RouteKind kind = route.row->kind;
  const Repo& repo = *call.access.repo;
  const Commit& commit = *call.access.commit;
  const World& world = call.world;
  const HubContext& ctx = call.ctx;
  if (!ValidFilePath(route.path)) {
    return ErrorReply(400, "", "Invalid file path", route.row->json_errors, ctx);
  }
  auto it = commit.files.find(route.path);
  if (it == commit.files.end()) {
    HttpResponse res =
        ErrorReply(404, "EntryNotFound", messages::kEntryNotFound, route.row->json_errors, ctx);
    res.Set("X-Repo-Commit", commit.sha);
    return res;
  }
  const RepoFile& f = it->second;
  if (kind == RouteKind::kRaw) {
    // /raw serves what git stores: an LFS file's pointer, not its content,
    // which names the sha256.
    if (f.lfs && !f.content->Sha256Within(kSha256Wait)) {
      return Sha256Pending(*f.content, route.path, false, ctx);
    }
    auto bytes = f.lfs ? Content::Inline(LfsPointer(*f.content)) : f.content;
    return ServeBytes(req, bytes, bytes->GitBlobSha1(), route.path, &commit, ctx);
  }
  if (f.xet) return XetResolve(req, repo, commit, route.path, f, world, ctx);
  if (f.lfs) {
    const std::string* known = f.content->Sha256Within(kSha256Wait);
    if (!known) return Sha256Pending(*f.content, route.path, false, ctx);
    return LfsRedirect(
        SignCdnUrl(ctx.cdn_base, world.options.cdn_flavour, repo, *known, Basename(route.path),
                   ctx.signing_key, ctx.now, world.options.cdn_url_ttl),
        commit, f, *known, ctx);
  }
  const std::string& sha1 = f.content->GitBlobSha1();
  if (kind == RouteKind::kResolve && world.options.resolve_cache_redirect) {
    HttpResponse res =
        Redirect(307, ResolveCacheLocation(repo, commit, *route.revision, route.path, sha1), ctx);
    res.Set("X-Repo-Commit", commit.sha);
    res.Set("X-Linked-Etag", "\"" + sha1 + "\"");
    res.Set("X-Linked-Size", std::to_string(f.content->size()));
    return res;
  }
  return ServeBytes(req, f.content, sha1, route.path, &commit, ctx);
}

}  // namespace mockhub
