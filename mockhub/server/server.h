// A running mock: one listener per site of site.h (the hub and its CDN, on
// two loopback addresses so host, not only port, differ), sharing one
// HubState and one Journal. Used by `mockhub serve`, by the scenario runner
// and in-process by tests.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mockhub/base/status.h"
#include "mockhub/http/http_types.h"
#include "mockhub/http/journal.h"
#include "mockhub/server/server_options.h"
#include "mockhub/world/hub_state.h"
#include "mockhub/world/world.h"

namespace mockhub {

class MockServer {
 public:
  // Binds every site and starts serving on background threads; returns once
  // all accept connections. Errors: kUnavailable (an address or port that
  // cannot be bound), kFailedPrecondition / kInternal (TLS set-up).
  static StatusOr<std::unique_ptr<MockServer>> Start(World world, ServerOptions options);
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  const std::string& hub_url() const;  // "http://127.0.0.1:PORT", no trailing '/'
  const std::string& cdn_url() const;
  // The base URL of the named site ("" for a name that is not a site).
  const std::string& url(const std::string& site) const;
  // Every site's base URL, as (site name, URL) in SiteNames() order.
  std::vector<std::pair<std::string, std::string>> urls() const;
  const std::string& ca_file() const;  // "" without TLS
  HubState& state();
  Journal& journal();
  FaultSet& faults();  // the live set (thread-safe)
  void Stop();         // idempotent

  struct Impl;

 private:
  explicit MockServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mockhub
