// The objects a CDN site serves, indexed by key when the world loads.
//
// LFS objects live under /repos/{types}/{repo id}/{sha256}, as on the Hub's
// CDN. Indexing them by sha256 at load would hash every file, including the
// 10 GiB ones nobody asks for; instead the index holds each repo's LFS
// objects (and, per file name, the candidates), and a lookup compares only
// hashes that are already known: the hub computed the sha256 of the object
// when it signed the URL. Only a URL signed by an earlier process (a reused
// --signing-key) makes the store hash, and then only the objects of that
// file name, never longer than a request may wait (content.h). A key found once is answered from a
// map afterwards. Later sites (Xet xorbs) add their own keys here.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "mockhub/http/content.h"
#include "mockhub/world/world.h"

namespace mockhub {

class ObjectStore {
 public:
  // Walks the world's files once; never reads or hashes content.
  static std::shared_ptr<const ObjectStore> Build(const World& world);

  // The LFS object of repo (type, id) whose sha256 is `sha256`; `filename`
  // is the name the signed URL was made for (a hint, may be ""). nullptr
  // if the repo has no such object, or none yet: a candidate of that name
  // whose sha256 is not known after waiting kSha256Wait (in all) is set in
  // `*hashing` (may be null), so the caller answers 503 rather than 404.
  std::shared_ptr<const Content> FindLfs(RepoType type, const std::string& repo,
                                         const std::string& sha256, const std::string& filename,
                                         std::shared_ptr<const Content>* hashing = nullptr) const;

  std::size_t lfs_objects() const { return lfs_count_; }

 private:
  struct RepoObjects {
    std::vector<std::shared_ptr<const Content>> all;  // distinct contents
    std::map<std::string, std::vector<std::shared_ptr<const Content>>> by_name;
  };
  std::map<std::pair<RepoType, std::string>, RepoObjects> repos_;
  std::size_t lfs_count_ = 0;
  // Found once, found in O(1) after: (type, repo, sha256) -> object.
  mutable std::mutex mu_;
  mutable std::map<std::tuple<RepoType, std::string, std::string>, std::shared_ptr<const Content>>
      found_;
};

}  // namespace mockhub
