// The auth table of the Hub, one test per row, on the decision function
// (no sockets): issue 2 §5 and hub-protocol.md §3.
#include <nlohmann/json.hpp>

#include "hub_fixture.h"

namespace mockhub::testing {
namespace {

const std::string kConfig = std::string("/") + kClip + "/resolve/main/config.json";
const std::string kFlux = "/black-forest-labs/FLUX.1-dev/resolve/main/model_index.json";

using HubAuthTest = HubTest;

TEST_F(HubAuthTest, PublicRepoWithoutTokenIs200) {
  EXPECT_EQ(Get(kConfig).status, 200);
  EXPECT_EQ(Get("/api/models/" + std::string(kClip)).status, 200);
}

TEST_F(HubAuthTest, ValidTokenOnPublicRepoIs200) { EXPECT_EQ(Get(kConfig, "hf_bob").status, 200); }

TEST_F(HubAuthTest, UnknownTokenOnPublicRepoIs401InvalidCredentialsWithJsonBody) {
  for (const char* token : {"hf_unknown", "hf_revoked"}) {
    for (const std::string& target :
         {kConfig, "/api/models/" + std::string(kClip), std::string("/api/whoami-v2")}) {
      HttpResponse r = Get(target, token);
      EXPECT_EQ(r.status, 401) << token << " " << target;
      EXPECT_EQ(r.Get("X-Error-Message"), "Invalid credentials in Authorization header");
      EXPECT_FALSE(r.Has("X-Error-Code"));
      EXPECT_EQ(nlohmann::json::parse(r.body)["error"],
                "Invalid credentials in Authorization header");
    }
  }
}

TEST_F(HubAuthTest, RevokedTokenFailsEvenWhereNoTokenIsNeeded) {
  EXPECT_EQ(Get(kConfig).status, 200);
  EXPECT_EQ(Get(kConfig, "hf_revoked").status, 401);
}

TEST_F(HubAuthTest, ExpiredTokenIs401NamingTheToken) {
  HttpResponse r = Get(kConfig, "hf_expired");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Get("X-Error-Message"), "User Access Token \"old-laptop\" is expired");
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "User Access Token \"old-laptop\" is expired");
}

TEST_F(HubAuthTest, TokenExpiresWhenTheServerClockPassesItsExpiry) {
  world_.tokens["hf_alice"].expires_at = kNow + 60;
  EXPECT_EQ(Get(kConfig, "hf_alice").status, 200);
  now_ = kNow + 60;
  HttpResponse r = Get(kConfig, "hf_alice");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Get("X-Error-Message"), "User Access Token \"laptop\" is expired");
}

TEST_F(HubAuthTest, PrivateOrMissingRepoWithoutTokenIs401InvalidUsernameWithoutErrorCode) {
  for (const std::string& target :
       {std::string("/alice/private-model/resolve/main/config.json"),
        std::string("/ghost/model/resolve/main/x"), std::string("/api/models/alice/private-model"),
        std::string("/api/models/ghost/model")}) {
    HttpResponse r = Get(target);
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(r.Get("X-Error-Message"), "Invalid username or password.") << target;
    EXPECT_FALSE(r.Has("X-Error-Code")) << target;
  }
}

TEST_F(HubAuthTest, PrivateRepoOfSomeoneElseOrMissingRepoWithTokenIs404RepoNotFound) {
  for (const std::string& target : {std::string("/alice/private-model/resolve/main/config.json"),
                                    std::string("/ghost/model/resolve/main/config.json")}) {
    HttpResponse r = Get(target, "hf_bob");
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.Get("X-Error-Code"), "RepoNotFound");
    EXPECT_EQ(r.Get("X-Error-Message"), "Repository not found");
  }
}

TEST_F(HubAuthTest, OwnerReadsPrivateRepo) {
  EXPECT_EQ(Get("/alice/private-model/resolve/main/config.json", "hf_alice").status, 200);
}

TEST_F(HubAuthTest, GatedRepoWithoutTokenIs401GatedRepo) {
  HttpResponse r = Get(kFlux);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Get("X-Error-Code"), "GatedRepo");
  EXPECT_EQ(
      r.Get("X-Error-Message"),
      "Access to model black-forest-labs/FLUX.1-dev is restricted. You must have access to it "
      "and be authenticated to access it. Please log in.");
}

TEST_F(HubAuthTest, GatedRepoWithUnapprovedTokenIs403PointingToTheRepoPage) {
  HttpResponse r = Get(kFlux, "hf_bob");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Get("X-Error-Code"), "GatedRepo");
  EXPECT_EQ(
      r.Get("X-Error-Message"),
      "Access to model black-forest-labs/FLUX.1-dev is restricted and you are not in the "
      "authorized list. Visit http://hub.test:1/black-forest-labs/FLUX.1-dev to ask for access.");
}

TEST_F(HubAuthTest, GatedRepoWithFineGrainedTokenWithoutGatedScopeIs403) {
  Token t;
  t.value = "hf_fine";
  t.user = "alice";
  t.name = "fine";
  t.role = TokenRole::kFineGrained;
  t.gated_scope = false;
  world_.tokens[t.value] = t;
  EXPECT_EQ(Get(kFlux, "hf_fine").status, 403);
  world_.tokens[t.value].gated_scope = true;
  EXPECT_EQ(Get(kFlux, "hf_fine").status, 200);
}

TEST_F(HubAuthTest, GatedRepoWithApprovedTokenIs200) {
  EXPECT_EQ(Get(kFlux, "hf_alice").status, 200);
}

TEST_F(HubAuthTest, GatedRepoMetadataAndListingStayReadable) {
  HttpResponse info = Get("/api/models/black-forest-labs/FLUX.1-dev");
  EXPECT_EQ(info.status, 200);
  EXPECT_EQ(nlohmann::json::parse(info.body)["gated"], "manual");
  EXPECT_EQ(Get("/api/models/black-forest-labs/FLUX.1-dev/tree/main").status, 200);
}

TEST_F(HubAuthTest, DisabledRepoIs403) {
  world_.FindRepo(RepoType::kModel, kClip)->disabled = true;
  HttpResponse r = Get(kConfig);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Get("X-Error-Message"), "Access to this resource is disabled.");
}

TEST_F(HubAuthTest, MissingRevisionIs404RevisionNotFound) {
  HttpResponse r = Get(std::string("/") + kClip + "/resolve/nope/config.json");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Get("X-Error-Code"), "RevisionNotFound");
  EXPECT_EQ(r.Get("X-Error-Message"), "Invalid rev id: nope");
}

TEST_F(HubAuthTest, MissingFileIs404EntryNotFoundWithRepoCommit) {
  HttpResponse r = Head(std::string("/") + kClip + "/resolve/main/missing.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Get("X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(r.Get("X-Error-Message"), "Entry not found");
  EXPECT_EQ(r.Get("X-Repo-Commit"), MainCommit().sha);
}

struct OddHeader {
  const char* name;
  std::string value;
  int status;
};

class OddAuthorizationTest : public HubTest, public ::testing::WithParamInterface<OddHeader> {};

TEST_P(OddAuthorizationTest, GetsADefinedAnswer) {
  HttpResponse r = Call("GET", kConfig, {{"Authorization", GetParam().value}});
  EXPECT_EQ(r.status, GetParam().status);
  if (r.status == 401) {
    EXPECT_EQ(r.Get("X-Error-Message"), "Invalid credentials in Authorization header");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Headers, OddAuthorizationTest,
    ::testing::Values(OddHeader{"NoScheme", "hf_alice", 401},
                      OddHeader{"Basic", "Basic aGZfYWxpY2U6", 401},
                      OddHeader{"LowercaseBearer", "bearer hf_alice", 200},
                      OddHeader{"ExtraSpaces", "  Bearer    hf_alice  ", 200},
                      OddHeader{"TrailingNewline", "Bearer hf_alice\n", 200},
                      OddHeader{"EmptyBearer", "Bearer", 401}, OddHeader{"Empty", "", 401},
                      OddHeader{"NonAscii", "Bearer hf_\xc3\xa4lice", 401},
                      OddHeader{"SixteenKilobytes", "Bearer " + std::string(16384, 'x'), 401}),
    [](const ::testing::TestParamInfo<OddHeader>& p) { return p.param.name; });

}  // namespace
}  // namespace mockhub::testing
