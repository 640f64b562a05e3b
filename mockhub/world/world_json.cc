// World file loader. Strict on purpose: an unknown key is a typo until proven
// otherwise, and the error names the file and the JSON pointer.
#include "mockhub/world/world_json.h"

#include <map>

#include <nlohmann/json.hpp>

#include "mockhub/json/json_checker.h"
#include "mockhub/json/untrusted_json.h"
#include "mockhub/world/names.h"
#include "mockhub/world/object_store.h"
#include "mockhub/world/world_json_parts.h"
#include "mockhub/world/xet/xet_store.h"

namespace mockhub {

using nlohmann::json;
using world_json::kMaxTreePageSize;
using world_json::kMaxTtlSeconds;
using world_json::ParseTimestamp;
using world_json::SplitRepoKey;

namespace {

// "clock", "hub" and "cdn": the world's options.
Loaded<bool> ParseOptions(JsonChecker& ck, const json& doc, const std::string& file, World& w) {
  if (doc.contains("clock")) {
    std::int64_t t = 0;
    if (!ParseTimestamp(doc.at("clock"), t)) {
      return LoadError{file, "/clock", world_json::kTimestampRule};
    }
    w.clock_start = t;
  }
  if (doc.contains("hub")) {
    const json& h = doc.at("hub");
    auto page = static_cast<std::int64_t>(w.options.tree_page_size);
    if (!ck.Keys(h, "/hub", {"tree_page_size", "resolve_cache_redirect"}) ||
        !ck.IntIn(h, "/hub", "tree_page_size", page, 1, kMaxTreePageSize, "entries") ||
        !ck.Get(h, "/hub", "resolve_cache_redirect", w.options.resolve_cache_redirect)) {
      return ck.error();
    }
    w.options.tree_page_size = static_cast<std::size_t>(page);
  }
  if (doc.contains("cdn")) {
    const json& c = doc.at("cdn");
    std::string flavour = CdnFlavourName(w.options.cdn_flavour);
    if (!ck.Keys(c, "/cdn", {"flavour", "url_ttl_seconds"}) ||
        !ck.Get(c, "/cdn", "flavour", flavour) ||
        !ck.IntIn(c, "/cdn", "url_ttl_seconds", w.options.cdn_url_ttl, 1, kMaxTtlSeconds,
                  "seconds (ten years)")) {
      return ck.error();
    }
    auto f = ParseCdnFlavour(flavour);
    if (!f) return LoadError{file, "/cdn/flavour", "must be \"cloudfront\" or \"s3\""};
    w.options.cdn_flavour = *f;
  }
  return true;
}

// "xet": the Xet path's settings; "storage": how LFS files are stored by
// default. Limits are the protocol's (xet-protocol.md §5).
Loaded<bool> ParseXetOptions(JsonChecker& ck, const json& doc, const std::string& file, World& w,
                             world_json::FileDefaults& defaults) {
  if (doc.contains("storage")) {
    std::string storage;
    if (!ck.Get(doc, "", "storage", storage)) return ck.error();
    if (storage != "xet" && storage != "lfs")
      return LoadError{file, "/storage", "must be \"xet\" or \"lfs\" (for every LFS file)"};
    defaults.xet = storage == "xet";
  }
  if (!doc.contains("xet")) return true;
  const json& x = doc.at("xet");
  XetOptions& o = w.options.xet;
  std::string compression = XetCompressionName(defaults.compression);
  if (!ck.Keys(x, "/xet",
               {"chunk_size", "xorb_size", "compression", "token_ttl_seconds", "url_ttl_seconds",
                "multirange"}) ||
      !ck.Get(x, "/xet", "chunk_size", o.chunk_size) ||
      !ck.Get(x, "/xet", "xorb_size", o.xorb_size) ||
      !ck.Get(x, "/xet", "compression", compression) ||
      !ck.IntIn(x, "/xet", "token_ttl_seconds", o.token_ttl, 1, kMaxTtlSeconds,
                "seconds (ten years)") ||
      !ck.IntIn(x, "/xet", "url_ttl_seconds", o.url_ttl, 1, kMaxTtlSeconds,
                "seconds (ten years)") ||
      !ck.Get(x, "/xet", "multirange", o.multirange)) {
    return ck.error();
  }
  if (o.chunk_size < 1024 || o.chunk_size > 128 * 1024)
    return LoadError{file, "/xet/chunk_size", "must be between 1024 and 131072 bytes"};
  if (o.xorb_size < 2 * (o.chunk_size + 64ull) || o.xorb_size > (64ull << 20))
    return LoadError{file, "/xet/xorb_size", "must hold two chunks and be at most 64 MiB"};
  auto c = ParseXetCompression(compression);
  if (!c)
    return LoadError{file, "/xet/compression", "must be \"none\", \"lz4\", \"bg4\" or \"auto\""};
  defaults.compression = *c;
  return true;
}

Loaded<bool> ParseUsers(JsonChecker& ck, const json& doc, const std::string& file, World& w) {
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
  return true;
}

Loaded<Token> ParseToken(JsonChecker& ck, const std::string& value, const json& t,
                         const std::string& ptr, const std::string& file, const World& w,
                         std::int64_t base_date) {
  if (!ck.Keys(t, ptr, {"user", "name", "role", "state", "expires_at", "gated_scope"}))
    return ck.error();
  Token tok;
  tok.value = value;
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
  if (tok.name.empty()) tok.name = tok.value.substr(0, std::min<std::size_t>(6, tok.value.size()));
  static const std::map<std::string, TokenRole> kRoles = {{"read", TokenRole::kRead},
                                                          {"write", TokenRole::kWrite},
                                                          {"fineGrained", TokenRole::kFineGrained}};
  static const std::map<std::string, TokenState> kStates = {{"valid", TokenState::kValid},
                                                            {"expired", TokenState::kExpired},
                                                            {"revoked", TokenState::kRevoked}};
  if (!kRoles.count(role))
    return LoadError{file, ptr + "/role", "must be \"read\", \"write\" or \"fineGrained\""};
  tok.role = kRoles.at(role);
  if (!kStates.count(state))
    return LoadError{file, ptr + "/state", "must be \"valid\", \"expired\" or \"revoked\""};
  tok.state = kStates.at(state);
  if (t.contains("expires_at")) {
    std::int64_t e = 0;
    if (!ParseTimestamp(t.at("expires_at"), e)) {
      return LoadError{file, ptr + "/expires_at", world_json::kTimestampRule};
    }
    tok.expires_at = e;
  }
  if (tok.role != TokenRole::kFineGrained && t.contains("gated_scope")) {
    return LoadError{file, ptr + "/gated_scope", "only fine-grained tokens have scopes"};
  }
  return tok;
}

Loaded<bool> ParseRepos(JsonChecker& ck, const json& doc, const std::string& file,
                        std::int64_t base_date, const world_json::FileDefaults& defaults,
                        World& w) {
  const json repos = doc.value("repos", json::object());
  if (!repos.is_object()) return LoadError{file, "/repos", "expected an object of id -> repo"};
  for (auto it = repos.begin(); it != repos.end(); ++it) {
    if (it.value().is_null()) continue;  // removed by a merge patch
    const std::string ptr = "/repos/" + PointerToken(it.key());
    Repo repo;
    if (!world_json::ParseRepo(ck, it.key(), it.value(), ptr, base_date, defaults, repo))
      return ck.error();
    for (const std::string& u : repo.approved) {
      if (!w.users.count(u))
        return LoadError{file, ptr + "/approved", "no user \"" + u + "\" under /users"};
    }
    w.repos[{repo.type, repo.id}] = std::move(repo);
  }
  return true;
}

// The Xet index holds an entry per xorb: a file so large (or xorbs so small)
// that it needs more than kMaxXorbsPerFile is refused here, before the index
// is built, rather than taking the machine's memory.
Loaded<bool> CheckXetSizes(const std::string& file, const World& w) {
  for (const auto& [key, repo] : w.repos) {
    for (const auto& [sha, commit] : repo.commits) {
      for (const auto& [path, f] : commit.files) {
        if (!f.xet) continue;
        const std::uint64_t n = XetIndex::XorbsFor(f.content->size(), w.options.xet);
        if (n <= XetIndex::kMaxXorbsPerFile) continue;
        return LoadError{file, "/repos/" + PointerToken(RepoTypeUrlPrefix(repo.type) + repo.id),
                         "the Xet file \"" + path + "\" needs " + std::to_string(n) +
                             " xorbs at /xet/xorb_size; at most " +
                             std::to_string(XetIndex::kMaxXorbsPerFile) +
                             " (a smaller file or larger xorbs)"};
      }
    }
  }
  return true;
}

Loaded<bool> ParseRenames(const json& doc, const std::string& file, World& w) {
  const json renames = doc.value("renames", json::object());
  if (!renames.is_object())
    return LoadError{file, "/renames", "expected an object of old id -> new id"};
  for (auto it = renames.begin(); it != renames.end(); ++it) {
    const std::string ptr = "/renames/" + PointerToken(it.key());
    if (it.value().is_null()) continue;
    if (!it.value().is_string()) return LoadError{file, ptr, "must be the new repo id"};
    auto [from_type, from_id] = SplitRepoKey(it.key());
    auto [to_type, to_id] = SplitRepoKey(it.value().get<std::string>());
    if (Status st = names::RepoId(from_id); !st.ok())
      return LoadError{file, ptr, "invalid old repo id: it " + st.message()};
    if (Status st = names::RepoId(to_id); !st.ok())
      return LoadError{file, ptr, "invalid new repo id: it " + st.message()};
    if (from_type != to_type) return LoadError{file, ptr, "a rename keeps the repo type"};
    if (!w.FindRepo(to_type, to_id))
      return LoadError{file, ptr, "no repo \"" + to_id + "\" to rename to"};
    if (w.FindRepo(from_type, from_id)) {
      return LoadError{file, ptr, "the old id still names a repo; remove it or pick another id"};
    }
    w.renames[{from_type, from_id}] = to_id;
  }
  return true;
}

}  // namespace

Loaded<json> ParseJsonText(const std::string& text, const std::string& file) {
  return ParseUntrustedJson(text, file);
}

Loaded<json> ReadJsonFile(const std::string& path) { return ReadUntrustedJsonFile(path); }

Loaded<World> WorldFromJsonChecked(const json& doc, const std::string& file);

// No JSON type error may escape as an exception: bad input is a LoadError.
Loaded<World> WorldFromJson(const json& doc, const std::string& file) {
  try {
    auto world = WorldFromJsonChecked(doc, file);
    if (world) {
      world->objects = ObjectStore::Build(world.value());
      world->xet = XetIndex::Build(world.value());
    }
    return world;
  } catch (const std::exception& e) {
    return LoadError{file, "", std::string("malformed world: ") + e.what()};
  }
}

Loaded<World> WorldFromJsonChecked(const json& doc, const std::string& file) {
  JsonChecker ck(file);
  World w;
  if (!ck.Keys(doc, "",
               {"$schema", "version", "about", "clock", "hub", "cdn", "xet", "storage", "users",
                "tokens", "repos", "renames"})) {
    return ck.error();
  }
  int version = 1;
  if (!ck.Get(doc, "", "version", version)) return ck.error();
  if (version != 1)
    return LoadError{file, "/version", "unsupported version (this mockhub reads 1)"};
  if (auto ok = ParseOptions(ck, doc, file, w); !ok) return ok.error();
  world_json::FileDefaults defaults;
  if (auto ok = ParseXetOptions(ck, doc, file, w, defaults); !ok) return ok.error();
  const std::int64_t base_date =
      w.clock_start.value_or(1735689600) - static_cast<std::int64_t>(30) * 86400;
  if (auto ok = ParseUsers(ck, doc, file, w); !ok) return ok.error();
  const json tokens = doc.value("tokens", json::object());
  if (!tokens.is_object())
    return LoadError{file, "/tokens", "expected an object of value -> token"};
  for (auto it = tokens.begin(); it != tokens.end(); ++it) {
    auto tok = ParseToken(ck, it.key(), it.value(), "/tokens/" + PointerToken(it.key()), file, w,
                          base_date);
    if (!tok) return tok.error();
    w.tokens[it.key()] = std::move(tok.value());
  }
  if (auto ok = ParseRepos(ck, doc, file, base_date, defaults, w); !ok) return ok.error();
  if (auto ok = CheckXetSizes(file, w); !ok) return ok.error();
  if (auto ok = ParseRenames(doc, file, w); !ok) return ok.error();
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
