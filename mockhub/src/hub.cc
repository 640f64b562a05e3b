// The hub's request -> response decision. Order of checks, as the Hub does it:
// credentials (a bad token fails everywhere, even on public repos), renames
// (relative 307), visibility (401 anonymous / 404 with a token), disabled,
// gating (file downloads only), revision, file.
#include "mockhub/hub.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "mockhub/cdn.h"
#include "mockhub/dates.h"
#include "mockhub/digest.h"
#include "mockhub/url.h"
#include "mockhub/world_json.h"

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

using nlohmann::json;

enum class RouteKind {
  kResolve,
  kRaw,
  kResolveCache,
  kApiRepo,
  kApiTree,
  kPathsInfo,
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

bool IsApi(const Route& r) {
  return r.kind == RouteKind::kApiRepo || r.kind == RouteKind::kApiTree ||
         r.kind == RouteKind::kPathsInfo || r.kind == RouteKind::kWhoami ||
         r.kind == RouteKind::kResolveCache;
}

std::string Decode(const std::string& s, bool& bad) {
  auto d = PercentDecode(s);
  if (!d) {
    bad = true;
    return s;
  }
  return *d;
}

// Joins decoded segments [from, end) with '/'.
std::string JoinDecoded(const std::vector<std::string>& segs, std::size_t from, bool& bad) {
  std::string out;
  for (std::size_t i = from; i < segs.size(); ++i) {
    if (i > from) out += '/';
    out += Decode(segs[i], bad);
  }
  return out;
}

// Reads a revision starting at segs[i]; an unencoded "refs/pr/N" spans three
// segments. Returns the index after the revision.
std::size_t ReadRevision(const std::vector<std::string>& segs, std::size_t i, Route& r) {
  r.has_revision = true;
  r.revision = Decode(segs[i], r.bad_encoding);
  if (r.revision == "refs" && i + 2 < segs.size() && segs[i + 1] == "pr") {
    r.revision = "refs/pr/" + Decode(segs[i + 2], r.bad_encoding);
    return i + 3;
  }
  return i + 1;
}

Route ParseRoute(const Target& t) {
  const auto& s = t.raw_segments;
  Route r;
  if (s.size() >= 2 && s[0] == "api" && s[1] == "whoami-v2" && s.size() == 2) {
    r.kind = RouteKind::kWhoami;
    return r;
  }
  if (s.size() >= 3 && s[0] == "api" && s[1] == "resolve-cache") {
    // /api/resolve-cache/{types}/{repo...}/{commit}/{path...}
    auto type = ParseRepoTypePlural(s[2]);
    if (!type || s.size() < 6) return r;
    r.type = *type;
    std::size_t n = IsCommitSha(s[4]) ? 1 : 2;  // one- or two-segment repo id
    if (3 + n + 1 >= s.size() || !IsCommitSha(s[3 + n])) return r;
    r.kind = RouteKind::kResolveCache;
    r.repo_first = 3;
    r.repo_count = n;
    r.has_revision = true;
    r.revision = s[3 + n];
    r.path = JoinDecoded(s, 3 + n + 1, r.bad_encoding);
  } else if (s.size() >= 3 && s[0] == "api") {
    auto type = ParseRepoTypePlural(s[1]);
    if (!type) return r;
    r.type = *type;
    std::size_t n =
        (s.size() >= 4 && (s[3] == "revision" || s[3] == "tree" || s[3] == "paths-info")) ? 1 : 2;
    if (2 + n > s.size()) return r;
    r.repo_first = 2;
    r.repo_count = n;
    std::size_t i = 2 + n;
    if (i == s.size()) {
      r.kind = RouteKind::kApiRepo;
    } else if (s[i] == "revision" && i + 1 < s.size()) {
      r.kind = RouteKind::kApiRepo;
      if (ReadRevision(s, i + 1, r) != s.size()) r.kind = RouteKind::kUnknown;
    } else if (s[i] == "paths-info") {
      r.kind = RouteKind::kPathsInfo;
      if (i + 1 < s.size() && ReadRevision(s, i + 1, r) != s.size()) r.kind = RouteKind::kUnknown;
    } else if (s[i] == "tree" && i + 1 < s.size()) {
      r.kind = RouteKind::kApiTree;
      std::size_t next = ReadRevision(s, i + 1, r);
      r.path = JoinDecoded(s, next, r.bad_encoding);
      while (!r.path.empty() && r.path.back() == '/') r.path.pop_back();
    } else {
      return r;
    }
  } else {
    // /{prefix}{repo}/(resolve|raw)/{rev}/{path...}
    std::size_t first = 0;
    if (!s.empty()) {
      if (s[0] == "datasets")
        r.type = RepoType::kDataset, first = 1;
      else if (s[0] == "spaces")
        r.type = RepoType::kSpace, first = 1;
    }
    std::size_t verb = 0;
    for (std::size_t n = 1; n <= 2; ++n) {
      if (first + n < s.size() && (s[first + n] == "resolve" || s[first + n] == "raw")) {
        verb = first + n;
        break;
      }
    }
    if (verb == 0 || verb + 2 >= s.size()) return r;
    r.kind = s[verb] == "resolve" ? RouteKind::kResolve : RouteKind::kRaw;
    r.repo_first = first;
    r.repo_count = verb - first;
    std::size_t next = ReadRevision(s, verb + 1, r);
    if (next >= s.size()) {
      r.kind = RouteKind::kUnknown;
      return r;
    }
    r.path = JoinDecoded(s, next, r.bad_encoding);
  }
  for (std::size_t k = 0; k < r.repo_count; ++k) {
    if (k) r.repo += '/';
    r.repo += Decode(s[r.repo_first + k], r.bad_encoding);
  }
  return r;
}

// --- responses --------------------------------------------------------------

void Common(HttpResponse& res, const HubContext& ctx) {
  res.Set("Date", FormatHttpDate(ctx.now));  // the server clock: clients can spot skew
  res.Set("X-Request-Id", ctx.request_id);
  res.Set("Vary", "Origin");
}

void JsonBody(HttpResponse& res, const json& body) {
  res.body = body.dump();
  res.Set("Content-Type", "application/json; charset=utf-8");
}

// An error as the Hub sends it: X-Error-Code (optional), X-Error-Message, and
// a JSON body on the API or the message as text on /resolve.
HttpResponse Error(int status, const std::string& code, const std::string& message, bool json_body,
                   const HubContext& ctx) {
  HttpResponse res;
  res.status = status;
  Common(res, ctx);
  if (!code.empty()) res.Set("X-Error-Code", code);
  res.Set("X-Error-Message", message);
  if (json_body) {
    JsonBody(res, json{{"error", message}});
  } else {
    res.body = message;
    res.Set("Content-Type", "text/plain; charset=utf-8");
  }
  return res;
}

// --- auth --------------------------------------------------------------------

struct Caller {
  const Token* token = nullptr;  // nullptr: anonymous
  std::string user;
};

bool IsAsciiPrintable(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
}

std::string TrimWs(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// A header that is present but not "Bearer <known token>" is invalid
// credentials, as on the Hub: the scheme is matched case-insensitively
// (RFC 9110), surrounding whitespace is ignored, anything else (Basic, no
// scheme, non-ASCII, empty) is rejected.
std::optional<HttpResponse> Authenticate(const HttpRequest& req, const World& world,
                                         const HubContext& ctx, bool json_body, Caller& caller) {
  if (!req.HasHeader("Authorization")) return std::nullopt;
  const std::string value = TrimWs(req.Header("Authorization"));
  auto invalid = [&] { return Error(401, "", messages::kInvalidCredentials, true, ctx); };
  (void)json_body;
  const auto sp = value.find_first_of(" \t");
  if (sp == std::string::npos || !IsAsciiPrintable(value)) return invalid();
  if (!HeaderNameEquals(value.substr(0, sp), "Bearer")) return invalid();
  const std::string token = TrimWs(value.substr(sp));
  const Token* t = world.FindToken(token);
  if (t == nullptr || t->state == TokenState::kRevoked) return invalid();
  if (t->state == TokenState::kExpired || (t->expires_at && ctx.now >= *t->expires_at)) {
    return Error(401, "", messages::TokenExpired(t->name), true, ctx);
  }
  caller.token = t;
  caller.user = t->user;
  return std::nullopt;
}

bool CanSee(const Repo& repo, const Caller& caller, const World& world) {
  if (!repo.is_private) return true;
  if (!caller.token) return false;
  if (caller.user == repo.owner) return true;
  const User* u = world.FindUser(caller.user);
  return u && std::find(u->orgs.begin(), u->orgs.end(), repo.owner) != u->orgs.end();
}

bool IsMember(const Repo& repo, const Caller& caller, const World& world) {
  if (caller.user == repo.owner) return true;
  const User* u = world.FindUser(caller.user);
  return u && std::find(u->orgs.begin(), u->orgs.end(), repo.owner) != u->orgs.end();
}

// Gating applies to file contents only; metadata and listings stay readable.
std::optional<HttpResponse> CheckGate(const Repo& repo, const Caller& caller, const World& world,
                                      const HubContext& ctx, bool json_body) {
  if (repo.gated == Gating::kNone) return std::nullopt;
  if (!caller.token) {
    return Error(401, "GatedRepo", messages::GatedAnonymous(repo.type, repo.id), json_body, ctx);
  }
  if (IsMember(repo, caller, world)) return std::nullopt;
  const bool approved = repo.approved.count(caller.user) > 0;
  const bool scoped = caller.token->role != TokenRole::kFineGrained || caller.token->gated_scope;
  if (approved && scoped) return std::nullopt;
  return Error(403, "GatedRepo", messages::GatedNotAuthorized(repo.type, repo.id, ctx.endpoint),
               json_body, ctx);
}

// --- file answers --------------------------------------------------------------

std::string Basename(const std::string& path) {
  const auto s = path.rfind('/');
  return s == std::string::npos ? path : path.substr(s + 1);
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

std::string ContentDisposition(const std::string& path) {
  const std::string name = Basename(path);
  return "inline; filename*=UTF-8''" + PercentEncode(name, false) + "; filename=\"" + name + "\";";
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
  res.Set("Content-Disposition", ContentDisposition(path));
  res.content = content;
  res.content_offset = 0;
  res.content_length = content->size();
  const std::string if_range = req.Header("If-Range");
  const bool range_applies = if_range.empty() || if_range == "\"" + etag + "\"";
  if (!req.HasHeader("Range") || !range_applies) return res;
  ByteRange r = ParseRange(req.Header("Range"), content->size());
  if (r.kind == ByteRange::Kind::kUnsatisfiable) {
    res.status = 416;
    res.content.reset();
    res.content_length = 0;
    res.Set("Content-Range", "bytes */" + std::to_string(content->size()));
    return res;
  }
  if (r.kind == ByteRange::Kind::kSatisfiable) {
    res.status = 206;
    res.content_offset = r.first;
    res.content_length = r.last - r.first + 1;
    res.Set("Content-Range", "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) +
                                 "/" + std::to_string(content->size()));
  }
  return res;
}

HttpResponse Redirect(int status, const std::string& location, const HubContext& ctx) {
  HttpResponse res;
  res.status = status;
  Common(res, ctx);
  res.Set("Location", location);
  res.Set("Content-Type", "text/plain; charset=utf-8");
  res.body =
      (status == 302 ? "Found. Redirecting to " : "Temporary Redirect. Redirecting to ") + location;
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

HttpResponse ResolveFile(const HttpRequest& req, const Route& route, const Repo& repo,
                         const Commit& commit, const World& world, const HubContext& ctx) {
  auto it = commit.files.find(route.path);
  if (it == commit.files.end()) {
    HttpResponse res = Error(404, "EntryNotFound", messages::kEntryNotFound,
                             route.kind == RouteKind::kResolveCache, ctx);
    res.Set("X-Repo-Commit", commit.sha);
    return res;
  }
  const RepoFile& f = it->second;
  if (route.kind == RouteKind::kRaw) {
    // /raw serves what git stores: an LFS file's pointer, not its content.
    auto bytes = f.lfs ? Content::Inline(LfsPointer(*f.content)) : f.content;
    return ServeBytes(req, bytes, bytes->GitBlobSha1(), route.path, &commit, ctx);
  }
  if (f.lfs) {
    const std::string& sha = f.content->Sha256();
    HttpResponse res = Redirect(
        302,
        SignCdnUrl(ctx.cdn_base, world.options.cdn_flavour, repo, sha, Basename(route.path),
                   ctx.signing_key, ctx.now, world.options.cdn_url_ttl),
        ctx);
    res.Set("X-Repo-Commit", commit.sha);
    res.Set("Accept-Ranges", "bytes");
    res.Set("X-Linked-Etag", "\"" + sha + "\"");
    res.Set("X-Linked-Size", std::to_string(f.content->size()));
    return res;
  }
  const std::string& sha1 = f.content->GitBlobSha1();
  if (route.kind == RouteKind::kResolve && world.options.resolve_cache_redirect) {
    HttpResponse res =
        Redirect(307, ResolveCacheLocation(repo, commit, route.revision, route.path, sha1), ctx);
    res.Set("X-Repo-Commit", commit.sha);
    res.Set("X-Linked-Etag", "\"" + sha1 + "\"");
    res.Set("X-Linked-Size", std::to_string(f.content->size()));
    return res;
  }
  return ServeBytes(req, f.content, sha1, route.path, &commit, ctx);
}

// --- API answers ---------------------------------------------------------------

std::string FakeObjectId(const std::string& seed) { return Sha256Hex(seed).substr(0, 24); }

json SiblingJson(const std::string& path, const RepoFile& f, bool blobs) {
  json s{{"rfilename", path}};
  if (!blobs) return s;
  s["size"] = f.content->size();
  if (f.lfs) {
    const std::string pointer = LfsPointer(*f.content);
    s["blobId"] = GitBlobSha1Of(pointer);
    s["lfs"] = {{"size", f.content->size()},
                {"sha256", f.content->Sha256()},
                {"pointerSize", pointer.size()}};
  } else {
    s["blobId"] = f.content->GitBlobSha1();
  }
  return s;
}

HttpResponse RepoInfo(const Target& t, const Repo& repo, const Commit& commit,
                      const HubContext& ctx) {
  const bool blobs = QueryFlag(t, "blobs");
  json siblings = json::array();
  std::uint64_t used = 0;
  for (const auto& [path, f] : commit.files) {
    siblings.push_back(SiblingJson(path, f, blobs));
    used += f.content->size();
  }
  json gated = repo.gated == Gating::kNone ? json(false)
                                           : json(repo.gated == Gating::kAuto ? "auto" : "manual");
  json info{{"_id", FakeObjectId(repo.id)},
            {"id", repo.id},
            {"author", repo.owner},
            {"sha", commit.sha},
            {"lastModified", FormatIso8601(commit.date)},
            {"createdAt", FormatIso8601(repo.created_at)},
            {"private", repo.is_private},
            {"gated", gated},
            {"disabled", repo.disabled},
            {"downloads", 0},
            {"likes", 0},
            {"tags", json::array()},
            {"siblings", siblings}};
  if (repo.type == RepoType::kModel) {
    info["modelId"] = repo.id;
    info["library_name"] = "transformers";
    info["spaces"] = json::array();
  }
  if (repo.type == RepoType::kSpace) {
    info["sdk"] = "static";
    info["runtime"] = {{"stage", "RUNNING"}};
  }
  if (blobs) info["usedStorage"] = used;
  // expand= selects fields (repeated keys allowed); unknown names are ignored.
  const auto expand = t.Params("expand");
  std::vector<std::string> fields;
  for (const std::string& e : expand) {
    for (std::size_t p = 0; p <= e.size();) {  // also accept "a,b"
      const auto c = std::min(e.find(',', p), e.size());
      if (c > p) fields.push_back(e.substr(p, c - p));
      p = c + 1;
    }
  }
  if (!fields.empty()) {
    json sel{{"_id", info["_id"]}, {"id", info["id"]}};
    for (const std::string& f : fields) {
      if (info.contains(f)) sel[f] = info[f];
    }
    info = sel;
  }
  HttpResponse res;
  Common(res, ctx);
  JsonBody(res, info);
  return res;
}

// A file entry of /tree and /paths-info (note "lfs.oid" here, against
// "lfs.sha256" in siblings).
json FileEntry(const std::string& path, const RepoFile& f) {
  json e = SiblingJson(path, f, true);
  json entry{{"type", "file"}, {"oid", e["blobId"]}, {"size", e["size"]}, {"path", path}};
  if (f.lfs) {
    entry["lfs"] = {{"oid", e["lfs"]["sha256"]},
                    {"size", e["lfs"]["size"]},
                    {"pointerSize", e["lfs"]["pointerSize"]}};
  }
  return entry;
}

json DirEntry(const Commit& commit, const std::string& path) {
  return json{{"type", "directory"},
              {"oid", GitBlobSha1Of("tree " + commit.sha + " " + path)},
              {"size", 0},
              {"path", path}};
}

// The most recent commit, from `commit` back through its parents, that
// changed `path` (expand=true: "lastCommit"). Folders get `commit` itself.
const Commit& LastCommitTouching(const Repo& repo, const Commit& commit, const std::string& path) {
  const Commit* c = &commit;
  for (int guard = 0; guard < 10000 && !c->parent.empty(); ++guard) {
    auto parent = repo.commits.find(c->parent);
    if (parent == repo.commits.end()) break;
    auto mine = c->files.find(path), theirs = parent->second.files.find(path);
    if (mine == c->files.end() || theirs == parent->second.files.end() ||
        mine->second.content != theirs->second.content) {
      break;
    }
    c = &parent->second;
  }
  return *c;
}

json LastCommitJson(const Commit& c) {
  return {{"id", c.sha}, {"title", c.title}, {"date", FormatIso8601(c.date)}};
}

// POST /api/{type}s/{repo}/paths-info/{rev}: the entries of the given paths
// (missing ones are left out). huggingface_hub posts a form
// (paths=a&paths=b&expand=true), @huggingface/hub posts JSON.
HttpResponse PathsInfo(const HttpRequest& req, const Repo& repo, const Commit& commit,
                       const HubContext& ctx) {
  std::vector<std::string> paths;
  bool expand = false;
  if (req.Header("Content-Type").find("json") != std::string::npos) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return Error(400, "", "Invalid JSON body", true, ctx);
    }
    const json p = body.contains("paths") ? body["paths"] : json();
    if (p.is_string()) paths.push_back(p.get<std::string>());
    if (p.is_array()) {
      for (const auto& x : p) {
        if (x.is_string()) paths.push_back(x.get<std::string>());
      }
    }
    expand = body.contains("expand") && body["expand"] == true;
  } else {
    const Target form = ParseTarget("?" + req.body);
    paths = form.Params("paths");
    expand = QueryFlag(form, "expand");
  }
  if (paths.empty()) return Error(400, "", "paths is required", true, ctx);
  json out = json::array();
  for (std::string p : paths) {
    while (!p.empty() && p.back() == '/') p.pop_back();
    if (auto f = commit.files.find(p); f != commit.files.end()) {
      json e = FileEntry(p, f->second);
      if (expand) e["lastCommit"] = LastCommitJson(LastCommitTouching(repo, commit, p));
      out.push_back(e);
      continue;
    }
    const std::string prefix = p + "/";
    for (const auto& [path, f] : commit.files) {
      if (path.rfind(prefix, 0) == 0) {
        json e = DirEntry(commit, p);
        if (expand) e["lastCommit"] = LastCommitJson(commit);
        out.push_back(e);
        break;
      }
    }
  }
  HttpResponse res;
  Common(res, ctx);
  JsonBody(res, out);
  return res;
}

HttpResponse Tree(const Target& t, const Route& route, const Repo& repo, const Commit& commit,
                  const World& world, const HubContext& ctx) {
  const bool recursive = QueryFlag(t, "recursive");
  const bool expand = QueryFlag(t, "expand");
  const std::string& prefix = route.path;
  if (prefix.find("..") != std::string::npos || prefix.find('\\') != std::string::npos) {
    return Error(400, "", "Invalid path", true, ctx);
  }
  std::map<std::string, json> entries;  // path -> entry, sorted
  auto add_dir = [&](const std::string& p) {
    if (!entries.count(p)) entries[p] = DirEntry(commit, p);
  };
  bool found = prefix.empty();
  for (const auto& [path, f] : commit.files) {
    if (!prefix.empty()) {
      if (path == prefix) {  // a file is not a folder
        continue;
      }
      if (path.rfind(prefix + "/", 0) != 0) continue;
    }
    found = true;
    const std::string rel = prefix.empty() ? path : path.substr(prefix.size() + 1);
    // Folders between the listed folder and the file.
    for (std::size_t slash = rel.find('/'); slash != std::string::npos;
         slash = rel.find('/', slash + 1)) {
      add_dir((prefix.empty() ? "" : prefix + "/") + rel.substr(0, slash));
      if (!recursive) break;
    }
    if (!recursive && rel.find('/') != std::string::npos) continue;
    entries[path] = FileEntry(path, f);
  }
  if (!found) {
    HttpResponse res = Error(404, "EntryNotFound", messages::kEntryNotFound, true, ctx);
    return res;
  }
  std::size_t start = 0;
  if (auto cursor = t.Param("cursor")) {
    std::string decoded;
    if (!Base64Decode(*cursor, decoded) || decoded.empty() ||
        decoded.find_first_not_of("0123456789") != std::string::npos || decoded.size() > 12) {
      return Error(400, "", "Invalid cursor", true, ctx);
    }
    start = static_cast<std::size_t>(std::stoull(decoded));
  }
  const std::size_t page = world.options.tree_page_size;
  json out = json::array();
  std::size_t i = 0;
  for (auto& [p, e] : entries) {
    if (i >= start && i < start + page) {
      if (expand) {
        e["lastCommit"] =
            LastCommitJson(e["type"] == "file" ? LastCommitTouching(repo, commit, p) : commit);
      }
      out.push_back(e);
    }
    ++i;
  }
  HttpResponse res;
  Common(res, ctx);
  JsonBody(res, out);
  if (start + page < entries.size()) {
    std::string query;
    for (const auto& [k, v] : t.query) {
      if (k == "cursor") continue;
      query += (query.empty() ? "" : "&") + PercentEncode(k, false) + "=" + PercentEncode(v, false);
    }
    query += (query.empty() ? "" : "&") + std::string("cursor=") +
             PercentEncode(Base64Encode(std::to_string(start + page)), false);
    res.Set("Link", "<" + ctx.endpoint + t.raw_path + "?" + query + ">; rel=\"next\"");
  }
  return res;
}

HttpResponse Whoami(const Caller& caller, const World& world, const HubContext& ctx) {
  if (!caller.token) return Error(401, "", messages::kInvalidUsernamePassword, true, ctx);
  const User* u = world.FindUser(caller.user);
  json orgs = json::array();
  if (u) {
    for (const std::string& o : u->orgs) {
      orgs.push_back({{"type", "org"},
                      {"name", o},
                      {"fullname", o},
                      {"id", FakeObjectId(o)},
                      {"isEnterprise", false},
                      {"roleInOrg", "read"}});
    }
  }
  const Token& t = *caller.token;
  const char* role = t.role == TokenRole::kRead    ? "read"
                     : t.role == TokenRole::kWrite ? "write"
                                                   : "fineGrained";
  json token{{"displayName", t.name}, {"role", role}, {"createdAt", FormatIso8601(t.created_at)}};
  if (t.role == TokenRole::kFineGrained) {
    json perms = json::array({"repo.content.read"});
    if (t.gated_scope) perms.push_back("gated-repos.read");
    token["fineGrained"] = {
        {"canReadGatedRepos", t.gated_scope},
        {"global", json::array({"discussion.write", "post.write"})},
        {"scoped", json::array({{{"entity", {{"type", "user"}, {"name", t.user}}},
                                 {"permissions", perms}}})}};
  }
  json body{{"type", "user"},
            {"id", FakeObjectId(caller.user)},
            {"name", caller.user},
            {"fullname", u ? u->fullname : caller.user},
            {"email", caller.user + "@example.com"},
            {"emailVerified", true},
            {"canPay", false},
            {"isPro", false},
            {"periodEnd", nullptr},
            {"avatarUrl", "/avatars/" + caller.user + ".svg"},
            {"orgs", orgs},
            {"auth", {{"type", "access_token"}, {"accessToken", token}}}};
  HttpResponse res;
  Common(res, ctx);
  JsonBody(res, body);
  return res;
}

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

}  // namespace

HttpResponse HandleHub(const HttpRequest& req, const World& world, const HubContext& ctx) {
  const Target t = ParseTarget(req.target);
  const Route route = ParseRoute(t);
  const bool json_body = IsApi(route) || route.kind == RouteKind::kUnknown;

  Caller caller;
  if (auto denied = Authenticate(req, world, ctx, json_body, caller)) return *denied;

  const bool post_route = route.kind == RouteKind::kPathsInfo;
  if (post_route ? req.method != "POST" : (req.method != "GET" && req.method != "HEAD")) {
    HttpResponse res = Error(405, "", "Method not allowed", true, ctx);
    res.Set("Allow", post_route ? "POST" : "GET, HEAD");
    return res;
  }
  if (route.kind == RouteKind::kUnknown) return Error(404, "", "Not Found", true, ctx);
  if (route.kind == RouteKind::kWhoami) return Whoami(caller, world, ctx);
  if (route.bad_encoding) return Error(400, "", "Invalid percent-encoding in URL", json_body, ctx);

  const Repo* repo = world.FindRepo(route.type, route.repo);
  if (!repo) {
    if (const std::string* to = world.RenamedTo(route.type, route.repo)) {
      // Relative 307 to the same URL under the new id; no metadata headers.
      std::string location;
      for (std::size_t i = 0; i < t.raw_segments.size(); ++i) {
        if (i == route.repo_first) {
          location += "/" + *to;
          i += route.repo_count - 1;
          continue;
        }
        location += "/" + t.raw_segments[i];
      }
      if (!t.raw_query.empty()) location += "?" + t.raw_query;
      return Redirect(307, location, ctx);
    }
  }
  if (!repo || !CanSee(*repo, caller, world)) {
    if (!caller.token) return Error(401, "", messages::kInvalidUsernamePassword, json_body, ctx);
    return Error(404, "RepoNotFound", messages::kRepoNotFound, json_body, ctx);
  }
  if (repo->disabled) return Error(403, "", messages::kDisabled, json_body, ctx);

  const bool file_route = route.kind == RouteKind::kResolve || route.kind == RouteKind::kRaw ||
                          route.kind == RouteKind::kResolveCache;
  if (file_route) {
    if (auto denied = CheckGate(*repo, caller, world, ctx, json_body)) return *denied;
  }
  const std::string revision = route.has_revision ? route.revision : repo->default_branch;
  const Commit* commit = repo->Resolve(revision);
  if (!commit)
    return Error(404, "RevisionNotFound", messages::InvalidRev(revision), json_body, ctx);

  switch (route.kind) {
    case RouteKind::kApiRepo:
      return RepoInfo(t, *repo, *commit, ctx);
    case RouteKind::kApiTree:
      return Tree(t, route, *repo, *commit, world, ctx);
    case RouteKind::kPathsInfo:
      return PathsInfo(req, *repo, *commit, ctx);
    default:
      break;
  }
  if (!ValidFilePath(route.path)) {
    return Error(400, "", "Invalid file path", json_body, ctx);
  }
  return ResolveFile(req, route, *repo, *commit, world, ctx);
}

}  // namespace mockhub
