// A request's decisions and its journal entry (see request_flow.h).
#include "mockhub/server/request_flow.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "mockhub/base/dates.h"
#include "mockhub/server/admin.h"

namespace mockhub {

bool ServedPaths::Contains(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  return paths_.count(path) > 0;
}

void ServedPaths::Add(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  paths_.insert(path);
}

bool IsHop(const std::string& target) {
  return target.rfind(std::string(kHopPrefix) + "/", 0) == 0;
}

FaultPlan RequestFlow::PlanFor(const Site& site, const std::string& method,
                               const std::string& target, const HeaderList& headers) const {
  const std::string path = target.substr(0, target.find('?'));
  if (IsAdminPath(path) || IsHop(target)) return {};
  return faults.Plan(site.name, method, path, headers);
}

bool RequestFlow::Wait(std::uint64_t ms, const std::function<bool()>& stop_early) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (stopped.load() || stop_early()) return !stopped.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::uint64_t>(ms, 20)));
  }
  return true;
}

HttpResponse RequestFlow::Decide(const Site& site, ServedPaths& served, HttpRequest& req,
                                 const FaultPlan& plan, FaultInjector& injector,
                                 const JournalEntry& entry) const {
  auto world = state.Snapshot();
  const auto now = static_cast<std::int64_t>(state.Now());
  std::vector<HubChange> fault_changes;
  ApplyRequestFaults(plan, req, injector, fault_changes);
  const std::string path = req.target.substr(0, req.target.find('?'));
  Decision d;
  if (auto replaced = FaultAnswer(plan, req)) {
    d.answer = std::move(*replaced);
  } else {
    SiteContext ctx{urls, signing_key, now, entry.request_id, served.Contains(path)};
    d = DecideAt(site, req, *world, ctx);
    if (d.answer.status / 100 == 2) served.Add(path);
  }
  d.changes.insert(d.changes.end(), fault_changes.begin(), fault_changes.end());
  for (const HubChange& change : d.changes) {
    if (!ApplyHubChange(change, state).ok()) d.answer.flags.push_back("step_failed");
  }
  HttpResponse& res = d.answer;
  if (site.stamps_request_id && !res.Has("X-Request-Id")) res.Set("X-Request-Id", entry.request_id);
  if (!res.Has("Date")) res.Set("Date", FormatHttpDate(now));
  ApplyFaultPlan(plan, res);
  return std::move(d.answer);
}

void RequestFlow::Finish(JournalEntry e, std::uint64_t sent,
                         std::chrono::steady_clock::time_point started) const {
  e.bytes_sent = sent;
  e.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (options.log) options.log(LogLine(e));
  journal.Add(std::move(e));
}

HttpResponse InternalErrorAnswer(const std::exception& e) {
  HttpResponse res;
  res.status = 500;
  res.body = nlohmann::json{{"error", std::string("mockhub internal error: ") + e.what()}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.Set("Content-Type", "application/json");
  res.flags.push_back("internal_error");
  return res;
}

}  // namespace mockhub
