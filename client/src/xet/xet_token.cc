// The token exchange and its cache. See xet_token.h.
#include "xet/xet_token.h"

#include "http/redirects.h"
#include "hub/capped_body.h"
#include "hubget/url.h"
#include "xet/xet_json.h"

namespace hubget {
namespace {

constexpr const char* kRealHub = "https://huggingface.co/";

std::string StepFor(const Session& session, const std::string& url) {
  std::string step = "Xet token exchange (GET " + url + ")";
  if (!SameOrigin(url, session.config().endpoint)) {
    step += ", which is not on HF_ENDPOINT's origin, so no Hub token was sent there";
  }
  return step;
}

// The Hub's refusal of the exchange, as a person can act on it.
Error RefusalFor(const Session& session, const HttpResponse& r, const std::string& url,
                 const CallContext& ctx) {
  Error e = session.ErrorFor(r, url, ctx);
  const bool hub_code = !e.reply.error_code.empty();
  if (r.status == 404 && !hub_code) {
    e.kind = Kind::kNotAHub;
    e.detail =
        "it advertised Xet storage for this file (X-Xet-Hash, Link rel=\"xet-auth\") but its Xet "
        "token route answers 404 (a proxy or mirror without the Xet routes?); set "
        "HF_HUB_DISABLE_XET=1 or pass --no-xet to download through the bridge URL instead";
  } else if (r.status == 404 && e.kind == Kind::kEntryNotFound) {
    e.kind = Kind::kNotAHub;  // the token route has no file to miss
    e.detail = "the Xet token route answers EntryNotFound";
  }
  return e;
}

}  // namespace

std::string XetAuthUrlFor(const std::string& auth_url, const std::string& endpoint) {
  const std::string real = kRealHub;
  if (auth_url.rfind(real, 0) != 0 || endpoint + "/" == real) return auth_url;
  return endpoint + "/" + auth_url.substr(real.size());
}

Result<CasToken> ExchangeXetToken(Session& session, const std::string& auth_url,
                                  const CallContext& ctx) {
  const ClientConfig& config = session.config();
  std::string url = XetAuthUrlFor(auth_url, config.endpoint);
  auto fail = [&](Error e) {
    e = session.Decorate(std::move(e), url, ctx);
    e.step = StepFor(session, url);
    return e;
  };
  for (int hop = 0;; ++hop) {
    auto res = GetJson(session, url, kMaxTokenBody, "token exchange's answer");
    if (!res) return fail(res.error());
    const HttpResponse& r = res.value();
    if (IsRedirectStatus(r.status)) {
      // A renamed repo on the Hub's own origin; never elsewhere with the token.
      auto next = NextHop(url, r, OtherOrigin::kRefuse, hop);
      if (!next) return fail(next.error());
      url = next->url;
      continue;
    }
    if (r.status < 200 || r.status >= 300) return fail(RefusalFor(session, r, url, ctx));
    auto token = ParseCasToken(r.body);
    if (!token) return fail(token.error());
    if (SameOrigin(token->cas_url, config.endpoint)) {
      return fail(MakeError(
          Kind::kNotAHub,
          "its Xet token exchange names a CAS (" + token->cas_url +
              ") on the Hub's own origin; hubget keeps the Hub token and the CAS token on "
              "separate origins: set HF_HUB_DISABLE_XET=1 or pass --no-xet to download through "
              "the bridge URL instead"));
    }
    return token;
  }
}

Result<CasToken> XetTokenCache::Get(Session& session, const std::string& auth_url,
                                    const CallContext& ctx, bool renew) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_auth_url_.find(auth_url);
  const std::int64_t now = session.clock().UnixNow();
  if (renew || it == by_auth_url_.end() || it->second.exp <= now + kCasTokenRefreshMargin) {
    auto fresh = ExchangeXetToken(session, auth_url, ctx);
    if (!fresh) return fresh.error();
    it = by_auth_url_.insert_or_assign(auth_url, std::move(fresh).value()).first;
  }
  const CasToken& token = it->second;
  if (!session.AddCredential(token.cas_url, token.access_token, "cas")) {
    return MakeError(Kind::kNotAHub, "the token exchange's casUrl has no origin");
  }
  return token;
}

}  // namespace hubget
