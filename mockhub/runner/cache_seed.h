// Writes the huggingface_hub cache layout for files a scenario says are
// already cached (or partially downloaded) before its first step. It is an
// independent implementation of the layout, so it also checks hubget's.
#pragma once

#include <string>
#include <vector>

#include "mockhub/base/status.h"
#include "mockhub/runner/scenario.h"

namespace mockhub::runner {

// "models--org--name".
std::string RepoFolder(RepoType type, const std::string& repo);
// The blob name a client stores: sha256 for LFS files, the git blob sha1 otherwise.
std::string BlobEtag(const RepoFile& f);
Status SeedCache(const std::string& hub_cache, const World& world,
                 const std::vector<CachedFile>& files);

}  // namespace mockhub::runner
