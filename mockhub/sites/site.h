// The servers of a mock, as data. A mock is a list of sites (the hub, its
// CDN and the Xet CAS), each with a name, a default
// loopback address, a decision function and a credential rule. The HTTP glue
// (server.cc) starts one listener per site and knows nothing else about
// them. Everything that names a site (faults, the journal, wire
// expectations, scenario files, schema.json, `mockhub serve`'s flags)
// validates the name or reads the row here, so adding a site is one entry
// of Sites().
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mockhub/http/http_types.h"
#include "mockhub/world/hub_change.h"
#include "mockhub/world/world.h"

namespace mockhub {

inline constexpr const char* kHubSite = "hub";
inline constexpr const char* kCdnSite = "cdn";
inline constexpr const char* kCasSite = "cas";

// Which bearer may arrive at a site. Anything else that arrives there is
// flagged in the journal: "token_leak" for any bearer where none may go (and
// "cas_token_to_cdn" when it is a CAS token), "cas_token_to_hub" for a CAS
// token at the hub, "hub_token_to_cas" for anything but a CAS token at the
// CAS.
enum class Credential {
  kHubToken,  // the Hub's own tokens (their validity is the hub's decision)
  kNone,      // no Authorization at all: signed URLs carry the permission
  kCasToken,  // the short-lived Xet CAS token from /xet-read-token
};

// What a decision function gets besides the request and the world.
struct SiteContext {
  std::map<std::string, std::string> urls;  // site name -> public base URL
  std::string signing_key;                  // shared by the signing and checking sites
  std::int64_t now = 0;                     // server clock, unix seconds
  std::string request_id;
  bool served_before = false;  // this site answered this path with a 2xx before
};

// A decision: the answer, and the hub changes the request makes beside it
// (the write seam: none for today's sites; a "step" fault's, a rate
// limiter's). The request flow applies the changes once the answer is
// decided, with ApplyHubChange (hub_change.h), each under the state's lock:
// the answer itself is the one the state before the change gave.
struct Decision {
  Decision() = default;
  // An answer that changes nothing.
  Decision(HttpResponse a) : answer(std::move(a)) {}  // NOLINT(google-explicit-constructor)
  HttpResponse answer;
  std::vector<HubChange> changes;
};

using DecideFn = Decision (*)(const HttpRequest&, const World&, const SiteContext&);

// How `mockhub serve` names and explains the flags that bind the site:
// --{prefix}host and --{prefix}port.
struct SiteFlags {
  const char* prefix = "";     // "" for the hub (--host, --port), "cdn-" (--cdn-host)
  const char* label = "";      // "CDN": "CDN address: ...", "CDN port; 0 picks a free one"
  const char* host_note = "";  // the address flag's help after "address: "
};

struct Site {
  std::string name;
  std::string default_host;  // loopback; sites differ by host, not only port
  Credential credential = Credential::kNone;
  DecideFn decide = nullptr;
  // The Hub stamps X-Request-Id on every answer, a fault's or a proxy's too.
  bool stamps_request_id = false;
  SiteFlags flags = {};
};

// Every site a mock runs, in start-up (and `mockhub serve` output) order.
const std::vector<Site>& Sites();
const Site* FindSite(const std::string& name);
// The names of Sites(), for validation.
const std::vector<std::string>& SiteNames();
bool IsSiteName(const std::string& name);
// "\"hub\", \"cdn\"": for error messages that list the choices.
std::string QuotedSiteNames();

// The journal flags the credential rule of the site named `site` raises for
// this request ("token_leak" when a bearer arrives where none may, and
// "cas_token_to_<site>" when that bearer is a CAS token).
std::vector<std::string> CredentialFlags(Credential rule, const std::string& site,
                                         const HttpRequest& request);

// The site's decision on a request, its credential flags added to the answer.
Decision DecideAt(const Site& site, const HttpRequest& request, const World& world,
                  const SiteContext& ctx);
// DecideAt's answer alone.
HttpResponse AnswerAt(const Site& site, const HttpRequest& request, const World& world,
                      const SiteContext& ctx);

}  // namespace mockhub
