// The JSON API calls (repo info, tree listing, whoami): redirects are
// followed on the endpoint's own origin only (a renamed repo answers its
// old id with a relative 307), with the token, and with a hop limit.
#include <gtest/gtest.h>

#include "fakes.h"
#include "hubget/client.h"

namespace hubget {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using testing::kCommit;

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() {
    ON_CALL(*transport, Send(_)).WillByDefault([this](const HttpRequest& r) {
      return routes.Handle(r);
    });
  }
  Client MakeClient(std::optional<std::string> token = "hf_secret_token") {
    return Client(testing::TestConfig(dir.path(), token), transport, clock);
  }
  static testing::Canned Redirect(int status, const std::string& location) {
    return {status, {{"Location", location}}, "", {}};
  }
  static testing::Canned Info(const std::string& id) {
    return {200, {}, "{\"id\":\"" + id + "\",\"sha\":\"" + kCommit + "\"}", {}};
  }

  testing::TempDir dir;
  std::shared_ptr<::testing::NiceMock<testing::MockTransport>> transport =
      std::make_shared<::testing::NiceMock<testing::MockTransport>>();
  std::shared_ptr<testing::FakeClock> clock = std::make_shared<testing::FakeClock>();
  testing::Routes routes;
};

TEST_F(ApiTest, InfoFollowsTheRelativeRedirectOfARenamedRepoKeepingTheToken) {
  routes.Set("GET", "https://hub.test/api/models/old-org/m",
             Redirect(307, "/api/models/new-org/m"));
  routes.Set("GET", "https://hub.test/api/models/new-org/m", Info("new-org/m"));
  auto r = MakeClient().Info("old-org/m");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->id, "new-org/m");
  EXPECT_EQ(r->sha, kCommit);
  const auto seen = routes.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].url, "https://hub.test/api/models/new-org/m");
  EXPECT_EQ(seen[1].headers.Get("Authorization"), "Bearer hf_secret_token");
  EXPECT_EQ(seen[1].headers.Get("Accept"), "application/json");
}

TEST_F(ApiTest, InfoAtARevisionKeepsTheLocationPathAndQuery) {
  routes.Set("GET", "https://hub.test/api/models/old-org/m/revision/refs%2Fpr%2F1",
             Redirect(308, "/api/models/new-org/m/revision/refs%2Fpr%2F1?x=1"));
  routes.Set("GET", "https://hub.test/api/models/new-org/m/revision/refs%2Fpr%2F1?x=1",
             Info("new-org/m"));
  auto r = MakeClient().Info("old-org/m", RepoType::kModel, "refs/pr/1");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->id, "new-org/m");
}

TEST_F(ApiTest, AbsoluteRedirectOnTheSameOriginIsFollowed) {
  routes.Set("GET", "https://hub.test/api/models/old-org/m",
             Redirect(301, "https://hub.test/api/models/new-org/m"));
  routes.Set("GET", "https://hub.test/api/models/new-org/m", Info("new-org/m"));
  auto r = MakeClient().Info("old-org/m");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->id, "new-org/m");
}

TEST_F(ApiTest, RedirectToAnotherOriginIsNeverFollowed) {
  for (const char* elsewhere :
       {"https://evil.test/api/models/new-org/m", "http://hub.test/api/models/new-org/m",
        "https://hub.test:8443/api/models/new-org/m"}) {
    routes.Set("GET", "https://hub.test/api/models/old-org/m", Redirect(302, elsewhere));
    auto r = MakeClient().Info("old-org/m");
    ASSERT_FALSE(r) << elsewhere;
    EXPECT_EQ(r.error().kind, Kind::kHttp);
    EXPECT_EQ(r.error().reply.status, 302);
    EXPECT_THAT(r.error().Message(), HasSubstr(elsewhere));
    EXPECT_THAT(r.error().Message(), HasSubstr("another origin"));
    EXPECT_THAT(r.error().Message(), ::testing::Not(HasSubstr("hf_secret_token")));
  }
  for (const auto& s : routes.seen()) EXPECT_EQ(s.url, "https://hub.test/api/models/old-org/m");
}

TEST_F(ApiTest, RedirectLoopIsBounded) {
  routes.Set("GET", "https://hub.test/api/models/a/m", Redirect(307, "/api/models/b/m"));
  routes.Set("GET", "https://hub.test/api/models/b/m", Redirect(307, "/api/models/a/m"));
  auto r = MakeClient().Info("a/m");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kHttp);
  EXPECT_THAT(r.error().Message(), HasSubstr("redirects"));
  EXPECT_LE(routes.seen().size(), 11u);
}

TEST_F(ApiTest, RedirectWithoutLocationIsNotAHub) {
  routes.Set("GET", "https://hub.test/api/models/old-org/m", {307, {}, "", {}});
  auto r = MakeClient().Info("old-org/m");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kNotAHub);
  EXPECT_THAT(r.error().Message(), HasSubstr("Location"));
}

TEST_F(ApiTest, ErrorAfterARedirectNamesTheUrlThatAnswered) {
  routes.Set("GET", "https://hub.test/api/models/old-org/m",
             Redirect(307, "/api/models/new-org/m"));
  routes.Set("GET", "https://hub.test/api/models/new-org/m",
             {404, {{"X-Error-Code", "RepoNotFound"}}, "", {}});
  auto r = MakeClient().Info("old-org/m");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kRepoNotFound);
  EXPECT_EQ(r.error().call.url, "https://hub.test/api/models/new-org/m");
}

TEST_F(ApiTest, TreePagesOfARenamedRepoFollowTheRedirectWithTheQuery) {
  const std::string old_tree = std::string("https://hub.test/api/models/old-org/m/tree/") +
                               kCommit + "?recursive=true&expand=false";
  const std::string new_tree =
      std::string("/api/models/new-org/m/tree/") + kCommit + "?recursive=true&expand=false";
  routes.Set("GET", old_tree, Redirect(307, new_tree));
  routes.Set("GET", "https://hub.test" + new_tree,
             {200, {}, R"([{"type":"file","oid":"x","size":2,"path":"a.json"}])", {}});
  auto r = MakeClient().ListFiles("old-org/m", RepoType::kModel, kCommit);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->at(0).path, "a.json");
}

TEST_F(ApiTest, WhoamiFollowsASameOriginRedirect) {
  routes.Set("GET", "https://hub.test/api/whoami-v2", Redirect(307, "/api/whoami-v3"));
  routes.Set("GET", "https://hub.test/api/whoami-v3",
             {200, {}, R"({"name":"alice","orgs":[],"auth":{"accessToken":{}}})", {}});
  auto r = MakeClient().Whoami();
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->name, "alice");
}

// A next page that was listed already (a Link to itself, or a cycle) ends
// the listing at once, with an error that names the configured endpoint.
TEST_F(ApiTest, TreeLinkCycleIsDetectedAndNamesTheEndpoint) {
  const std::string first = std::string("https://hub.test/api/models/org/m/tree/") + kCommit +
                            "?recursive=true&expand=false";
  routes.Set("GET", first, {200, {{"Link", "</p2>; rel=\"next\""}}, "[]", {}});
  routes.Set("GET", "https://hub.test/p2",
             {200, {{"Link", "<" + first + ">; rel=next"}}, "[]", {}});
  auto r = MakeClient().ListFiles("org/m", RepoType::kModel, kCommit);
  ASSERT_FALSE(r);
  EXPECT_EQ(routes.Count("GET"), 2);
  EXPECT_EQ(r.error().kind, Kind::kNotAHub);
  EXPECT_THAT(r.error().Message(), HasSubstr("check HF_ENDPOINT (https://hub.test)"));
  EXPECT_THAT(r.error().Message(), ::testing::Not(HasSubstr("huggingface.co")));
}

}  // namespace
}  // namespace hubget
