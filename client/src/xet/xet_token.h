// The Xet token exchange (xet-protocol.md §3): GET the file's rel="xet-auth"
// URL on the Hub (with the Hub token, which the credential table sends to
// the endpoint's origin only) for {accessToken, exp, casUrl}; the CAS token
// then becomes the credential of the CAS origin and of nothing else. Tokens
// are cached per xet-auth URL (a snapshot's files share one) and renewed
// proactively when they expire within 30 s, as hf_xet does. One exchange
// at a time: concurrent downloads wait for the one in flight instead of
// each asking. The table holds one CAS token per CAS origin: downloads of
// different repos through one Client at once take turns at it (a CAS 401
// renews the token once, see xet_cas.h). Internal.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "hub/session.h"
#include "xet/xet_json.h"

namespace hubget {

// hf_xet's REFRESH_BUFFER_SEC.
inline constexpr std::int64_t kCasTokenRefreshMargin = 30;

// huggingface_hub's rule for a mirror whose Link names the real Hub: a
// xet-auth URL under https://huggingface.co/ is asked of the configured
// endpoint instead. Any other URL is kept.
std::string XetAuthUrlFor(const std::string& auth_url, const std::string& endpoint);

// One exchange, no cache: the CAS token, or the Hub's refusal mapped like
// any Hub answer (invalid_token naming the token's source, gated, ...), a
// 404 without a Hub error code as not_a_hub (a proxy without the Xet
// routes), a body that is not the expected JSON as not_a_hub. Errors carry
// the step "Xet token exchange".
Result<CasToken> ExchangeXetToken(Session& session, const std::string& auth_url,
                                  const CallContext& ctx);

class XetTokenCache {
 public:
  // A CAS token for `auth_url` that is valid for more than
  // kCasTokenRefreshMargin seconds at the session clock, exchanging when
  // the cached one is not (or `renew` is set). Registers it as the
  // credential of its CAS origin.
  Result<CasToken> Get(Session& session, const std::string& auth_url, const CallContext& ctx,
                       bool renew = false);

 private:
  std::mutex mu_;  // held across an exchange: one at a time
  std::map<std::string, CasToken> by_auth_url_;
};

}  // namespace hubget
