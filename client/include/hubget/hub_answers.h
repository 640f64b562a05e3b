// The Hub API's answers as values: a repo's info, a tree listing's entry,
// whoami. Parsed by src/hub/api_json.cc, returned by Client::Info,
// ListFiles and Whoami.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hubget {

struct RepoInfo {
  std::string id;
  std::string sha;
  bool is_private = false;
  std::string gated;  // "", "auto", "manual"
  bool disabled = false;
  std::vector<std::string> files;  // siblings[].rfilename
};

struct TreeEntry {
  std::string path;
  std::uint64_t size = 0;
  std::string blob_id;     // git blob sha1 ("oid")
  std::string lfs_sha256;  // "" for regular files
  std::uint64_t lfs_size = 0;
};

struct WhoAmI {
  std::string name;
  std::string type;
  std::vector<std::string> orgs;
  std::string token_name;
  std::string token_role;
  // A fine-grained token's "Read access to contents of all public gated
  // repos you can access" (auth.accessToken.fineGrained.canReadGatedRepos);
  // unset for other tokens or when the Hub does not say.
  std::optional<bool> can_read_gated_repos;
  bool fine_grained() const { return token_role == "fineGrained"; }
};

}  // namespace hubget
