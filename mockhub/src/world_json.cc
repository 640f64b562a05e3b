// World file loader. Strict on purpose: an unknown key is a typo until proven
// otherwise, and the error names the file and the JSON pointer.
#include "mockhub/world_json.h"

#include <cctype>
#include <ctime>
#include <fstream>
#include <functional>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "json_checker.h"
#include "mockhub/dates.h"
#include "mockhub/digest.h"
#include "mockhub/object_store.h"

namespace mockhub {
namespace {

using nlohmann::json;

// A world timestamp: unix seconds, or "2026-01-01T00:00:00Z".
bool ParseTimestamp(const json& v, std::int64_t& out) {
  if (v.is_number_integer()) {
    out = v.get<std::int64_t>();
    return true;
  }
  if (!v.is_string()) return false;
  auto t = ParseIso8601(v.get<std::string>());
  if (!t) return false;
  out = *t;
  return true;
}

using Checker = JsonChecker;

bool ParseFile(Checker& ck, const json& spec, const std::string& ptr, RepoFile& out) {
  if (spec.is_string()) {
    out.content = Content::Inline(spec.get<std::string>());
    return true;
  }
  if (!ck.Keys(spec, ptr, {"text", "base64", "size", "seed", "lfs"})) return false;
  const int kinds =
      int(spec.contains("text")) + int(spec.contains("base64")) + int(spec.contains("size"));
  if (kinds != 1) {
    return ck.Fail(ptr, "a file needs exactly one of \"text\", \"base64\" or \"size\" (+\"seed\")");
  }
  bool lfs = false;
  if (spec.contains("text")) {
    std::string text;
    if (!ck.Get(spec, ptr, "text", text)) return false;
    out.content = Content::Inline(std::move(text));
  } else if (spec.contains("base64")) {
    std::string b64, bytes;
    if (!ck.Get(spec, ptr, "base64", b64)) return false;
    if (!Base64Decode(b64, bytes)) return ck.Fail(ptr + "/base64", "is not valid base64");
    out.content = Content::Inline(std::move(bytes));
  } else {
    std::uint64_t size = 0, seed = 0;
    if (!spec.at("size").is_number_unsigned()) {
      return ck.Fail(ptr + "/size", "must be a non-negative integer (bytes)");
    }
    if (!ck.Get(spec, ptr, "size", size) || !ck.Get(spec, ptr, "seed", seed)) return false;
    out.content = Content::Synthetic(size, seed);
    lfs = true;  // synthetic files stand for large weights
  }
  if (spec.contains("seed") && !spec.contains("size")) {
    return ck.Fail(ptr + "/seed", "only applies to synthetic files (with \"size\")");
  }
  if (!ck.Get(spec, ptr, "lfs", lfs)) return false;
  out.lfs = lfs;
  return true;
}

bool ValidRepoPath(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.back() == '/' || p.find('\\') != std::string::npos) {
    return false;
  }
  std::stringstream ss(p);
  std::string seg;
  while (std::getline(ss, seg, '/')) {
    if (seg.empty() || seg == "." || seg == "..") return false;
  }
  return true;
}

bool ParseFiles(Checker& ck, const json& files, const std::string& ptr,
                std::map<std::string, RepoFile>& out) {
  if (!files.is_object()) return ck.Fail(ptr, "expected an object of path -> file");
  for (auto it = files.begin(); it != files.end(); ++it) {
    const std::string fptr = ptr + "/" + PointerToken(it.key());
    if (!ValidRepoPath(it.key())) {
      return ck.Fail(fptr,
                     "invalid file path (empty segment, '.', '..', backslash or leading '/')");
    }
    if (it.value().is_null()) {  // deletes an inherited file
      out.erase(it.key());
      continue;
    }
    RepoFile f;
    if (!ParseFile(ck, it.value(), fptr, f)) return false;
    out[it.key()] = f;
  }
  return true;
}

// "datasets/x/y" -> (dataset, "x/y"); "x/y" -> (model, "x/y").
std::pair<RepoType, std::string> SplitRepoKey(const std::string& key) {
  for (RepoType t : {RepoType::kDataset, RepoType::kSpace}) {
    const std::string prefix = RepoTypeUrlPrefix(t);
    if (key.rfind(prefix, 0) == 0) return {t, key.substr(prefix.size())};
  }
  return {RepoType::kModel, key};
}

bool ValidRepoId(const std::string& id) {
  if (id.empty() || id.size() > 96) return false;
  int slashes = 0;
  for (char c : id) {
    if (c == '/') {
      ++slashes;
      continue;
    }
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return slashes <= 1 && id.front() != '/' && id.back() != '/' &&
         id.find("..") == std::string::npos;
}

bool ParseRepo(Checker& ck, const std::string& key, const json& spec, const std::string& ptr,
               std::int64_t base_date, Repo& repo) {
  if (!ck.Keys(spec, ptr,
               {"private", "owner", "gated", "approved", "disabled", "default_branch", "files",
                "commits", "branches", "tags", "prs"})) {
    return false;
  }
  auto [type, id] = SplitRepoKey(key);
  if (!ValidRepoId(id)) return ck.Fail(ptr, "invalid repo id \"" + id + "\"");
  repo.type = type;
  repo.id = id;
  repo.owner = id.find('/') == std::string::npos ? id : id.substr(0, id.find('/'));
  repo.created_at = base_date;
  if (!ck.Get(spec, ptr, "private", repo.is_private) || !ck.Get(spec, ptr, "owner", repo.owner) ||
      !ck.Get(spec, ptr, "disabled", repo.disabled) ||
      !ck.Get(spec, ptr, "default_branch", repo.default_branch)) {
    return false;
  }
  if (spec.contains("gated")) {
    const json& g = spec.at("gated");
    if (g.is_boolean() && !g.get<bool>())
      repo.gated = Gating::kNone;
    else if (g == "auto")
      repo.gated = Gating::kAuto;
    else if (g == "manual")
      repo.gated = Gating::kManual;
    else
      return ck.Fail(ptr + "/gated", "must be false, \"auto\" or \"manual\"");
  }
  std::vector<std::string> approved;
  if (!ck.Get(spec, ptr, "approved", approved)) return false;
  repo.approved.insert(approved.begin(), approved.end());

  // Commits: labels -> sha, resolved in dependency order through "parent".
  std::map<std::string, std::string> label_to_sha;
  json commits = spec.value("commits", json::object());
  if (!commits.is_object())
    return ck.Fail(ptr + "/commits", "expected an object of label -> commit");
  const bool shorthand = spec.contains("files");
  if (shorthand) {
    if (spec.contains("commits")) {
      return ck.Fail(ptr + "/files", "use either \"files\" (one commit) or \"commits\", not both");
    }
    commits = json{{"initial", json{{"files", spec.at("files")}}}};
  }
  if (commits.empty()) return ck.Fail(ptr, "a repo needs \"files\" or \"commits\"");
  std::set<std::string> visiting;
  std::function<bool(const std::string&)> build = [&](const std::string& label) -> bool {
    if (label_to_sha.count(label)) return true;
    const std::string cptr = ptr + "/commits/" + PointerToken(label);
    if (!commits.contains(label)) return ck.Fail(cptr, "no such commit label");
    if (!visiting.insert(label).second) return ck.Fail(cptr, "commit parents form a cycle");
    const json& c = commits.at(label);
    if (!ck.Keys(c, cptr, {"sha", "title", "date", "parent", "files"})) return false;
    Commit commit;
    std::string parent;
    if (!ck.Get(c, cptr, "parent", parent)) return false;
    if (!parent.empty()) {
      if (!commits.contains(parent))
        return ck.Fail(cptr + "/parent", "no commit labelled \"" + parent + "\"");
      if (!build(parent)) return false;
      commit.files = repo.commits.at(label_to_sha.at(parent)).files;
      commit.parent = label_to_sha.at(parent);
    }
    commit.sha = Sha256Hex("mockhub commit " + key + "@" + label).substr(0, 40);
    if (!ck.Get(c, cptr, "sha", commit.sha)) return false;
    if (!IsCommitSha(commit.sha))
      return ck.Fail(cptr + "/sha", "must be 40 lower-case hex characters");
    commit.title = "Upload " + label;
    if (!ck.Get(c, cptr, "title", commit.title)) return false;
    commit.date = base_date + static_cast<std::int64_t>(label_to_sha.size()) * 3600;
    if (c.contains("date") && !ParseTimestamp(c.at("date"), commit.date)) {
      return ck.Fail(cptr + "/date", "must be an ISO 8601 UTC time or unix seconds");
    }
    const std::string files_ptr = shorthand ? ptr + "/files" : cptr + "/files";
    if (c.contains("files") && !ParseFiles(ck, c.at("files"), files_ptr, commit.files))
      return false;
    if (repo.commits.count(commit.sha)) return ck.Fail(cptr + "/sha", "duplicate commit sha");
    label_to_sha[label] = commit.sha;
    repo.commit_labels[label] = commit.sha;
    repo.commits[commit.sha] = std::move(commit);
    visiting.erase(label);
    return true;
  };
  for (auto it = commits.begin(); it != commits.end(); ++it) {
    if (!build(it.key())) return false;
  }
  auto ref_target = [&](const json& refs, const std::string& rptr, const std::string& name,
                        std::string& sha) {
    const json& v = refs.at(name);
    if (!v.is_string()) return ck.Fail(rptr, "must name a commit label or sha");
    const std::string target = v.get<std::string>();
    if (auto it = label_to_sha.find(target); it != label_to_sha.end()) {
      sha = it->second;
      return true;
    }
    if (repo.commits.count(target)) {
      sha = target;
      return true;
    }
    return ck.Fail(rptr, "no commit labelled \"" + target + "\"");
  };
  const std::string last_label = (--commits.end()).key();
  json branches = spec.value("branches", json::object());
  if (!branches.is_object()) return ck.Fail(ptr + "/branches", "expected an object");
  if (!branches.contains(repo.default_branch)) {
    if (commits.size() > 1) {
      return ck.Fail(ptr + "/branches",
                     "the default branch \"" + repo.default_branch + "\" is missing");
    }
    branches[repo.default_branch] = last_label;
  }
  for (auto it = branches.begin(); it != branches.end(); ++it) {
    if (it.key().empty() || it.key().rfind("refs/", 0) == 0 || IsCommitSha(it.key())) {
      return ck.Fail(ptr + "/branches/" + PointerToken(it.key()), "invalid branch name");
    }
    if (!ref_target(branches, ptr + "/branches/" + PointerToken(it.key()), it.key(),
                    repo.branches[it.key()])) {
      return false;
    }
  }
  json tags = spec.value("tags", json::object());
  if (!tags.is_object()) return ck.Fail(ptr + "/tags", "expected an object");
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    if (!ref_target(tags, ptr + "/tags/" + PointerToken(it.key()), it.key(), repo.tags[it.key()])) {
      return false;
    }
  }
  json prs = spec.value("prs", json::object());
  if (!prs.is_object()) return ck.Fail(ptr + "/prs", "expected an object of number -> commit");
  for (auto it = prs.begin(); it != prs.end(); ++it) {
    const std::string pptr = ptr + "/prs/" + PointerToken(it.key());
    if (it.key().empty() || it.key().size() > 6 ||
        it.key().find_first_not_of("0123456789") != std::string::npos) {
      return ck.Fail(pptr, "a pull request is named by its number, e.g. \"1\" for refs/pr/1");
    }
    if (!ref_target(prs, pptr, it.key(), repo.pull_requests[std::stoi(it.key())])) return false;
  }
  return true;
}

}  // namespace

Loaded<json> ParseJsonText(const std::string& text, const std::string& file) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return LoadError{file, "", "invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what()};
  }
}

Loaded<json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return LoadError{path, "", "cannot open file"};
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseJsonText(ss.str(), path);
}

Loaded<World> WorldFromJsonChecked(const json& doc, const std::string& file);

// No JSON type error may escape as an exception: bad input is a LoadError.
Loaded<World> WorldFromJson(const json& doc, const std::string& file) {
  try {
    auto world = WorldFromJsonChecked(doc, file);
    if (world) world->objects = ObjectStore::Build(world.value());
    return world;
  } catch (const std::exception& e) {
    return LoadError{file, "", std::string("malformed world: ") + e.what()};
  }
}

Loaded<World> WorldFromJsonChecked(const json& doc, const std::string& file) {
  Checker ck(file);
  World w;
  if (!ck.Keys(doc, "",
               {"$schema", "version", "about", "clock", "hub", "cdn", "users", "tokens", "repos",
                "renames"})) {
    return ck.error();
  }
  int version = 1;
  if (!ck.Get(doc, "", "version", version)) return ck.error();
  if (version != 1)
    return LoadError{file, "/version", "unsupported version (this mockhub reads 1)"};
  if (doc.contains("clock")) {
    std::int64_t t = 0;
    if (!ParseTimestamp(doc.at("clock"), t)) {
      return LoadError{file, "/clock", "must be an ISO 8601 UTC time or unix seconds"};
    }
    w.clock_start = t;
  }
  if (doc.contains("hub")) {
    const json& h = doc.at("hub");
    if (!ck.Keys(h, "/hub", {"tree_page_size", "resolve_cache_redirect"}) ||
        !ck.Get(h, "/hub", "tree_page_size", w.options.tree_page_size) ||
        !ck.Get(h, "/hub", "resolve_cache_redirect", w.options.resolve_cache_redirect)) {
      return ck.error();
    }
    if (w.options.tree_page_size == 0)
      return LoadError{file, "/hub/tree_page_size", "must be at least 1"};
  }
  if (doc.contains("cdn")) {
    const json& c = doc.at("cdn");
    std::string flavour = CdnFlavourName(w.options.cdn_flavour);
    if (!ck.Keys(c, "/cdn", {"flavour", "url_ttl_seconds"}) ||
        !ck.Get(c, "/cdn", "flavour", flavour) ||
        !ck.Get(c, "/cdn", "url_ttl_seconds", w.options.cdn_url_ttl)) {
      return ck.error();
    }
    auto f = ParseCdnFlavour(flavour);
    if (!f) return LoadError{file, "/cdn/flavour", "must be \"cloudfront\" or \"s3\""};
    w.options.cdn_flavour = *f;
    if (w.options.cdn_url_ttl <= 0)
      return LoadError{file, "/cdn/url_ttl_seconds", "must be positive"};
  }
  const std::int64_t base_date = w.clock_start.value_or(1735689600) - 30 * 86400;
  const json users = doc.value("users", json::object());
  if (!users.is_object()) return LoadError{file, "/users", "expected an object of name -> user"};
  for (auto it = users.begin(); it != users.end(); ++it) {
    const std::string ptr = "/users/" + PointerToken(it.key());
    User u;
    u.name = it.key();
    u.fullname = it.key();
    if (!ck.Keys(it.value(), ptr, {"fullname", "orgs"}) ||
        !ck.Get(it.value(), ptr, "fullname", u.fullname) ||
        !ck.Get(it.value(), ptr, "orgs", u.orgs)) {
      return ck.error();
    }
    w.users[u.name] = u;
  }
  const json tokens = doc.value("tokens", json::object());
  if (!tokens.is_object())
    return LoadError{file, "/tokens", "expected an object of value -> token"};
  for (auto it = tokens.begin(); it != tokens.end(); ++it) {
    const std::string ptr = "/tokens/" + PointerToken(it.key());
    const json& t = it.value();
    if (!ck.Keys(t, ptr, {"user", "name", "role", "state", "expires_at", "gated_scope"}))
      return ck.error();
    Token tok;
    tok.value = it.key();
    tok.created_at = base_date;
    std::string role = "read", state = "valid";
    if (!ck.Get(t, ptr, "user", tok.user) || !ck.Get(t, ptr, "name", tok.name) ||
        !ck.Get(t, ptr, "role", role) || !ck.Get(t, ptr, "state", state) ||
        !ck.Get(t, ptr, "gated_scope", tok.gated_scope)) {
      return ck.error();
    }
    if (tok.value.empty() || tok.value.find_first_of(" \t\r\n") != std::string::npos) {
      return LoadError{file, ptr, "a token value must be non-empty, without whitespace"};
    }
    if (tok.user.empty())
      return LoadError{file, ptr + "/user", "required: the user owning the token"};
    if (!w.users.count(tok.user)) {
      return LoadError{file, ptr + "/user", "no user \"" + tok.user + "\" under /users"};
    }
    if (tok.name.empty())
      tok.name = tok.value.substr(0, std::min<std::size_t>(6, tok.value.size()));
    if (role == "read")
      tok.role = TokenRole::kRead;
    else if (role == "write")
      tok.role = TokenRole::kWrite;
    else if (role == "fineGrained")
      tok.role = TokenRole::kFineGrained;
    else
      return LoadError{file, ptr + "/role", "must be \"read\", \"write\" or \"fineGrained\""};
    if (state == "valid")
      tok.state = TokenState::kValid;
    else if (state == "expired")
      tok.state = TokenState::kExpired;
    else if (state == "revoked")
      tok.state = TokenState::kRevoked;
    else
      return LoadError{file, ptr + "/state", "must be \"valid\", \"expired\" or \"revoked\""};
    if (t.contains("expires_at")) {
      std::int64_t e = 0;
      if (!ParseTimestamp(t.at("expires_at"), e)) {
        return LoadError{file, ptr + "/expires_at", "must be an ISO 8601 UTC time or unix seconds"};
      }
      tok.expires_at = e;
    }
    if (tok.role != TokenRole::kFineGrained && t.contains("gated_scope")) {
      return LoadError{file, ptr + "/gated_scope", "only fine-grained tokens have scopes"};
    }
    w.tokens[tok.value] = tok;
  }
  const json repos = doc.value("repos", json::object());
  if (!repos.is_object()) return LoadError{file, "/repos", "expected an object of id -> repo"};
  for (auto it = repos.begin(); it != repos.end(); ++it) {
    if (it.value().is_null()) continue;  // removed by a merge patch
    Repo repo;
    if (!ParseRepo(ck, it.key(), it.value(), "/repos/" + PointerToken(it.key()), base_date, repo)) {
      return ck.error();
    }
    for (const std::string& u : repo.approved) {
      if (!w.users.count(u)) {
        return LoadError{file, "/repos/" + PointerToken(it.key()) + "/approved",
                         "no user \"" + u + "\" under /users"};
      }
    }
    w.repos[{repo.type, repo.id}] = std::move(repo);
  }
  const json renames = doc.value("renames", json::object());
  if (!renames.is_object())
    return LoadError{file, "/renames", "expected an object of old id -> new id"};
  for (auto it = renames.begin(); it != renames.end(); ++it) {
    const std::string ptr = "/renames/" + PointerToken(it.key());
    if (it.value().is_null()) continue;
    if (!it.value().is_string()) return LoadError{file, ptr, "must be the new repo id"};
    auto [from_type, from_id] = SplitRepoKey(it.key());
    auto [to_type, to_id] = SplitRepoKey(it.value().get<std::string>());
    if (from_type != to_type) return LoadError{file, ptr, "a rename keeps the repo type"};
    if (!w.FindRepo(to_type, to_id))
      return LoadError{file, ptr, "no repo \"" + to_id + "\" to rename to"};
    if (w.FindRepo(from_type, from_id)) {
      return LoadError{file, ptr, "the old id still names a repo; remove it or pick another id"};
    }
    w.renames[{from_type, from_id}] = to_id;
  }
  return w;
}

Loaded<World> LoadWorldFile(const std::string& path) {
  auto doc = ReadJsonFile(path);
  if (!doc) return doc.error();
  return WorldFromJson(*doc, path);
}

}  // namespace mockhub

namespace mockhub {
World DemoWorld() {
  auto doc = ParseJsonText(DemoWorldJson(), "<demo world>");
  auto world = WorldFromJson(doc.value(), "<demo world>");
  return world.value();  // the demo world is validated by its unit test
}
}  // namespace mockhub
