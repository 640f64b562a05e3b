// See download_args.h.
#include "download_args.h"

namespace hubget::cli {

DownloadPlan PlanDownload(const DownloadArgs& args) {
  DownloadPlan plan;
  if (args.local_dir && args.cache_dir) {
    plan.refusal =
        "--local-dir and --cache-dir cannot be used together: --cache-dir (or HF_HUB_CACHE) for "
        "the shared cache, --local-dir for a copy in one folder";
    return plan;
  }
  std::vector<std::string> folders;
  for (const std::string& f : args.files) {
    if (!f.empty() && f.back() == '/') {
      folders.push_back(f);
    } else {
      plan.files.push_back(f);
    }
  }
  if (!folders.empty() && !args.include.empty()) {
    plan.refusal = "a folder argument ('" + folders.front() + "') cannot be combined with " +
                   "--include: use --include '" + folders.front() + "*' instead";
    return plan;
  }
  if (!folders.empty() && !args.exclude.empty()) {
    plan.refusal = "a folder argument ('" + folders.front() + "') cannot be combined with " +
                   "--exclude: use --include '" + folders.front() + "*' with --exclude instead";
    return plan;
  }
  if (!plan.files.empty() && !args.include.empty()) {
    plan.warnings.push_back("ignoring --include: files are given explicitly");
  }
  if (!plan.files.empty() && !args.exclude.empty()) {
    plan.warnings.push_back("ignoring --exclude: files are given explicitly");
  }
  if (args.files.empty()) {
    plan.snapshot = true;
    plan.include = args.include;
    plan.exclude = args.exclude;
    return plan;
  }
  if (folders.empty()) return plan;
  // Folders (with any files beside them): one snapshot of all of them, so
  // every file comes from the same commit, as hf download does.
  plan.snapshot = true;
  plan.include = plan.files;
  for (const std::string& f : folders) plan.include.push_back(f + "**");
  plan.files.clear();
  return plan;
}

const char* const kHelpFooter = R"(Exit codes:
  0    success
  1    unexpected error (http_error, io); doctor: a check failed
  2    invalid arguments (invalid_argument, usage)
  3    the token was rejected (invalid_token, token_expired)
  4    no access (auth_required, gated_auth_required, gated_not_authorized, forbidden, disabled)
  5    not found (repo_not_found, revision_not_found, entry_not_found)
  6    transient: try again later (rate_limited, server_error, network, timeout)
  7    bad data from the server (integrity, not_a_hub)
  8    offline and not cached (offline_not_cached)
  130  cancelled (Ctrl-C)

Environment:
  HF_ENDPOINT                  the Hub (default https://huggingface.co)
  HF_TOKEN, HUGGING_FACE_HUB_TOKEN, HF_TOKEN_PATH
                               the token, in this order, then $HF_HOME/token
  HF_HOME, XDG_CACHE_HOME      where the token file and the cache live
  HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE
                               the cache (default $HF_HOME/hub)
  HF_HUB_OFFLINE               answer from the cache only
  HF_HUB_DISABLE_IMPLICIT_TOKEN
                               send no token unless --token is given
  HF_HUB_ETAG_TIMEOUT          seconds for each HEAD and API call (default 10)
  HF_HUB_DOWNLOAD_TIMEOUT      seconds without a byte before a download resumes (default 10)
  HF_HUB_DISABLE_PROGRESS_BARS no progress output (as --quiet)
  HF_HUB_DISABLE_XET           Xet files through the bridge URL (as --no-xet)
  HUBGET_CA_FILE, CURL_CA_BUNDLE, SSL_CERT_FILE, REQUESTS_CA_BUNDLE
                               a CA bundle to trust (the first one set)
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY
                               proxies (read by libcurl)
  HUBGET_MAX_RETRIES, HUBGET_RETRY_BASE_MS
                               retries (default 5) and their backoff base (default 1000 ms))";

}  // namespace hubget::cli
