// Client::DryRun (`hubget download --dry-run`, as `hf download --dry-run`):
// what a download would fetch, with sizes and whether each file is in the
// cache (or the local dir) already, from the repo info and the file list
// alone: no file is fetched and nothing is written.
#include <algorithm>
#include <filesystem>

#include "client_impl.h"
#include "hubget/patterns.h"

namespace hubget {

Result<DryRunResult> Client::DryRun(const std::string& repo_id, const SnapshotOptions& options,
                                    const std::vector<std::string>& files) {
  if (auto s = ValidateRepoId(repo_id); !s) return s.error();
  const RepoId repo{repo_id, options.repo_type};
  const std::string rev = options.revision.empty() ? "main" : options.revision;
  if (auto s = ValidateRefName(rev); !s) return s.error();
  DryRunResult out;
  out.commit = rev;
  if (!IsCommitSha(rev)) {
    auto info = Info(repo_id, options.repo_type, rev);
    if (!info) return info.error();
    out.commit = info->sha;
  }
  auto listing = ListFiles(repo_id, options.repo_type, out.commit);
  if (!listing) return listing.error();
  const LocalDirLayout local(options.local_dir);
  for (const std::string& f : files) {
    bool listed = false;
    for (const auto& e : listing.value()) listed = listed || e.path == f;
    if (!listed) {
      Error e = MakeError(Kind::kEntryNotFound, "");
      return impl_->session.Decorate(e, impl_->config.endpoint, {repo, rev, f});
    }
  }
  for (const auto& e : listing.value()) {
    const bool wanted = files.empty()
                            ? PathSelected(e.path, options.include, options.exclude)
                            : std::find(files.begin(), files.end(), e.path) != files.end();
    if (!wanted) continue;
    std::error_code ec;
    const bool present = options.local_dir.empty()
                             ? impl_->cache.CachedFile(repo, out.commit, e.path).has_value()
                             : std::filesystem::exists(local.FilePath(e.path), ec);
    out.files.push_back({e.path, e.size, present && !options.force});
  }
  return out;
}

}  // namespace hubget
