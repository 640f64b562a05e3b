// The token checks by site: whether requests to a site carried a bearer.
// Each is a pair (bearer, site); its key, the journal evidence it reads,
// the words of its failures and its doc follow from the site's credential
// (site.h's Credential and CredentialFlags):
//  - any bearer at a site that takes none is a leak, flagged token_leak
//    there ("token_to_cdn");
//  - any bearer at a site that takes the Hub's token is the client's choice
//    to send one ("token_to_hub");
//  - a bearer of another kind than the one a site takes is flagged by
//    CredentialFlags with the check's own key ("cas_token_to_hub",
//    "hub_token_to_cas", "cas_token_to_cdn").
// A site that requires its credential (the CAS) has no any-bearer check:
// every request there carries one. tests/runner/wire_checks_test.cc holds
// the pairs to CredentialFlags: each flag it raises has its check.
#include <optional>

#include "mockhub/sites/site.h"
#include "wire_checks.h"

namespace mockhub::runner {

namespace {

// A check: whether requests to `site` carried `bearer` (nullopt: any
// Authorization header at all).
struct TokenPair {
  std::optional<Credential> bearer;
  const char* site;
};

// The order is the order their failures are reported in.
const TokenPair kPairs[] = {
    {std::nullopt, kCdnSite},          {std::nullopt, kHubSite},
    {Credential::kHubToken, kCasSite}, {Credential::kCasToken, kHubSite},
    {Credential::kCasToken, kCdnSite},
};

constexpr const char* kLeakFlag = "token_leak";

std::string Key(const TokenPair& p) {
  const char* prefix = !p.bearer ? "" : *p.bearer == Credential::kCasToken ? "cas_" : "hub_";
  return prefix + std::string("token_to_") + p.site;
}

// How failures and docs name a site: "the CDN".
std::string SiteText(const std::string& site) {
  static const std::pair<const char*, const char*> kTexts[] = {
      {kHubSite, "the hub"}, {kCdnSite, "the CDN"}, {kCasSite, "the CAS"}};
  for (const auto& [name, text] : kTexts) {
    if (site == name) return text;
  }
  return "the " + site;
}

// How failures name a bearer of the kind a site does not take. A site that
// takes CAS tokens flags anything else, so "a Hub token" there is any
// other bearer too.
std::string BearerText(Credential bearer) {
  return bearer == Credential::kCasToken ? "a CAS token" : "a Hub token (or another bearer)";
}

bool TakesNoCredential(const TokenPair& p) {
  const Site* site = FindSite(p.site);
  return site && site->credential == Credential::kNone;
}

// The requests to the pair's site that carried its bearer, as the journal
// tells: the Authorization header (or the leak flag, raised even for an
// empty one), or the flag named after the check.
std::vector<std::uint64_t> Carrying(const TokenPair& p, const WireEntries& entries) {
  const std::string flag = Key(p);
  std::vector<std::uint64_t> seqs;
  for (const auto& e : entries) {
    if (e.server != p.site) continue;
    const bool carried =
        p.bearer ? e.HasFlag(flag) : !e.authorization.empty() || e.HasFlag(kLeakFlag);
    if (carried) seqs.push_back(e.seq);
  }
  return seqs;
}

void CheckToken(const TokenPair& p, bool want, const WireEntries& entries, WireFailures& out) {
  const std::vector<std::uint64_t> seqs = Carrying(p, entries);
  if (seqs.empty() != want) return;
  const std::string site = SiteText(p.site);
  const std::string n = std::to_string(seqs.size());
  if (!p.bearer && !TakesNoCredential(p)) {
    out.push_back({std::string("expected ") + (want ? "a token" : "no token") + " sent to " + site +
                       ", " + (seqs.empty() ? "none was" : "one was"),
                   seqs,
                   {}});
    return;
  }
  const std::string flag = p.bearer ? Key(p) : kLeakFlag;
  if (want) {
    out.push_back({p.bearer ? "expected " + flag + ", no request was flagged"
                            : "expected a token to reach " + site + ", none did",
                   {},
                   {}});
    return;
  }
  const std::string who = p.bearer ? BearerText(*p.bearer) : "a token";
  out.push_back({who + " reached " + site + " in " + n + " request(s) (" + flag + ")", seqs, {}});
}

std::string Doc(const TokenPair& p) {
  const std::string site = SiteText(p.site);
  if (p.bearer) {
    const char* noun = *p.bearer == Credential::kCasToken
                           ? "CAS token"
                           : "Hub token (nor any other bearer but a CAS token)";
    return "`false`: no " + std::string(noun) + " reached " + site + " (journal flag `" + Key(p) +
           "`); `true`: one did";
  }
  if (TakesNoCredential(p)) {
    return "`false`: no request to " + site + " carried `Authorization` (journal flag `" +
           kLeakFlag + "`); `true`: one did";
  }
  return "`true`: some request to " + site + " carried `Authorization`; `false`: none did";
}

}  // namespace

std::vector<WireCheck> TokenChecks() {
  std::vector<WireCheck> rows;
  for (const TokenPair& p : kPairs) {
    rows.push_back(MakeWireCheck<bool>(
        Key(p), &ReadWireBool,
        [p](const bool& want, const WireEntries& entries, const Caps&, WireFailures& out) {
          CheckToken(p, want, entries, out);
        },
        nullptr, Doc(p)));
  }
  return rows;
}

}  // namespace mockhub::runner
