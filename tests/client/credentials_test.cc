// The per-origin credential policy: a credential goes to its own origin
// (scheme, host and port) and nowhere else, on the first request and after
// any redirect; a second credential (a CAS token) is one more entry.
#include <gtest/gtest.h>

#include "fakes.h"
#include "fetch/blob_fetch.h"
#include "http/credentials.h"
#include "hub/metadata.h"

namespace hubget {
namespace {

using ::testing::_;
using testing::Reply;
using testing::Sha256Hex;

TEST(CredentialTableTest, CredentialGoesToItsOriginOnly) {
  CredentialTable table;
  ASSERT_TRUE(table.Add("https://hub.test", "Bearer hub", "hub"));
  EXPECT_EQ(table.For("https://hub.test/api/whoami-v2"), "Bearer hub");
  EXPECT_EQ(table.For("https://HUB.test:443/x?y=1"), "Bearer hub");
  for (const char* elsewhere :
       {"https://hub.test:8443/x", "http://hub.test/x", "https://cdn.test/x",
        "https://hub.test.evil/x", "https://evil.test/?https://hub.test/", "not a url"}) {
    EXPECT_EQ(table.For(elsewhere), std::nullopt) << elsewhere;
  }
}

TEST(CredentialTableTest, EmptyTableSendsNothing) {
  const CredentialTable table;
  EXPECT_EQ(table.For("https://hub.test/x"), std::nullopt);
  EXPECT_FALSE(table.Sends("https://hub.test/x", "hub"));
}

TEST(CredentialTableTest, OriginWithoutAUrlIsRefused) {
  CredentialTable table;
  EXPECT_FALSE(table.Add("hub.test", "Bearer x", "hub"));
  EXPECT_EQ(table.For("https://hub.test/"), std::nullopt);
}

TEST(CredentialTableTest, SecondCredentialIsOneMoreEntryAndReplacesOnlyItsOrigin) {
  CredentialTable table;
  ASSERT_TRUE(table.Add("https://hub.test", "Bearer hub", "hub"));
  ASSERT_TRUE(table.Add("https://cas.test/any/path", "Bearer cas1", "cas"));
  ASSERT_TRUE(table.Add("https://cas.test", "Bearer cas2", "cas"));  // refreshed
  EXPECT_EQ(table.For("https://cas.test/xorbs/x"), "Bearer cas2");
  EXPECT_EQ(table.For("https://hub.test/x"), "Bearer hub");
  EXPECT_TRUE(table.Sends("https://cas.test/x", "cas"));
  EXPECT_FALSE(table.Sends("https://cas.test/x", "hub"));
}

class SessionCredentialTest : public ::testing::Test {
 protected:
  SessionCredentialTest()
      : config(testing::TestConfig(dir.path(), "hf_secret_token")),
        session(config, transport, clock) {
    ON_CALL(transport, Send(_)).WillByDefault([this](const HttpRequest& r) {
      return routes.Handle(r);
    });
  }
  std::string Authorization(const std::string& url) const {
    return session.NewRequest("GET", url).headers.Get("Authorization");
  }
  Result<FetchResult> Fetch(const std::string& url) {
    const FetchTarget t{url, sha, content.size(), dir.path() + "/blob.incomplete"};
    return FetchToPartial(session, t, {}, {{"org/m", RepoType::kModel}, "main", "f.bin"});
  }
  // The Authorization header each request to `url` carried, in order.
  std::vector<std::string> SentTo(const std::string& url) const {
    std::vector<std::string> out;
    for (const auto& s : routes.seen()) {
      if (s.url == url) out.push_back(s.headers.Get("Authorization"));
    }
    return out;
  }

  testing::TempDir dir;
  ClientConfig config;
  ::testing::NiceMock<testing::MockTransport> transport;
  testing::FakeClock clock;
  Session session;
  testing::Routes routes;
  std::string content = "the blob's bytes";
  std::string sha = Sha256Hex(content);
};

TEST_F(SessionCredentialTest, HubTokenGoesToTheEndpointOriginOnly) {
  EXPECT_EQ(Authorization("https://hub.test/api/whoami-v2"), "Bearer hf_secret_token");
  EXPECT_EQ(Authorization("https://hub.test:8443/api/whoami-v2"), "");
  EXPECT_EQ(Authorization("http://hub.test/api/whoami-v2"), "");
  EXPECT_EQ(Authorization("https://cdn.test/blob"), "");
  EXPECT_TRUE(session.SendsTokenTo("https://hub.test/x"));
  EXPECT_FALSE(session.SendsTokenTo("https://hub.test:8443/x"));
}

TEST_F(SessionCredentialTest, NoTokenConfiguredSendsNoAuthorizationAnywhere) {
  const ClientConfig anonymous = testing::TestConfig(dir.path());
  const Session s(anonymous, transport, clock);
  EXPECT_FALSE(s.NewRequest("GET", "https://hub.test/x").headers.Has("Authorization"));
}

TEST_F(SessionCredentialTest, CasTokenIsOneCallAndGoesOnlyToTheCasOrigin) {
  ASSERT_TRUE(session.AddCredential("https://cas.test", "cas_token", "cas"));
  EXPECT_EQ(Authorization("https://cas.test/v1/reconstructions/abc"), "Bearer cas_token");
  EXPECT_EQ(Authorization("https://cas.test:8443/v1/reconstructions/abc"), "");
  EXPECT_EQ(Authorization("https://hub.test/x"), "Bearer hf_secret_token");
  EXPECT_EQ(Authorization("https://cdn.test/x"), "");
  // Error messages blame the Hub token only where it was sent.
  EXPECT_FALSE(session.SendsTokenTo("https://cas.test/x"));
}

TEST_F(SessionCredentialTest, BlobRedirectToTheSameHostOnAnotherPortDropsTheToken) {
  routes.Set("GET", "https://hub.test/org/m/resolve/main/f.bin",
             {302, {{"Location", "https://hub.test:8443/blob"}}, "", {}});
  routes.Set("GET", "https://hub.test:8443/blob", {200, {}, content, {}});
  auto r = Fetch("https://hub.test/org/m/resolve/main/f.bin");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(SentTo("https://hub.test/org/m/resolve/main/f.bin"),
            std::vector<std::string>{"Bearer hf_secret_token"});
  EXPECT_EQ(SentTo("https://hub.test:8443/blob"), std::vector<std::string>{""});
}

TEST_F(SessionCredentialTest, BlobRedirectChainCarriesEachOriginsOwnCredentialOnly) {
  // hub -> cas -> cdn -> back to the hub: each hop gets what its origin has.
  ASSERT_TRUE(session.AddCredential("https://cas.test", "cas_token", "cas"));
  routes.Set("GET", "https://hub.test/start", {302, {{"Location", "https://cas.test/r"}}, "", {}});
  routes.Set("GET", "https://cas.test/r", {307, {{"Location", "https://cdn.test/b"}}, "", {}});
  routes.Set("GET", "https://cdn.test/b", {302, {{"Location", "https://hub.test/end"}}, "", {}});
  routes.Set("GET", "https://hub.test/end", {200, {}, content, {}});
  auto r = Fetch("https://hub.test/start");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(SentTo("https://cas.test/r"), std::vector<std::string>{"Bearer cas_token"});
  EXPECT_EQ(SentTo("https://cdn.test/b"), std::vector<std::string>{""});
  EXPECT_EQ(SentTo("https://hub.test/end"), std::vector<std::string>{"Bearer hf_secret_token"});
}

TEST_F(SessionCredentialTest, HeadStopsAtAnotherPortWithoutSendingTheTokenThere) {
  routes.Set("HEAD", "https://hub.test/org/m/resolve/main/f.bin",
             {302,
              {{"Location", "https://hub.test:8443/blob"},
               {"X-Repo-Commit", testing::kCommit},
               {"X-Linked-Etag", "\"" + sha + "\""},
               {"X-Linked-Size", std::to_string(content.size())}},
              "",
              {}});
  auto m = HeadFile(session, "https://hub.test/org/m/resolve/main/f.bin",
                    {{"org/m", RepoType::kModel}, "main", "f.bin"}, RetryPolicy::None());
  ASSERT_TRUE(m) << m.error().Message();
  EXPECT_EQ(m->location, "https://hub.test:8443/blob");
  EXPECT_EQ(routes.Count("HEAD", "https://hub.test:8443"), 0);
}

}  // namespace
}  // namespace hubget
