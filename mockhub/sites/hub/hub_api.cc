// The hub's API answers: repo info (with expand= and blobs=), the paginated
// tree, paths-info (form and JSON bodies) and whoami-v2.
#include <algorithm>
#include <map>

#include "mockhub/base/dates.h"
#include "mockhub/base/digest.h"
#include "mockhub/base/text_parse.h"
#include "mockhub/http/url.h"
#include "mockhub/json/untrusted_json.h"
#include "mockhub/sites/hub/hub_answers.h"
#include "mockhub/sites/hub/hub_reply.h"
#include "mockhub/world/xet/xet_store.h"

namespace mockhub {

using nlohmann::json;

namespace {

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

}  // namespace

HttpResponse RepoInfo(const HubCall& call) {
  const Target& t = call.target;
  const Repo& repo = *call.access.repo;
  const Commit& commit = *call.access.commit;
  const HubContext& ctx = call.ctx;
  const bool blobs = QueryFlag(t, "blobs");
  if (blobs) {
    ListedFiles listed;
    for (const auto& [path, f] : commit.files) listed.emplace_back(path, &f);
    if (const auto* pending = FirstHashPending(listed)) {
      return Sha256Pending(*pending->second->content, pending->first, true, ctx);
    }
  }
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

namespace {

// A file entry of /tree and /paths-info (note "lfs.oid" here, against
// "lfs.sha256" in siblings); a Xet-backed file adds "xetHash" and keeps
// "lfs", as the Hub does (xet-protocol.md §2).
json FileEntry(const std::string& path, const RepoFile& f, const World& world) {
  json e = SiblingJson(path, f, true);
  json entry{{"type", "file"}, {"oid", e["blobId"]}, {"size", e["size"]}, {"path", path}};
  if (f.lfs) {
    entry["lfs"] = {{"oid", e["lfs"]["sha256"]},
                    {"size", e["lfs"]["size"]},
                    {"pointerSize", e["lfs"]["pointerSize"]}};
  }
  if (f.xet) entry["xetHash"] = XetIndex::FileHash(f, world.options.xet);
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

// The Link header of a /tree page that has a next one: the same query with
// the cursor of entry `next`.
std::string NextPageLink(const Target& t, std::size_t next, const HubContext& ctx) {
  std::string query;
  for (const auto& [k, v] : t.query) {
    if (k == "cursor") continue;
    query += (query.empty() ? "" : "&") + PercentEncode(k, false) + "=" + PercentEncode(v, false);
  }
  query += (query.empty() ? "" : "&") + std::string("cursor=") +
           PercentEncode(Base64Encode(std::to_string(next)), false);
  return "<" + ctx.endpoint + t.raw_path + "?" + query + ">; rel=\"next\"";
}

json LastCommitJson(const Commit& c) {
  return {{"id", c.sha}, {"title", c.title}, {"date", FormatIso8601(c.date)}};
}

}  // namespace

// POST /api/{type}s/{repo}/paths-info/{rev}: the entries of the given paths
// (missing ones are left out). huggingface_hub posts a form
// (paths=a&paths=b&expand=true), @huggingface/hub posts JSON.
HttpResponse PathsInfo(const HubCall& call) {
  const HttpRequest& req = call.request;
  const Repo& repo = *call.access.repo;
  const Commit& commit = *call.access.commit;
  const HubContext& ctx = call.ctx;
  std::vector<std::string> paths;
  bool expand = false;
  if (req.Header("Content-Type").find("json") != std::string::npos) {
    auto parsed = ParseUntrustedJson(req.body, "<request body>");
    const json body = parsed ? std::move(*parsed) : json();
    if (!body.is_object()) {
      return ErrorReply(400, "", "Invalid JSON body", true, ctx);
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
  if (paths.empty()) return ErrorReply(400, "", "paths is required", true, ctx);
  for (std::string& p : paths) {
    while (!p.empty() && p.back() == '/') p.pop_back();
  }
  ListedFiles listed;
  for (const std::string& p : paths) {
    if (auto f = commit.files.find(p); f != commit.files.end()) listed.emplace_back(p, &f->second);
  }
  if (const auto* pending = FirstHashPending(listed)) {
    return Sha256Pending(*pending->second->content, pending->first, true, ctx);
  }
  json out = json::array();
  for (const std::string& p : paths) {
    if (auto f = commit.files.find(p); f != commit.files.end()) {
      json e = FileEntry(p, f->second, call.world);
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

HttpResponse Tree(const HubCall& call) {
  const Target& t = call.target;
  const Repo& repo = *call.access.repo;
  const Commit& commit = *call.access.commit;
  const HubContext& ctx = call.ctx;
  const bool recursive = QueryFlag(t, "recursive");
  const bool expand = QueryFlag(t, "expand");
  // The folder to list; "sub/" is "sub".
  std::string prefix = call.route.path;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (prefix.find("..") != std::string::npos || prefix.find('\\') != std::string::npos) {
    return ErrorReply(400, "", "Invalid path", true, ctx);
  }
  // path -> its file (nullptr: a folder), sorted; entries are built for
  // the page only, so only the page's LFS files need their sha256.
  std::map<std::string, const RepoFile*> entries;
  auto add_dir = [&](const std::string& p) { entries.emplace(p, nullptr); };
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
    entries[path] = &f;
  }
  if (!found) {
    HttpResponse res = ErrorReply(404, "EntryNotFound", messages::kEntryNotFound, true, ctx);
    return res;
  }
  std::size_t start = 0;
  if (auto cursor = t.Param("cursor")) {
    std::string decoded;
    const auto n = Base64Decode(*cursor, decoded) ? ParseDigits(decoded, 12) : std::nullopt;
    if (!n) return ErrorReply(400, "", "Invalid cursor", true, ctx);
    start = static_cast<std::size_t>(*n);
  }
  const std::size_t page = call.world.options.tree_page_size;
  ListedFiles listed, files;  // the page, and its files
  std::size_t i = 0;
  for (const auto& [p, f] : entries) {
    if (i >= start && i < start + page) {
      listed.emplace_back(p, f);
      if (f) files.emplace_back(p, f);
    }
    ++i;
  }
  if (const auto* pending = FirstHashPending(files)) {
    return Sha256Pending(*pending->second->content, pending->first, true, ctx);
  }
  json out = json::array();
  for (const auto& [p, f] : listed) {
    json e = f ? FileEntry(p, *f, call.world) : DirEntry(commit, p);
    if (expand) e["lastCommit"] = LastCommitJson(f ? LastCommitTouching(repo, commit, p) : commit);
    out.push_back(std::move(e));
  }
  HttpResponse res;
  Common(res, ctx);
  JsonBody(res, out);
  if (start + page < entries.size()) res.Set("Link", NextPageLink(t, start + page, ctx));
  return res;
}

HttpResponse Whoami(const HubCall& call) {
  const Caller& caller = call.access.caller;
  const World& world = call.world;
  const HubContext& ctx = call.ctx;
  if (!caller.token) return ErrorReply(401, "", messages::kInvalidUsernamePassword, true, ctx);
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

}  // namespace mockhub
