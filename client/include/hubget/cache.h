// The huggingface_hub cache layout, in one place, so Python tools read what
// hubget writes and the reverse:
//   <root>/CACHEDIR.TAG
//   <root>/.locks/<repo folder>/<etag>.lock
//   <root>/<repo folder>/blobs/<etag>[.incomplete]
//   <root>/<repo folder>/snapshots/<commit>/<path> -> ../../blobs/<etag>
//   <root>/<repo folder>/refs/<rev>       (no trailing newline)
//   <root>/<repo folder>/.no_exist/<commit>/<path>
//   <root>/<repo folder>/trees/<commit>.json  (the file list of a snapshot)
// and, for --local-dir, huggingface_hub's layout inside that directory:
//   <dir>/<path>
//   <dir>/.cache/huggingface/download/<path>.metadata  (commit, etag, time)
//   <dir>/.cache/huggingface/download/<path>.lock
//   <dir>/.cache/huggingface/download/<path>.<etag>.incomplete
#pragma once

#include <optional>
#include <string>

#include "hubget/repo.h"
#include "hubget/result.h"

namespace hubget {

class Environment;

// HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub (HF_HOME as
// ResolveHfHome in environment.h finds it).
std::string DefaultCacheDir(const Environment& env);

class CacheLayout {
 public:
  explicit CacheLayout(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }

  std::string RepoDir(const RepoId& repo) const;
  std::string BlobPath(const RepoId& repo, const std::string& etag) const;
  std::string IncompletePath(const RepoId& repo, const std::string& etag) const;
  std::string SnapshotDir(const RepoId& repo, const std::string& commit) const;
  std::string SnapshotPath(const RepoId& repo, const std::string& commit,
                           const std::string& path) const;
  std::string RefPath(const RepoId& repo, const std::string& revision) const;
  std::string NoExistPath(const RepoId& repo, const std::string& commit,
                          const std::string& path) const;
  std::string LockPath(const RepoId& repo, const std::string& etag) const;
  std::string TreePath(const RepoId& repo, const std::string& commit) const;

  // refs/<rev> content, or nullopt (also for a revision that is no ref name).
  std::optional<std::string> ReadRef(const RepoId& repo, const std::string& revision) const;
  // Atomic (tmp + rename), no trailing newline, skipped when unchanged. A
  // revision that is no ref name (ValidateRefName) is kInvalidArgument, a
  // commit that is no 40-hex id kNotAHub; nothing is written then.
  Status WriteRef(const RepoId& repo, const std::string& revision, const std::string& commit) const;
  // The commit a revision points at in the cache: the revision itself when
  // it is a sha, else refs/<rev>.
  std::optional<std::string> CachedCommit(const RepoId& repo, const std::string& revision) const;
  // snapshots/<commit>/<path> when it exists (and resolves), else nullopt.
  std::optional<std::string> CachedFile(const RepoId& repo, const std::string& revision,
                                        const std::string& path) const;
  // snapshots/<commit>/<path> -> relative path to blobs/<etag>, replacing
  // whatever is there.
  Status LinkSnapshot(const RepoId& repo, const std::string& commit, const std::string& path,
                      const std::string& etag) const;
  Status MarkNoExist(const RepoId& repo, const std::string& commit, const std::string& path) const;
  // Atomic (tmp + rename), as every file below that has content: on a full
  // disk the write fails (kIo) and leaves nothing under the final name.
  Status EnsureCacheDirTag() const;
  // trees/<commit>.json content, or nullopt.
  std::optional<std::string> ReadTree(const RepoId& repo, const std::string& commit) const;
  // Atomic (tmp + rename).
  Status WriteTree(const RepoId& repo, const std::string& commit, const std::string& json) const;

 private:
  std::string root_;
};

// The --local-dir layout (see the top of this file): the file at its repo
// path, its metadata, lock and partial download beside the others.
class LocalDirLayout {
 public:
  struct Metadata {
    std::string commit;
    std::string etag;
  };

  explicit LocalDirLayout(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }

  std::string FilePath(const std::string& path) const;
  std::string MetadataDir() const;
  std::string MetadataPath(const std::string& path) const;
  std::string LockPath(const std::string& path) const;
  std::string IncompletePath(const std::string& path, const std::string& etag) const;

  // The metadata file's commit and etag lines, or nullopt.
  std::optional<Metadata> ReadMetadata(const std::string& path) const;
  // commit, etag and the current time, one per line, as huggingface_hub;
  // atomic (tmp + rename).
  Status WriteMetadata(const std::string& path, const std::string& commit,
                       const std::string& etag) const;

 private:
  std::string root_;
};

// mkdir -p.
Status MakeDirs(const std::string& dir);
// The last line of defence of every write: `path`, once normalised
// lexically ("a/../b" is "b"), names something strictly inside `root`
// (normalised the same way); else kInvalidArgument naming both. The names
// that make up cache paths are checked before (repo id, file path, ref
// name, ETag, commit); this catches whatever they may miss.
Status CheckContained(const std::string& root, const std::string& path);
// Strips W/ and quotes like huggingface_hub: W/"abc" -> abc.
std::string NormalizeEtag(const std::string& etag);

}  // namespace hubget
