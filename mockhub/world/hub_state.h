// The live, mutable hub: a World snapshot behind a mutex plus the server
// clock. Requests take an immutable snapshot; changes (scenario steps, tests)
// replace it, so a request in flight never sees a half-applied change.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "mockhub/base/status.h"
#include "mockhub/world/world.h"

namespace mockhub {

class HubState {
 public:
  explicit HubState(World world);

  std::shared_ptr<const World> Snapshot() const;
  // Applies fn to a copy of the world and publishes it if fn returns ok;
  // otherwise nothing changes and fn's Status is returned.
  Status Mutate(const std::function<Status(World&)>& fn);

  // The server clock: real time plus an offset, or a fixed time when set.
  double Now() const;
  void SetNow(std::int64_t unix_seconds);
  void Advance(double seconds);
  // Advance for steps: refuses (kInvalidArgument, nothing changes) a
  // negative or non-finite advance and one that would take the clock past
  // kLatestTime, checked and applied under one lock.
  Status AdvanceBounded(double seconds);
  static constexpr std::int64_t kLatestTime = 253402300799;  // 9999-12-31T23:59:59Z

  // Scenario verbs; each returns ok or why it could not apply (kNotFound,
  // kAlreadyExists).
  Status RevokeToken(const std::string& token);
  Status ExpireToken(const std::string& token);
  Status MoveBranch(RepoType type, const std::string& repo, const std::string& branch,
                    const std::string& commit_sha);
  Status Approve(RepoType type, const std::string& repo, const std::string& user);
  Status Rename(RepoType type, const std::string& from, const std::string& to);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const World> world_;
  double offset_ = 0;  // added to the real clock
};

}  // namespace mockhub
