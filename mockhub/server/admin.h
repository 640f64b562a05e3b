// The admin API under /_mockhub/ (health, the journal, faults, hub-change
// steps), as plain functions of (request, state) -> answer: the glue
// (server.cc) only dispatches and, for the journal, streams the body. Every
// site answers it; admin requests are not journaled and no fault applies to
// them. The routes are documented in mockhub/README.md ("Journal and admin
// API").
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "mockhub/faults/faults.h"
#include "mockhub/http/http_types.h"
#include "mockhub/http/journal.h"
#include "mockhub/server/admin_reply.h"
#include "mockhub/server/server_options.h"
#include "mockhub/world/hub_state.h"

namespace mockhub {

// The site an admin request arrived at, for the checks of admin_guard.cc.
struct AdminSite {
  std::string scheme;    // "http" or "https"
  int port = 0;          // the site's listening port
  std::string local_ip;  // the address this connection arrived on
};

struct AdminContext {
  const AdminSite& site;
  Journal& journal;
  FaultSet& faults;
  HubState& state;
  const StepHandler& steps;  // empty: POST /_mockhub/steps is a 501
};

struct AdminAnswer {
  HttpResponse response;
  bool stream_journal = false;  // the glue writes the journal (WriteJournalJson) as the body
};

// Whether a path, as sent (not percent-decoded), is an admin route (the relative_redirect hops
// under
// /_mockhub/hop/ are not: they are served as their original target).
bool IsAdminPath(const std::string& path);

// The refusal of a request a web page could have sent (another Origin, a
// rebound DNS name in Host, a POST or DELETE that is not JSON), or nullopt.
// admin_guard.cc says why each check is there.
std::optional<HttpResponse> GuardAdmin(const HttpRequest& request, const AdminSite& site);

// GuardAdmin, then the route.
AdminAnswer AnswerAdmin(const HttpRequest& request, const AdminContext& context);

}  // namespace mockhub
