// The hub's state: repos, revisions, files, users and tokens.
//
// One model behind every endpoint, so HEAD, GET, /api and /tree can never
// disagree. A World is a plain value: the HTTP layer reads an immutable
// snapshot per request, and changes (revoke a token, move a branch) produce a
// new snapshot (see hub_state.h). Nothing here knows about HTTP.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mockhub/http/content.h"

namespace mockhub {

class ObjectStore;
class XetIndex;

enum class RepoType { kModel, kDataset, kSpace };
// "model" / "dataset" / "space".
const char* RepoTypeName(RepoType t);
// URL prefix of resolve/raw URLs: "", "datasets/", "spaces/".
const char* RepoTypeUrlPrefix(RepoType t);
// Cache folder prefix: "models", "datasets", "spaces".
const char* RepoTypePlural(RepoType t);
std::optional<RepoType> ParseRepoType(const std::string& s);        // "model"...
std::optional<RepoType> ParseRepoTypePlural(const std::string& s);  // "models"...

enum class Gating { kNone, kAuto, kManual };
enum class TokenState { kValid, kExpired, kRevoked };
enum class TokenRole { kRead, kWrite, kFineGrained };

// How a Xet-backed file's chunks are stored (xet-protocol.md §5): raw, as an
// LZ4 frame, byte-grouped (BG4) then LZ4, or what production does (auto: LZ4
// or BG4 where it shrinks the chunk, else raw).
enum class XetCompression { kNone, kLz4, kBg4, kAuto };
const char* XetCompressionName(XetCompression c);
std::optional<XetCompression> ParseXetCompression(const std::string& s);

struct RepoFile {
  bool lfs = false;
  // Stored with Xet (implies lfs): the hub sends Xet headers, the CAS can
  // rebuild it from xorbs on the CDN.
  bool xet = false;
  XetCompression compression = XetCompression::kAuto;  // with xet
  std::shared_ptr<const Content> content;
};

struct Commit {
  std::string sha;                        // 40 lower-case hex
  std::string parent;                     // parent commit's sha, "" for a root
  std::string title;                      // commit title (tree expand=true: lastCommit.title)
  std::int64_t date = 0;                  // unix seconds
  std::map<std::string, RepoFile> files;  // path -> file
};

struct Repo {
  RepoType type = RepoType::kModel;
  std::string id;  // "org/name" (or a single-segment legacy id)
  bool is_private = false;
  std::string owner;  // user or org owning a private repo
  Gating gated = Gating::kNone;
  std::set<std::string> approved;  // users granted access to a gated repo
  bool disabled = false;
  std::string default_branch = "main";
  std::map<std::string, Commit> commits;             // sha -> commit
  std::map<std::string, std::string> branches;       // name -> sha
  std::map<std::string, std::string> tags;           // name -> sha
  std::map<int, std::string> pull_requests;          // N (refs/pr/N) -> sha
  std::map<std::string, std::string> commit_labels;  // world-file label -> sha
  std::int64_t created_at = 0;

  // Resolves a revision as the Hub does: "HEAD" (the default branch), a
  // branch, a tag, "refs/pr/N", or a full commit sha. nullptr if unknown.
  const Commit* Resolve(const std::string& revision) const;
};

struct User {
  std::string name;
  std::string fullname;
  std::vector<std::string> orgs;
};

struct Token {
  std::string value;
  std::string user;
  std::string name;  // display name, used in the expired-token message
  TokenRole role = TokenRole::kRead;
  TokenState state = TokenState::kValid;
  std::optional<std::int64_t> expires_at;  // unix seconds; expired from then on
  bool gated_scope = true;                 // fine-grained: may read gated repos it was granted
  std::int64_t created_at = 0;
};

enum class CdnFlavour { kCloudFront, kS3 };
const char* CdnFlavourName(CdnFlavour f);
std::optional<CdnFlavour> ParseCdnFlavour(const std::string& s);

// The Xet path's settings ("xet" in a world file).
struct XetOptions {
  std::uint32_t chunk_size = 64 * 1024;   // bytes, at most 128 KiB
  std::uint64_t xorb_size = 64ull << 20;  // serialized bytes of a xorb, at most
  std::int64_t token_ttl = 3600;          // CAS access token validity, seconds
  std::int64_t url_ttl = 3600;            // presigned xorb URL validity, seconds
  bool multirange = false;                // v2: several ranges per xorb URL
};

struct HubOptions {
  std::size_t tree_page_size = 1000;
  // The modern Hub answers a regular file with a relative 307 to
  // /api/resolve-cache/...; older deployments (and most mirrors) answer 200.
  bool resolve_cache_redirect = false;
  // Validity of signed CDN URLs, seconds.
  std::int64_t cdn_url_ttl = 3600;
  CdnFlavour cdn_flavour = CdnFlavour::kCloudFront;
  XetOptions xet;
};

struct World {
  HubOptions options;
  std::optional<std::int64_t> clock_start;  // unix seconds; default: real now
  std::map<std::string, User> users;
  std::map<std::string, Token> tokens;  // value -> token
  // Keyed by (type, id).
  std::map<std::pair<RepoType, std::string>, Repo> repos;
  // Old id -> new id, per type: the old id answers with a relative 307.
  std::map<std::pair<RepoType, std::string>, std::string> renames;
  // The CDN's index of the objects above (object_store.h); rebuilt by the
  // loader and by every HubState change.
  std::shared_ptr<const ObjectStore> objects;
  // The Xet files, xorbs and reconstructions (xet.h); rebuilt with objects.
  std::shared_ptr<const XetIndex> xet;

  const Repo* FindRepo(RepoType type, const std::string& id) const;
  Repo* FindRepo(RepoType type, const std::string& id);
  const std::string* RenamedTo(RepoType type, const std::string& id) const;
  // The repo under `id`, or under the id it was renamed to (renames always
  // point at the newest id). What a client that follows the 307 ends up at.
  const Repo* FindRepoFollowingRenames(RepoType type, const std::string& id) const;
  const Token* FindToken(const std::string& value) const;
  const User* FindUser(const std::string& name) const;
};

bool IsCommitSha(const std::string& s);

}  // namespace mockhub
