// Download of one file: the commit-sha short circuit, offline answers, the
// HEAD (with cached-copy fallback), then blob reuse or a locked, resumable,
// verified fetch renamed into blobs/<etag> and linked from the snapshot.
// Also the --local-dir variant with its .cache/huggingface/download files.
#include <filesystem>

#include "cache/file_lock.h"
#include "client_impl.h"
#include "fetch/blob_fetch.h"
#include "hub/metadata.h"
#include "hubget/url.h"

namespace fs = std::filesystem;

namespace hubget {
namespace {

bool Exists(const std::string& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// How a fetch asks for a fresh CDN URL (after a CDN 403), reports progress
// and is cancelled; the same for the cache and for --local-dir. A fresh URL
// for different content (the file changed on the Hub meanwhile) is refused,
// so a resume never glues two versions together.
FetchHooks MakeFetchHooks(Session& session, const std::string& url, const CallContext& ctx,
                          const RetryPolicy& retry, const std::string& etag,
                          const DownloadOptions& options, const std::atomic<bool>* stop) {
  FetchHooks hooks;
  hooks.progress = options.progress;
  hooks.cancel = CancelToken(options.cancel, stop);
  hooks.refresh_location = [&session, url, ctx, retry, etag]() -> Result<std::string> {
    auto again = HeadFile(session, url, ctx, retry);
    if (!again) return again.error();
    if (again->etag != etag) {
      return session.Decorate(
          MakeError(Kind::kHttp, "the file changed on the Hub during the download; retry"), url,
          ctx);
    }
    return again->location;
  };
  return hooks;
}

// The bytes of `m` into `target`: through Xet when the metadata carries
// it and Xet is not disabled, else a GET of the Location (for a Xet file:
// the bridge, as huggingface_hub without hf_xet does).
Result<FetchResult> FetchBlob(Client::Impl& im, const FileMetadata& m, const FetchTarget& target,
                              const FetchHooks& hooks, const CallContext& ctx,
                              DownloadResult& out) {
  if (im.config.disable_xet) return FetchToPartial(im.session, target, hooks, ctx);
  std::string problem;
  if (auto xet = FetchXetFile(*im.xet, im.session, m.headers, target, hooks, ctx, &problem)) {
    out.xet = true;
    return std::move(*xet);
  }
  if (!problem.empty()) {
    const auto where = ParseUrl(m.location);
    im.Warn(out.warnings, problem + "; downloading '" + ctx.path + "' from " +
                              (where ? where->host : std::string("the resolve redirect")) +
                              " without Xet");
  }
  return FetchToPartial(im.session, target, hooks, ctx);
}

// A cached copy as the answer: offline, a commit sha already cached, or a
// HEAD that failed in a way the cached copy survives.
DownloadResult CachedAnswer(const CacheLayout& cache, const RepoId& repo, const std::string& rev,
                            const std::string& cached_path) {
  DownloadResult out;
  out.path = cached_path;
  out.commit = cache.CachedCommit(repo, rev).value_or("");
  out.from_cache = true;
  return out;
}

// Every path this download may write in the cache, checked to be inside it
// (cache.h, CheckContained) before the first of them is.
Status CheckCachePaths(const CacheLayout& cache, const RepoId& repo, const std::string& path,
                       const std::string& commit, const std::string& etag) {
  for (const std::string& p : {cache.SnapshotPath(repo, commit, path), cache.BlobPath(repo, etag),
                               cache.IncompletePath(repo, etag), cache.LockPath(repo, etag)}) {
    if (auto s = CheckContained(cache.root(), p); !s) return s;
  }
  return OkStatus();
}

// The same for --local-dir: the file, its metadata, lock and partial.
Status CheckLocalDirPaths(const LocalDirLayout& layout, const std::string& path,
                          const std::string& etag) {
  for (const std::string& p : {layout.FilePath(path), layout.MetadataPath(path),
                               layout.LockPath(path), layout.IncompletePath(path, etag)}) {
    if (auto s = CheckContained(layout.root(), p); !s) return s;
  }
  return OkStatus();
}

}  // namespace

Error OfflineNotCached(const RepoId& repo, const std::string& revision, const std::string& path,
                       std::string detail, const std::string& endpoint) {
  Error e = MakeError(Kind::kOfflineNotCached, std::move(detail));
  e.call.repo = repo.id;
  e.call.repo_type = RepoTypeName(repo.type);
  e.call.revision = revision;
  e.call.path = path;
  e.call.endpoint = endpoint;
  return e;
}

bool DegradesToCache(Kind kind) {
  return kind == Kind::kNetwork || kind == Kind::kTimeout || kind == Kind::kServerError ||
         kind == Kind::kRateLimited || kind == Kind::kInvalidToken || kind == Kind::kTokenExpired ||
         kind == Kind::kNotAHub;
}

Result<DownloadResult> Client::Download(const std::string& repo, const std::string& path,
                                        const DownloadOptions& options) {
  if (auto s = ValidateRepoId(repo); !s) return s.error();
  auto r = impl_->DownloadFile(RepoId{repo, options.repo_type}, path, options, nullptr);
  if (!r) return ExplainGatedRefusal(*this, r.error());
  return r;
}

Result<DownloadResult> Client::Impl::DownloadFile(const RepoId& repo, const std::string& path,
                                                  const DownloadOptions& options,
                                                  const std::atomic<bool>* stop) {
  if (auto s = ValidateRepoPath(path); !s) return s.error();
  // Before any request: it becomes refs/<revision> on disk.
  if (auto s = ValidateRefName(options.revision); !s) return s.error();
  if (!options.local_dir.empty()) return DownloadToLocalDir(repo, path, options, stop);
  return DownloadToCache(repo, path, options, stop);
}

Result<DownloadResult> Client::Impl::DownloadToCache(const RepoId& repo, const std::string& path,
                                                     const DownloadOptions& options,
                                                     const std::atomic<bool>* stop) {
  const std::string& rev = options.revision;
  const CallContext ctx{repo, rev, path};
  const auto cached = options.force ? std::nullopt : cache.CachedFile(repo, rev, path);
  // A commit sha already in the cache needs no request at all.
  if (cached && IsCommitSha(rev)) return CachedAnswer(cache, repo, rev, *cached);
  if (config.offline) {
    if (cached) return CachedAnswer(cache, repo, rev, *cached);
    return OfflineNotCached(repo, rev, path, "", config.endpoint);
  }

  // HEAD: one quick round when a cached copy could answer instead.
  const std::string url = ResolveUrl(config.endpoint, repo, rev, path);
  std::string missing_commit;
  auto meta =
      HeadFile(session, url, ctx, cached ? RetryPolicy::None() : config.retry, &missing_commit);
  if (!meta) {
    const Error& err = meta.error();
    if (err.kind == Kind::kEntryNotFound && IsCommitSha(missing_commit)) {
      (void)cache.MarkNoExist(repo, missing_commit, path);
      if (rev != missing_commit) (void)cache.WriteRef(repo, rev, missing_commit);
    }
    if (cached && DegradesToCache(err.kind)) {
      DownloadResult out = CachedAnswer(cache, repo, rev, *cached);
      Warn(out.warnings,
           "could not check '" + path + "' for updates, using the cached copy: " + err.Message());
      return out;
    }
    return err;
  }
  const FileMetadata& m = meta.value();
  if (auto s = CheckCachePaths(cache, repo, path, m.commit, m.etag); !s) return s.error();
  DownloadResult out;
  out.commit = m.commit;
  out.etag = m.etag;
  if (auto s = cache.EnsureCacheDirTag(); !s) return s.error();
  if (rev != m.commit) {
    if (auto s = cache.WriteRef(repo, rev, m.commit); !s) return s.error();
  }
  const std::string pointer = cache.SnapshotPath(repo, m.commit, path);
  const std::string blob = cache.BlobPath(repo, m.etag);
  if (!options.force && Exists(pointer) && Exists(blob)) {
    out.path = pointer;
    out.from_cache = true;
    return out;
  }
  if (auto s = MakeDirs(cache.RepoDir(repo) + "/blobs"); !s) return s.error();

  // One process per blob downloads; the others wait, then reuse it.
  auto lock = FileLock::Acquire(cache.LockPath(repo, m.etag));
  if (!lock) return lock.error();
  if (options.force || !Exists(blob)) {
    const std::string partial = cache.IncompletePath(repo, m.etag);
    if (options.force) {
      std::error_code ec;
      fs::remove(partial, ec);
    }
    FetchTarget target{m.location, m.etag, m.size, partial, blob};
    FetchHooks hooks = MakeFetchHooks(session, url, ctx, config.retry, m.etag, options, stop);
    auto fetched = FetchBlob(*this, m, target, hooks, ctx, out);
    if (!fetched) return fetched.error();
    out.sha256 = fetched->sha256;
  } else {
    out.from_cache = true;
  }
  if (auto s = cache.LinkSnapshot(repo, m.commit, path, m.etag); !s) return s.error();
  out.path = pointer;
  return out;
}

Result<DownloadResult> Client::Impl::DownloadToLocalDir(const RepoId& repo, const std::string& path,
                                                        const DownloadOptions& options,
                                                        const std::atomic<bool>* stop) {
  const std::string& rev = options.revision;
  const CallContext ctx{repo, rev, path};
  const LocalDirLayout layout(options.local_dir);
  const std::string dest = layout.FilePath(path);
  const auto local = layout.ReadMetadata(path);
  const bool have = Exists(dest) && !options.force;
  DownloadResult out;
  out.path = dest;

  if (have && local && IsCommitSha(rev) && local->commit == rev) {
    out.commit = rev;
    out.etag = local->etag;
    out.from_cache = true;
    return out;
  }
  if (config.offline) {
    if (have) {
      out.from_cache = true;
      return out;
    }
    return OfflineNotCached(repo, rev, path, "not in " + options.local_dir, config.endpoint);
  }
  const std::string url = ResolveUrl(config.endpoint, repo, rev, path);
  auto meta = HeadFile(session, url, ctx, have ? RetryPolicy::None() : config.retry);
  if (!meta) {
    if (have && DegradesToCache(meta.error().kind)) {
      out.from_cache = true;
      Warn(out.warnings, "could not check '" + path +
                             "' for updates, using the local copy: " + meta.error().Message());
      return out;
    }
    return meta.error();
  }
  const FileMetadata& m = meta.value();
  if (auto s = CheckLocalDirPaths(layout, path, m.etag); !s) return s.error();
  out.commit = m.commit;
  out.etag = m.etag;
  if (have && local && local->etag == m.etag) {
    out.from_cache = true;
    if (local->commit != m.commit) (void)layout.WriteMetadata(path, m.commit, m.etag);
    return out;
  }
  const std::string meta_path = layout.MetadataPath(path);
  if (auto s = MakeDirs(fs::path(meta_path).parent_path().string()); !s) return s.error();
  if (auto s = MakeDirs(fs::path(dest).parent_path().string()); !s) return s.error();
  auto lock = FileLock::Acquire(layout.LockPath(path));
  if (!lock) return lock.error();
  FetchTarget target{m.location, m.etag, m.size, layout.IncompletePath(path, m.etag), dest};
  FetchHooks hooks = MakeFetchHooks(session, url, ctx, config.retry, m.etag, options, stop);
  auto fetched = FetchBlob(*this, m, target, hooks, ctx, out);
  if (!fetched) return fetched.error();
  out.sha256 = fetched->sha256;
  if (auto s = layout.WriteMetadata(path, m.commit, m.etag); !s) return s.error();
  return out;
}

}  // namespace hubget
