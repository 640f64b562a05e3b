// One request's way from its head to its decided answer, without any HTTP
// library: the fault plan's request stage, the site's (or a fault's) answer,
// the hub changes the request makes (applied once its answer is decided:
// the write seam), the headers stage, and the journal entry when the answer
// has been written. server.cc moves the bytes around it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "mockhub/faults/faults.h"
#include "mockhub/http/http_types.h"
#include "mockhub/http/journal.h"
#include "mockhub/server/server_options.h"
#include "mockhub/sites/site.h"
#include "mockhub/world/hub_change.h"
#include "mockhub/world/hub_state.h"

namespace mockhub {

// The paths a site answered with a 2xx at least once (the CDN's X-Cache).
class ServedPaths {
 public:
  bool Contains(const std::string& path) const;
  void Add(const std::string& path);

 private:
  mutable std::mutex mu_;
  std::set<std::string> paths_;
};

// What every site of one server shares; references into the server.
struct RequestFlow {
  const ServerOptions& options;
  HubState& state;
  Journal& journal;
  const std::map<std::string, std::string>& urls;  // site name -> base URL
  const std::string& signing_key;
  const std::atomic<bool>& stopped;
  FaultSet& faults;

  // The fault plan of a request whose head was just read (none for the
  // admin API and for hops); its attempt is counted now.
  FaultPlan PlanFor(const Site& site, const std::string& method, const std::string& target,
                    const HeaderList& headers) const;

  // Sleeps up to ms, in slices, giving up early when the server stops or
  // `stop_early` says so. Returns false if the server is stopping.
  bool Wait(std::uint64_t ms, const std::function<bool()>& stop_early) const;
  // Every decision about this request, before any byte is written, and the
  // hub changes it makes (the site's decision's, then its faults' in fault
  // order), applied once the answer is decided (Decision, site.h): a change
  // that cannot apply is flagged "step_failed" in the journal, and the
  // answer stays as decided.
  HttpResponse Decide(const Site& site, ServedPaths& served, HttpRequest& request,
                      const FaultPlan& plan, FaultInjector& injector,
                      const JournalEntry& entry) const;
  // Records the entry once its answer is written (or given up).
  void Finish(JournalEntry entry, std::uint64_t sent,
              std::chrono::steady_clock::time_point started) const;
};

// A hop of the relative_redirect fault (a target under kHopPrefix): served
// as the original target, and no fault applies to it again.
bool IsHop(const std::string& target);

// A bug, answered (500, JSON) and journaled rather than crashing the server.
HttpResponse InternalErrorAnswer(const std::exception& e);

}  // namespace mockhub
