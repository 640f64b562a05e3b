// The hubget API: a client configured from the environment (with explicit
// overrides) that downloads files and snapshots into the huggingface_hub
// cache, and answers repo info, whoami and doctor. All results are values.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hubget/client_config.h"
#include "hubget/clock.h"
#include "hubget/environment.h"
#include "hubget/file_progress.h"
#include "hubget/http.h"
#include "hubget/hub_answers.h"
#include "hubget/repo.h"
#include "hubget/result.h"
#include "hubget/retry.h"
#include "hubget/token.h"

namespace hubget {

struct ConfigOverrides {
  std::optional<std::string> endpoint;
  TokenOverrides token;
  std::optional<std::string> cache_dir;
  std::optional<int> max_workers;
  bool no_xet = false;  // --no-xet
};

// Reads HF_ENDPOINT, the token variables and files, HF_HUB_CACHE / HF_HOME,
// HF_HUB_OFFLINE, HF_HUB_ETAG_TIMEOUT, HF_HUB_DOWNLOAD_TIMEOUT,
// HF_HUB_DISABLE_XET.
ClientConfig ResolveConfig(const Environment& env, const ConfigOverrides& overrides);

// A snapshot's selection, once listed: how many files, how many bytes.
using PlanCallback = std::function<void(int files, std::uint64_t bytes)>;
// A snapshot's file is in place; `from_cache` when no byte was transferred.
using FileDoneCallback =
    std::function<void(const std::string& path, std::uint64_t size, bool from_cache)>;
using WarningCallback = std::function<void(const std::string&)>;

struct DownloadOptions {
  RepoType repo_type = RepoType::kModel;
  std::string revision = "main";
  std::string local_dir;  // "" = cache mode
  bool force = false;     // ignore cached files
  ProgressCallback progress;
  const std::atomic<bool>* cancel = nullptr;
};

struct DownloadResult {
  std::string path;  // local file (snapshot symlink or local_dir file)
  std::string commit;
  std::string etag;
  std::string sha256;       // "" unless the etag is a sha256 that was verified
  bool from_cache = false;  // no byte was transferred
  bool xet = false;         // fetched through the Xet protocol in this call
  std::vector<std::string> warnings;
};

struct SnapshotOptions {
  RepoType repo_type = RepoType::kModel;
  std::string revision = "main";
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string local_dir;
  int max_workers = 0;  // 0 = config
  bool force = false;   // download even what is cached (--force-download)
  ProgressCallback progress;
  PlanCallback plan;
  FileDoneCallback file_done;
  const std::atomic<bool>* cancel = nullptr;
};

struct SnapshotFile {
  std::string path;    // inside the repo
  std::string local;   // local file
  std::string sha256;  // "" when not an LFS file
  bool xet = false;    // fetched through the Xet protocol in this call
};

struct SnapshotResult {
  std::string folder;  // snapshots/<commit> or local_dir
  std::string commit;
  std::vector<SnapshotFile> files;
  std::vector<std::string> warnings;
};

// What a download would do (--dry-run): each selected file, its size, and
// whether it is already in place (then it would not be fetched).
struct PlannedFile {
  std::string path;
  std::uint64_t size = 0;
  bool cached = false;
};

struct DryRunResult {
  std::string commit;
  std::vector<PlannedFile> files;
};

// `hubget doctor`: the troubleshooting list people follow by hand after a
// 401, as a checklist: one finding per check, a plain-words fix on each that
// is not ok, and one conclusion said first. Produced by Client::Doctor.
struct Finding {
  enum class Level { kOk, kWarn, kFail, kSkip };  // kSkip: the check does not apply
  Level level = Level::kSkip;
  std::string topic;  // "endpoint", "token", "whoami", "clock", "repo", "file", "cdn"
  std::string text;   // what was found
  std::string fix;    // what to do, "" when nothing
};

const char* LevelName(Finding::Level level);  // "ok", "warn", "fail", "skip"

struct DoctorReport {
  // The verdict, e.g. "the token from the HF_TOKEN environment variable is
  // the only problem: org/x is public", and what to do about it ("" when
  // nothing needs doing).
  std::string conclusion;
  std::string conclusion_fix;
  std::vector<Finding> findings;
  bool ok() const {
    for (const auto& f : findings) {
      if (f.level == Finding::Level::kFail) return false;
    }
    return true;
  }
};

class Client {
 public:
  Client(ClientConfig config, std::shared_ptr<HttpTransport> transport,
         std::shared_ptr<Clock> clock = nullptr);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // From the process environment, with libcurl and the system clock.
  static Client FromEnvironment(const ConfigOverrides& overrides = {});

  const ClientConfig& config() const;
  void SetWarningCallback(WarningCallback callback);
  // Said before each wait between retries of a second or more (a server's
  // Retry-After or RateLimit, or backoff), from the thread that waits: a
  // person sees why nothing moves. Set before any call.
  void SetRetryWaitCallback(RetryWaitCallback callback);
  // Once `*interrupt` is true (the CLI's Ctrl-C), a wait between retries
  // ends at once and its call fails as cancelled, the partial file kept.
  // Set before any call; the flag must outlive the client.
  void SetInterrupt(const std::atomic<bool>* interrupt);

  Result<DownloadResult> Download(const std::string& repo, const std::string& path,
                                  const DownloadOptions& options = {});
  Result<SnapshotResult> Snapshot(const std::string& repo, const SnapshotOptions& options = {});
  // The plan of a download of `files` (none: the snapshot's selection by
  // options.include/exclude); fetches no file and writes nothing.
  Result<DryRunResult> DryRun(const std::string& repo, const SnapshotOptions& options,
                              const std::vector<std::string>& files);
  // GET /api/{type}s/{repo}[/revision/{rev}].
  Result<RepoInfo> Info(const std::string& repo, RepoType type = RepoType::kModel,
                        const std::string& revision = "");
  // GET /api/{type}s/{repo}/tree/{rev}?recursive=true&expand=false, all pages.
  Result<std::vector<TreeEntry>> ListFiles(const std::string& repo, RepoType type,
                                           const std::string& revision);
  // GET /api/whoami-v2 with the configured token.
  Result<WhoAmI> Whoami();
  // Checks endpoint, token (source, whoami, expiry), clock skew and, when
  // given, the repo's visibility and the file's CDN hop. `env` is used to
  // point out tokens shadowed by others (HF_TOKEN over the token file).
  DoctorReport Doctor(const Environment& env, const std::string& repo = "",
                      RepoType type = RepoType::kModel, const std::string& file = "");

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hubget
