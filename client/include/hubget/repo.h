// Repository identity: id plus type, with the URL and cache-folder spellings
// huggingface_hub derives from them.
#pragma once

#include <optional>
#include <string>

#include "hubget/result.h"

namespace hubget {

enum class RepoType { kModel, kDataset, kSpace };

struct RepoId {
  std::string id;  // "org/name" or "name"
  RepoType type = RepoType::kModel;
};

const char* RepoTypeName(RepoType type);  // "model", "dataset", "space"
std::optional<RepoType> ParseRepoType(const std::string& name);
// URL prefix of resolve URLs: "", "datasets/", "spaces/".
std::string RepoUrlPrefix(RepoType type);
// "models--org--name".
std::string RepoFolderName(const RepoId& repo);

// Rejects empty ids, more than one '/', "..", whitespace and backslashes.
Status ValidateRepoId(const std::string& id);
// Rejects "", absolute paths, ".." segments, backslashes, NUL and drive
// letters: a path from the command line or from the server's tree listing.
Status ValidateRepoPath(const std::string& path);

// A branch, tag or other revision name, checked as `git check-ref-format
// --allow-onelevel` does (plus no leading '-', as for a branch): no '..',
// '//', '@{', leading or trailing '/', trailing '.', a component that
// begins with '.' or ends with '.lock', control characters, space,
// '~^:?*[\', nor "@" alone. "main", "v1.0" and "refs/pr/1" pass; "../x"
// does not. It becomes refs/<revision> in the cache.
Status ValidateRefName(const std::string& revision);

// 40 lower-case hex characters.
bool IsCommitSha(const std::string& revision);

}  // namespace hubget
