// The live hub state and the scenario verbs that change it.
#include "mockhub/world/hub_state.h"

#include <chrono>
#include <cmath>

#include "mockhub/world/object_store.h"
#include "mockhub/world/xet/xet_store.h"

namespace mockhub {
namespace {
double RealNow() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}
}  // namespace

namespace {
World Indexed(World w) {
  w.objects = ObjectStore::Build(w);
  w.xet = XetIndex::Build(w);
  return w;
}
}  // namespace

HubState::HubState(World world) : world_(std::make_shared<const World>(Indexed(std::move(world)))) {
  if (world_->clock_start) offset_ = static_cast<double>(*world_->clock_start) - RealNow();
}

std::shared_ptr<const World> HubState::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return world_;
}

Status HubState::Mutate(const std::function<Status(World&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  World copy = *world_;
  Status status = fn(copy);
  if (status.ok()) world_ = std::make_shared<const World>(Indexed(std::move(copy)));
  return status;
}

double HubState::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return RealNow() + offset_;
}

void HubState::SetNow(std::int64_t unix_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  offset_ = static_cast<double>(unix_seconds) - RealNow();
}

void HubState::Advance(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  offset_ += seconds;
}

Status HubState::AdvanceBounded(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0)
    return InvalidArgument("the clock moves forward by a finite number of seconds");
  std::lock_guard<std::mutex> lock(mu_);
  if (RealNow() + offset_ + seconds > static_cast<double>(kLatestTime))
    return InvalidArgument("the server clock would pass 9999-12-31T23:59:59Z");
  offset_ += seconds;
  return Status::Ok();
}

Status HubState::RevokeToken(const std::string& token) {
  return Mutate([&](World& w) -> Status {
    auto it = w.tokens.find(token);
    if (it == w.tokens.end()) return NotFound("no such token");
    it->second.state = TokenState::kRevoked;
    return Status::Ok();
  });
}

Status HubState::ExpireToken(const std::string& token) {
  return Mutate([&](World& w) -> Status {
    auto it = w.tokens.find(token);
    if (it == w.tokens.end()) return NotFound("no such token");
    it->second.state = TokenState::kExpired;
    return Status::Ok();
  });
}

Status HubState::MoveBranch(RepoType type, const std::string& repo, const std::string& branch,
                            const std::string& commit_sha) {
  return Mutate([&](World& w) -> Status {
    Repo* r = w.FindRepo(type, repo);
    if (!r) return NotFound("no such repo");
    if (!r->commits.count(commit_sha)) return NotFound("no such commit in " + repo);
    r->branches[branch] = commit_sha;
    return Status::Ok();
  });
}

Status HubState::Approve(RepoType type, const std::string& repo, const std::string& user) {
  return Mutate([&](World& w) -> Status {
    Repo* r = w.FindRepo(type, repo);
    if (!r) return NotFound("no such repo");
    if (!w.FindUser(user)) return NotFound("no such user");
    r->approved.insert(user);
    return Status::Ok();
  });
}

Status HubState::Rename(RepoType type, const std::string& from, const std::string& to) {
  return Mutate([&](World& w) -> Status {
    auto it = w.repos.find({type, from});
    if (it == w.repos.end()) return NotFound("no such repo");
    if (w.repos.count({type, to})) return AlreadyExists("the new id is taken");
    Repo repo = std::move(it->second);
    w.repos.erase(it);
    repo.id = to;
    w.repos[{type, to}] = std::move(repo);
    // Earlier names keep redirecting to the newest one.
    for (auto& [key, target] : w.renames) {
      if (key.first == type && target == from) target = to;
    }
    w.renames[{type, from}] = to;
    return Status::Ok();
  });
}

}  // namespace mockhub
