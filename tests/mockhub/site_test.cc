// The list of sites (site.h): names and order, look-ups, and the credential
// rule that flags a bearer arriving where none may.
#include "mockhub/sites/site.h"
#include "mockhub/sites/xet/cas_token.h"

#include <gtest/gtest.h>

#include <set>

#include "hub_fixture.h"

namespace mockhub::testing {
namespace {

using Flags = std::vector<std::string>;

HttpRequest RequestWith(const HeaderList& headers) { return HttpRequest{"GET", "/x", headers, ""}; }

TEST(SitesTest, AreTheHubTheCdnAndTheCasInStartUpOrder) {
  std::vector<std::string> names;
  for (const Site& s : Sites()) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"hub", "cdn", "cas"}));
  EXPECT_EQ(SiteNames(), names);
}

TEST(SitesTest, EachSiteHasItsOwnLoopbackHostAndADecision) {
  std::set<std::string> hosts;
  for (const Site& s : Sites()) {
    EXPECT_EQ(s.default_host.rfind("127.", 0), 0u) << s.name << ": " << s.default_host;
    EXPECT_NE(s.decide, nullptr) << s.name;
    hosts.insert(s.default_host);
  }
  EXPECT_EQ(hosts.size(), Sites().size()) << "two sites share a default host";
}

TEST(SitesTest, HubTakesHubTokensAndStampsRequestIdsTheCdnTakesNoCredential) {
  const Site* hub = FindSite(kHubSite);
  const Site* cdn = FindSite(kCdnSite);
  ASSERT_NE(hub, nullptr);
  ASSERT_NE(cdn, nullptr);
  EXPECT_EQ(hub->credential, Credential::kHubToken);
  EXPECT_TRUE(hub->stamps_request_id);
  EXPECT_EQ(cdn->credential, Credential::kNone);
  EXPECT_FALSE(cdn->stamps_request_id);
}

TEST(FindSiteTest, ReturnsTheEntryOfSitesWithThatName) {
  for (const Site& s : Sites()) EXPECT_EQ(FindSite(s.name), &s) << s.name;
}

TEST(FindSiteTest, UnknownEmptyOrDifferentlyCasedNamesAreNotSites) {
  for (const char* name : {"xet", "", "HUB", "Cdn", "any", "hub "}) {
    EXPECT_EQ(FindSite(name), nullptr) << "'" << name << "'";
    EXPECT_FALSE(IsSiteName(name)) << "'" << name << "'";
  }
}

TEST(IsSiteNameTest, AcceptsEveryNameOfSiteNames) {
  for (const std::string& n : SiteNames()) EXPECT_TRUE(IsSiteName(n)) << n;
}

TEST(QuotedSiteNamesTest, ListsTheNamesQuotedInOrderForErrorMessages) {
  EXPECT_EQ(QuotedSiteNames(), "\"hub\", \"cdn\", \"cas\"");
}

TEST(CredentialFlagsTest, BearerAtASiteThatTakesNoCredentialIsATokenLeak) {
  EXPECT_EQ(CredentialFlags(Credential::kNone, kCdnSite,
                            RequestWith({{"Authorization", "Bearer hf_alice"}})),
            Flags{"token_leak"});
}

TEST(CredentialFlagsTest, HeaderNameIsMatchedCaseInsensitively) {
  EXPECT_EQ(
      CredentialFlags(Credential::kNone, kCdnSite, RequestWith({{"authorization", "Bearer hf_x"}})),
      Flags{"token_leak"});
}

TEST(CredentialFlagsTest, AnyAuthorizationHeaderCountsNotOnlyAValidBearer) {
  // The rule is about what arrived, not whether it would have been accepted.
  for (const char* value : {"Basic dXNlcjpwYXNz", "hf_no_scheme", ""}) {
    EXPECT_EQ(CredentialFlags(Credential::kNone, kCdnSite, RequestWith({{"Authorization", value}})),
              Flags{"token_leak"})
        << "'" << value << "'";
  }
}

TEST(CredentialFlagsTest, NoAuthorizationAtTheCdnIsNoLeak) {
  EXPECT_TRUE(
      CredentialFlags(Credential::kNone, kCdnSite, RequestWith({{"Range", "bytes=0-"}})).empty());
}

TEST(CredentialFlagsTest, HubTokenAtTheHubIsNoLeakEvenWhenInvalid) {
  EXPECT_TRUE(CredentialFlags(Credential::kHubToken, kHubSite,
                              RequestWith({{"Authorization", "Bearer hf_alice"}}))
                  .empty());
  EXPECT_TRUE(CredentialFlags(Credential::kHubToken, kHubSite,
                              RequestWith({{"Authorization", "Bearer hf_nobody"}}))
                  .empty());
  EXPECT_TRUE(CredentialFlags(Credential::kHubToken, kHubSite, RequestWith({})).empty());
}

// The CAS-token flag names the site the token reached, so a credential-free
// site added beside the CDN gets its own flag, not the CDN's.
TEST(CredentialFlagsTest, ACasTokenIsFlaggedWithTheNameOfTheSiteItReached) {
  const std::string token = xet::MakeCasToken({RepoType::kModel, "org/m", 60}, "key");
  const HttpRequest req = RequestWith({{"Authorization", "Bearer " + token}});
  EXPECT_EQ(CredentialFlags(Credential::kNone, kCdnSite, req),
            (Flags{"token_leak", "cas_token_to_cdn"}));
  EXPECT_EQ(CredentialFlags(Credential::kNone, "proxy", req),
            (Flags{"token_leak", "cas_token_to_proxy"}));
  EXPECT_EQ(CredentialFlags(Credential::kHubToken, kHubSite, req), Flags{"cas_token_to_hub"});
  EXPECT_EQ(CredentialFlags(Credential::kCasToken, kCasSite,
                            RequestWith({{"Authorization", "Bearer hf_alice"}})),
            Flags{"hub_token_to_cas"});
}

// A site of our own, to see what AnswerAt adds to its decision.
Decision DecideWithAFlag(const HttpRequest&, const World&, const SiteContext& ctx) {
  HttpResponse res;
  res.status = 299;
  res.body = ctx.request_id;
  res.flags.push_back("decided");
  return res;
}

TEST(AnswerAtTest, KeepsTheDecisionAndAppendsTheCredentialFlags) {
  const Site site{"test", "127.0.0.9", Credential::kNone, &DecideWithAFlag, false};
  SiteContext ctx;
  ctx.request_id = "rid-7";
  HttpResponse r =
      AnswerAt(site, RequestWith({{"Authorization", "Bearer hf_alice"}}), World{}, ctx);
  EXPECT_EQ(r.status, 299);
  EXPECT_EQ(r.body, "rid-7");
  EXPECT_EQ(r.flags, (Flags{"decided", "token_leak"}));
}

TEST(AnswerAtTest, AddsNothingWhenTheRequestObeysTheRule) {
  const Site site{"test", "127.0.0.9", Credential::kHubToken, &DecideWithAFlag, false};
  HttpResponse r =
      AnswerAt(site, RequestWith({{"Authorization", "Bearer hf_alice"}}), World{}, SiteContext{});
  EXPECT_EQ(r.flags, Flags{"decided"});
}

using AnswerAtSitesTest = HubTest;

TEST_F(AnswerAtSitesTest, HubTokenSentToTheHubIsNotFlagged) {
  HttpRequest req{
      "GET", std::string("/api/models/") + kClip, {{"Authorization", "Bearer hf_alice"}}, ""};
  SiteContext ctx{{{kHubSite, kEndpoint}, {kCdnSite, kCdnBase}}, kKey, kNow, "rid", false};
  HttpResponse r = AnswerAt(*FindSite(kHubSite), req, world_, ctx);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.flags.empty());
}

TEST_F(AnswerAtSitesTest, HubTokenForwardedToTheCdnIsFlaggedTokenLeak) {
  const std::string url =
      Head(std::string("/") + kClip + "/resolve/main/model.safetensors").Get("Location");
  EXPECT_TRUE(Cdn(url).flags.empty());
  EXPECT_EQ(Cdn(url, {{"Authorization", "Bearer hf_alice"}}).flags, Flags{"token_leak"});
}

}  // namespace
}  // namespace mockhub::testing
