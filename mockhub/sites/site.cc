// The list of sites (see site.h): each one's decision function adapted to
// the shared SiteContext, and the credential rules.
#include "mockhub/sites/site.h"

#include <algorithm>

#include "mockhub/sites/cdn/cdn.h"
#include "mockhub/sites/hub/hub.h"
#include "mockhub/sites/xet/cas.h"
#include "mockhub/sites/xet/cas_token.h"

namespace mockhub {
namespace {

std::string UrlOf(const SiteContext& ctx, const char* site) {
  auto it = ctx.urls.find(site);
  return it == ctx.urls.end() ? "" : it->second;
}

Decision DecideHub(const HttpRequest& req, const World& world, const SiteContext& ctx) {
  return HandleHub(req, world,
                   HubContext{UrlOf(ctx, kHubSite), UrlOf(ctx, kCdnSite), ctx.signing_key, ctx.now,
                              ctx.request_id, UrlOf(ctx, kCasSite)});
}

Decision DecideCdn(const HttpRequest& req, const World& world, const SiteContext& ctx) {
  return HandleCdn(req, world,
                   CdnContext{ctx.signing_key, ctx.now, world.options.cdn_flavour, ctx.request_id,
                              ctx.served_before});
}

Decision DecideCas(const HttpRequest& req, const World& world, const SiteContext& ctx) {
  return HandleCas(req, world,
                   CasContext{ctx.signing_key, ctx.now, UrlOf(ctx, kCdnSite), ctx.request_id});
}

// The credential of an Authorization header: what follows "Bearer ", or "".
std::string Bearer(const HttpRequest& req) {
  const std::string v = req.Header("Authorization");
  if (v.size() > 7 && (v.compare(0, 7, "Bearer ") == 0 || v.compare(0, 7, "bearer ") == 0))
    return v.substr(7);
  return "";
}

}  // namespace

const std::vector<Site>& Sites() {
  static const std::vector<Site> kSites = {
      {kHubSite,
       "127.0.0.1",
       Credential::kHubToken,
       &DecideHub,
       true,
       {"", "Hub", "an IP address or localhost (loopback by default)"}},
      {kCdnSite,
       "127.0.0.2",
       Credential::kNone,
       &DecideCdn,
       false,
       {"cdn-", "CDN", "another host, not only another port"}},
      {kCasSite,
       "127.0.0.3",
       Credential::kCasToken,
       &DecideCas,
       false,
       {"cas-", "Xet CAS", "another host, not only another port"}},
  };
  return kSites;
}

const Site* FindSite(const std::string& name) {
  for (const Site& s : Sites()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const std::vector<std::string>& SiteNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const Site& s : Sites()) names.push_back(s.name);
    return names;
  }();
  return kNames;
}

bool IsSiteName(const std::string& name) { return FindSite(name) != nullptr; }

std::string QuotedSiteNames() {
  std::string out;
  for (const std::string& n : SiteNames()) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

std::vector<std::string> CredentialFlags(Credential rule, const std::string& site,
                                         const HttpRequest& req) {
  if (!req.HasHeader("Authorization")) return {};
  const bool cas_token = xet::LooksLikeCasToken(Bearer(req));
  switch (rule) {
    case Credential::kNone:
      if (cas_token) return {"token_leak", "cas_token_to_" + site};
      return {"token_leak"};
    case Credential::kHubToken:
      if (cas_token) return {"cas_token_to_" + site};
      return {};
    case Credential::kCasToken:
      if (!cas_token) return {"hub_token_to_" + site};
      return {};
  }
  return {};
}

Decision DecideAt(const Site& site, const HttpRequest& req, const World& world,
                  const SiteContext& ctx) {
  Decision d = site.decide(req, world, ctx);
  for (std::string& f : CredentialFlags(site.credential, site.name, req))
    d.answer.flags.push_back(std::move(f));
  return d;
}

HttpResponse AnswerAt(const Site& site, const HttpRequest& req, const World& world,
                      const SiteContext& ctx) {
  return DecideAt(site, req, world, ctx).answer;
}

}  // namespace mockhub
