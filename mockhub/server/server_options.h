// What a running mock is started with (ServerOptions: where each site
// listens, TLS, the signing key, faults, the admin step handler, the
// connection limits), apart from the server's entry (server.h) so the
// glue's parts (admin, request flow, site binding) include this instead.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mockhub/http/http_types.h"
#include "mockhub/world/hub_state.h"
#include "mockhub/world/world.h"

namespace mockhub {

class FaultSet;  // faults.h

// Answers POST /_mockhub/steps (a body holding one hub-change step) by
// changing the state. The step vocabulary is the scenario runner's
// (mockhub/runner), which the mock never links: `mockhub serve` installs
// mockhub::AnswerStepRequest (runner/step_request.h).
using StepHandler = std::function<HttpResponse(const HttpRequest&, HubState&)>;

// Where a site listens; an empty host is the site's default loopback address.
struct SiteBinding {
  std::string host;
  int port = 0;  // 0: pick a free port
};

struct ServerOptions {
  std::map<std::string, SiteBinding> bind;  // by site name; absent: the defaults
  std::optional<CdnFlavour> cdn_flavour;    // overrides the world's
  bool tls = false;
  std::string tls_dir;      // where the CA is written; default: a fresh temp dir
  std::string signing_key;  // CDN URL signing key; default: random
  // Called with each finished request's one-line log, if set.
  std::function<void(const std::string&)> log;
  // The faults to start with (optional); the server adds to and removes from
  // this set when told through the admin API.
  std::shared_ptr<FaultSet> faults;
  StepHandler step_handler;  // optional; unset: POST /_mockhub/steps answers 501
  // Open connections per site; beyond them a new connection gets a 503 with
  // Connection: close (plain HTTP) or is closed (TLS) at once...
  std::size_t max_connections = 512;
  // ...except on these few more, kept for the admin API: a connection taken
  // beyond max_connections must send its head within 2 s, is served one
  // request if that is for /_mockhub/, and gets the 503 otherwise.
  std::size_t admin_connections = 8;
  // How long a client may take to send a request head (and a TLS handshake)
  // once it has started; then 408 and close.
  std::chrono::milliseconds head_timeout{10000};
  // How long a client may take to send a request body once its head has
  // arrived, in total (a body dripping a byte at a time included); then 408
  // and close.
  std::chrono::milliseconds body_timeout{30000};
};

}  // namespace mockhub
