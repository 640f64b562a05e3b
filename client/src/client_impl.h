// The Client's private state, shared by the files that implement its
// operations (download.cc, snapshot.cc, api.cc, doctor.cc). Internal.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "hub/session.h"
#include "hubget/cache.h"
#include "hubget/client.h"
#include "xet/xet.h"

namespace hubget {

// A gated 403 to a fine-grained token: asks whoami once whether the token
// may read gated repos at all, and marks the error when it may not.
Error ExplainGatedRefusal(Client& client, Error e);

struct Client::Impl {
  Impl(ClientConfig c, std::shared_ptr<HttpTransport> t, std::shared_ptr<Clock> k)
      : config(std::move(c)),
        transport(std::move(t)),
        clock(k ? std::move(k) : std::make_shared<SystemClock>()),
        session(config, *transport, *clock),
        cache(config.cache_dir) {}

  ClientConfig config;
  std::shared_ptr<HttpTransport> transport;
  std::shared_ptr<Clock> clock;
  Session session;
  CacheLayout cache;
  XetStatePtr xet = NewXetState();  // what its Xet downloads share
  WarningCallback warn;
  std::mutex warn_mu;

  void Warn(std::vector<std::string>& sink, const std::string& text) {
    sink.push_back(text);
    std::lock_guard<std::mutex> lock(warn_mu);
    if (warn) warn(text);
  }

  // Download with an extra cancel flag (a snapshot's stop flag).
  Result<DownloadResult> DownloadFile(const RepoId& repo, const std::string& path,
                                      const DownloadOptions& options,
                                      const std::atomic<bool>* stop);
  Result<DownloadResult> DownloadToCache(const RepoId& repo, const std::string& path,
                                         const DownloadOptions& options,
                                         const std::atomic<bool>* stop);
  Result<DownloadResult> DownloadToLocalDir(const RepoId& repo, const std::string& path,
                                            const DownloadOptions& options,
                                            const std::atomic<bool>* stop);
  // GET an API URL (with retries) and return the 2xx body, or the Error;
  // a body over `max_body` bytes (0: the transport's own cap) is not_a_hub.
  Result<HttpResponse> ApiGet(const std::string& url, const CallContext& ctx,
                              std::size_t max_body = 0);
  std::string ApiBase(const RepoId& repo) const;
};

// HEAD failures after which a cached copy is returned with a warning.
bool DegradesToCache(Kind kind);

// offline_not_cached for `path` ("" for a snapshot) of `repo` at `revision`.
Error OfflineNotCached(const RepoId& repo, const std::string& revision, const std::string& path,
                       std::string detail, const std::string& endpoint);

}  // namespace hubget
