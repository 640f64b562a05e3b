// Snapshot download: the commit from /revision/{rev}, the file list from
// trees/<commit>.json when cached, else /tree/{commit} (then cached, as
// huggingface_hub >= 1.22 does), include/exclude filtering, then a pool of
// workers calling the single-file download with the commit sha; the first
// hard error stops the others and is the result.
#include <algorithm>
#include <filesystem>
#include <thread>

#include "client_impl.h"
#include "hub/api_json.h"
#include "hubget/patterns.h"

namespace fs = std::filesystem;

namespace hubget {
namespace {

// Files under snapshots/<commit> (offline answers), relative, sorted.
std::vector<std::string> ListSnapshotDir(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    // lexically: fs::relative would resolve the symlink into blobs/.
    if (it->is_regular_file(ec)) out.push_back(it->path().lexically_relative(dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// trees/<commit>.json, when it is readable and every path in it is safe. A
// cache that lists "../x" was not written by a Hub client: it is ignored (the
// tree is listed again online; offline, the snapshot folder is the truth).
std::optional<std::vector<TreeEntry>> ReadCachedTree(const CacheLayout& cache, const RepoId& repo,
                                                     const std::string& commit) {
  const auto text = cache.ReadTree(repo, commit);
  auto entries = text ? ParseTreeCache(*text) : std::nullopt;
  if (!entries) return std::nullopt;
  for (const auto& e : *entries) {
    if (!ValidateRepoPath(e.path)) return std::nullopt;
  }
  return entries;
}

// The cached snapshot of `commit`, listed from its folder (not for
// --local-dir, which has no snapshot folder).
std::optional<SnapshotResult> FromCache(const CacheLayout& cache, const RepoId& repo,
                                        const std::string& commit, const SnapshotOptions& options) {
  const std::string dir = cache.SnapshotDir(repo, commit);
  std::error_code ec;
  if (!options.local_dir.empty() || !fs::is_directory(dir, ec)) return std::nullopt;
  SnapshotResult r;
  r.folder = dir;
  r.commit = commit;
  for (const auto& p : ListSnapshotDir(dir)) {
    if (PathSelected(p, options.include, options.exclude))
      r.files.push_back({p, dir + "/" + p, "", false});
  }
  return r;
}

// Selected files the cached tree lists but the snapshot folder lacks.
std::vector<std::string> MissingFromCache(const CacheLayout& cache, const RepoId& repo,
                                          const std::string& commit,
                                          const SnapshotOptions& options) {
  std::vector<std::string> missing;
  const auto entries = ReadCachedTree(cache, repo, commit);
  if (!entries) return missing;
  for (const auto& e : *entries) {
    if (!PathSelected(e.path, options.include, options.exclude)) continue;
    if (!cache.CachedFile(repo, commit, e.path)) missing.push_back(e.path);
  }
  return missing;
}

// Offline: the cached snapshot when the cached tree shows it complete.
Result<SnapshotResult> OfflineSnapshot(const Client::Impl& im, const RepoId& repo,
                                       const std::string& rev, const SnapshotOptions& options) {
  std::string detail = "no cached snapshot";
  if (auto commit = im.cache.CachedCommit(repo, rev)) {
    const auto missing = MissingFromCache(im.cache, repo, *commit, options);
    if (missing.empty()) {
      if (auto r = FromCache(im.cache, repo, *commit, options)) return *r;
    } else {
      detail = "the cached snapshot is incomplete: " + std::to_string(missing.size()) +
               " file(s) missing, e.g. '" + missing.front() + "'";
    }
  }
  return OfflineNotCached(repo, rev, "", detail, im.config.endpoint);
}

// Downloads `files` at `commit` on a pool of workers into out.files; the
// first hard error stops the others and is the result.
Status DownloadAll(Client::Impl& im, const RepoId& repo, const std::string& commit,
                   const std::vector<TreeEntry>& files, const SnapshotOptions& options,
                   SnapshotResult& out) {
  out.files.resize(files.size());
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::optional<Error> first_error;
  const int workers = std::max(
      1, std::min<int>(options.max_workers > 0 ? options.max_workers : im.config.max_workers,
                       static_cast<int>(std::max<std::size_t>(files.size(), 1))));
  auto work = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= files.size() || stop.load()) return;
      if (options.cancel != nullptr && options.cancel->load()) stop = true;
      DownloadOptions d;
      d.repo_type = options.repo_type;
      d.revision = commit;
      d.local_dir = options.local_dir;
      d.force = options.force;
      d.progress = options.progress;
      d.cancel = options.cancel;
      auto r = im.DownloadFile(repo, files[i].path, d, &stop);
      std::lock_guard<std::mutex> lock(mu);
      if (!r) {
        // The first hard error wins; later ones are mostly "cancelled".
        if (!first_error) first_error = r.error();
        stop = true;
        return;
      }
      out.files[i] = {files[i].path, r->path, r->sha256, r->xet};
      if (options.file_done) options.file_done(files[i].path, files[i].size, r->from_cache);
      for (auto& w : r->warnings) out.warnings.push_back(std::move(w));
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (first_error) return *first_error;
  return OkStatus();
}

// The cached snapshot of `rev` when the Hub's answer about it failed in a
// way the cache survives, with a warning saying how it failed.
std::optional<SnapshotResult> CachedAfterFailure(Client::Impl& im, const RepoId& repo,
                                                 const std::string& rev,
                                                 const SnapshotOptions& options, const Error& e) {
  const auto cached = im.cache.CachedCommit(repo, rev);
  if (!cached || !DegradesToCache(e.kind)) return std::nullopt;
  auto r = FromCache(im.cache, repo, *cached, options);
  if (!r) return std::nullopt;
  // A 401 or a 5xx is an answer: "could not reach" only when none came.
  const std::string why = e.kind == Kind::kNetwork || e.kind == Kind::kTimeout
                              ? "could not reach the Hub"
                              : "could not check the Hub for a newer commit";
  im.Warn(r->warnings, why + ", using the cached snapshot: " + e.Message());
  return r;
}

}  // namespace

Result<SnapshotResult> Client::Snapshot(const std::string& repo_id,
                                        const SnapshotOptions& options) {
  if (auto s = ValidateRepoId(repo_id); !s) return s.error();
  const RepoId repo{repo_id, options.repo_type};
  const std::string rev = options.revision.empty() ? "main" : options.revision;
  // Before any request: it becomes refs/<revision> on disk.
  if (auto s = ValidateRefName(rev); !s) return s.error();
  Impl& im = *impl_;
  SnapshotResult out;
  if (im.config.offline) return OfflineSnapshot(im, repo, rev, options);

  std::string commit = rev;
  if (!IsCommitSha(rev)) {
    auto info = Info(repo_id, options.repo_type, rev);
    if (!info) {
      if (auto r = CachedAfterFailure(im, repo, rev, options, info.error())) return *r;
      return info.error();
    }
    if (!IsCommitSha(info->sha)) {
      return im.session.Decorate(MakeError(Kind::kNotAHub, "the repo info has no 40-hex 'sha'"),
                                 im.config.endpoint, {repo, rev, ""});
    }
    commit = info->sha;
  }

  // A commit's file list never changes: list once, then read the cache.
  std::optional<std::vector<TreeEntry>> cached_tree;
  if (options.local_dir.empty()) {
    cached_tree = ReadCachedTree(im.cache, repo, commit);
  }
  const bool listed = !cached_tree;
  Result<std::vector<TreeEntry>> listing =
      cached_tree ? Result<std::vector<TreeEntry>>(std::move(*cached_tree))
                  : ListFiles(repo_id, options.repo_type, commit);
  if (!listing) return listing.error();
  std::vector<TreeEntry> files;
  for (auto& e : listing.value()) {
    if (auto s = ValidateRepoPath(e.path); !s) {
      Error err = s.error();
      err.detail = "the server listed an unsafe path: " + err.detail;
      return im.session.Decorate(err, im.config.endpoint, {repo, commit, ""});
    }
    if (PathSelected(e.path, options.include, options.exclude)) files.push_back(e);
  }

  if (options.local_dir.empty()) {
    if (listed) {
      if (auto s = im.cache.WriteTree(repo, commit, TreeCacheJson(listing.value())); !s) {
        return s.error();
      }
    }
    if (rev != commit) {
      if (auto s = im.cache.WriteRef(repo, rev, commit); !s) return s.error();
    }
    if (auto s = MakeDirs(im.cache.SnapshotDir(repo, commit)); !s) return s.error();
    out.folder = im.cache.SnapshotDir(repo, commit);
  } else {
    if (auto s = MakeDirs(options.local_dir); !s) return s.error();
    out.folder = options.local_dir;
  }
  out.commit = commit;
  if (options.plan) {
    std::uint64_t bytes = 0;
    for (const auto& f : files) bytes += f.size;
    options.plan(static_cast<int>(files.size()), bytes);
  }
  if (auto s = DownloadAll(im, repo, commit, files, options, out); !s) {
    return ExplainGatedRefusal(*this, s.error());
  }
  if (options.cancel != nullptr && options.cancel->load()) {
    return MakeError(Kind::kCancelled, "snapshot of " + repo_id);
  }
  return out;
}

}  // namespace hubget
