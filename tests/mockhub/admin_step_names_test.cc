// Hub-change steps posted to the admin API (POST /_mockhub/steps, through a
// real socket, with the step handler `mockhub serve` installs) pass the
// world loader's name rules (issue 25, R1): a branch or repo id a world file
// could not hold is a 400 at its pointer and changes nothing, and the clock
// never passes the year 9999 (N14).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "admin_fixture.h"
#include "mockhub/world/hub_state.h"
#include "raw_http.h"

namespace mockhub {
namespace {

using nlohmann::json;
using testsupport::RawResponse;
using testsupport::SendRaw;

const std::string kRepo = "InvokeAI/ip_adapter_sd_image_encoder";

class AdminStepNamesTest : public AdminServerTest {
 protected:
  RawResponse Post(const json& body) {
    return AdminServerTest::Post("/_mockhub/steps", body.dump());
  }
  const Repo& TheRepo() {
    world_ = server_->state().Snapshot();
    return *world_->FindRepo(RepoType::kModel, kRepo);
  }
  std::shared_ptr<const World> world_;
};

TEST_F(AdminStepNamesTest, MoveBranchToANameTheWorldCouldNotHoldIsRefusedAtItsPointer) {
  const std::size_t before = TheRepo().branches.size();
  for (const std::string& branch :
       {std::string("../../x"), std::string("a/../b"), std::string("/abs"), std::string("a\\b"),
        std::string("-x"), std::string("a\0b", 3), std::string("refs/heads/x")}) {
    const RawResponse r =
        Post({{"move_branch", {{"repo", kRepo}, {"branch", branch}, {"to", "initial"}}}});
    EXPECT_EQ(r.status, 400) << json(branch).dump() << ": " << r.body;
    EXPECT_EQ(Body(r)["pointer"], "/move_branch/branch") << r.body;
    EXPECT_NE(r.body.find("invalid branch name"), std::string::npos) << r.body;
  }
  EXPECT_EQ(TheRepo().branches.size(), before) << "no branch was added";
  const RawResponse ok =
      Post({{"move_branch", {{"repo", kRepo}, {"branch", "release/1.x"}, {"to", "main"}}}});
  EXPECT_NE(ok.status, 400) << "a good name passes the name check: " << ok.body;
}

TEST_F(AdminStepNamesTest, RenameToAnIdTheWorldCouldNotHoldIsRefusedAtItsPointer) {
  for (const char* to : {"../../x", "a/b/c", "-a/b", "a--b/c", "/abs"}) {
    const RawResponse r = Post({{"rename", {{"repo", kRepo}, {"to", to}}}});
    EXPECT_EQ(r.status, 400) << to << ": " << r.body;
    EXPECT_EQ(Body(r)["pointer"], "/rename/to") << r.body;
    EXPECT_NE(r.body.find("invalid repo id"), std::string::npos) << r.body;
  }
  EXPECT_NE(server_->state().Snapshot()->FindRepo(RepoType::kModel, kRepo), nullptr)
      << "the repo kept its id";
}

TEST_F(AdminStepNamesTest, AdvanceClockNeverTakesTheClockPastTheYear9999) {
  int refused = 0;
  for (int i = 0; i < 90 && refused == 0; ++i) {  // 100 years a step
    const RawResponse r = Post({{"advance_clock", 3155760000.0}});
    if (r.status == 200) continue;
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("9999-12-31T23:59:59Z"), std::string::npos) << r.body;
    ++refused;
  }
  EXPECT_EQ(refused, 1) << "80 centuries reach the year 9999";
  EXPECT_LE(server_->state().Now(), static_cast<double>(HubState::kLatestTime));
}

}  // namespace
}  // namespace mockhub
