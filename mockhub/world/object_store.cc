// See object_store.h.
#include "mockhub/world/object_store.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "mockhub/http/byte_ranges.h"

namespace mockhub {

std::shared_ptr<const ObjectStore> ObjectStore::Build(const World& world) {
  auto store = std::make_shared<ObjectStore>();
  for (const auto& [key, repo] : world.repos) {
    RepoObjects& objects = store->repos_[key];
    std::set<const Content*> seen;
    for (const auto& [sha, commit] : repo.commits) {
      for (const auto& [path, file] : commit.files) {
        if (!file.lfs) continue;
        auto& named = objects.by_name[Basename(path)];
        if (std::find(named.begin(), named.end(), file.content) == named.end())
          named.push_back(file.content);
        if (seen.insert(file.content.get()).second) objects.all.push_back(file.content);
      }
    }
    store->lfs_count_ += objects.all.size();
  }
  return store;
}

std::shared_ptr<const Content> ObjectStore::FindLfs(RepoType type, const std::string& repo,
                                                    const std::string& sha256,
                                                    const std::string& filename,
                                                    std::shared_ptr<const Content>* hashing) const {
  const auto key = std::make_tuple(type, repo, sha256);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto f = found_.find(key); f != found_.end()) return f->second;
  }
  auto it = repos_.find({type, repo});
  if (it == repos_.end()) return nullptr;
  std::shared_ptr<const Content> hit;
  for (const auto& c : it->second.all) {
    const std::string* known = c->Sha256IfKnown();
    if (known && *known == sha256) {
      hit = c;
      break;
    }
  }
  auto named = it->second.by_name.find(filename);
  if (!hit && named != it->second.by_name.end()) {
    for (const auto& c : named->second) c->Sha256Within(std::chrono::milliseconds(0));  // start all
    const auto deadline = std::chrono::steady_clock::now() + kSha256Wait;
    for (const auto& c : named->second) {
      const std::string* sha = c->Sha256By(deadline);
      if (!sha) {
        if (hashing) *hashing = c;
        continue;
      }
      if (*sha == sha256) {
        hit = c;
        break;
      }
    }
  }
  if (!hit) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  found_.emplace(key, hit);
  return hit;
}

}  // namespace mockhub
