// The write seam (site.h's Decision, hub_change.h): a decision returns hub
// changes beside its answer, and a change applies to the live state as the
// runner's steps, POST /_mockhub/steps and the "step" fault verb apply it.
// The request flow applying a request's changes is shown through real
// sockets in fault_step_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mockhub/json/json_checker.h"
#include "mockhub/sites/site.h"
#include "mockhub/world/hub_change.h"
#include "mockhub/world/world_json.h"

namespace mockhub {
namespace {

using nlohmann::json;

// A site of our own whose decision writes: it expires the token it was sent.
Decision DecideAndExpire(const HttpRequest& req, const World&, const SiteContext&) {
  Decision d;
  d.answer.status = 204;
  HubChange expire;
  expire.kind = HubChange::Kind::kExpireToken;
  expire.token = req.Header("Authorization").substr(7);
  d.changes.push_back(expire);
  return d;
}

TEST(WriteSeamTest, DecideAtKeepsTheChangesBesideTheAnswerWithItsCredentialFlags) {
  const Site site{"test", "127.0.0.9", Credential::kNone, &DecideAndExpire, false};
  const HttpRequest req{"GET", "/x", {{"Authorization", "Bearer hf_alice"}}, ""};
  const Decision d = DecideAt(site, req, World{}, SiteContext{});
  EXPECT_EQ(d.answer.status, 204);
  EXPECT_EQ(d.answer.flags, std::vector<std::string>{"token_leak"});
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].token, "hf_alice");
  EXPECT_EQ(AnswerAt(site, req, World{}, SiteContext{}).status, 204);
}

TEST(WriteSeamTest, AnAnswerAloneIsADecisionThatChangesNothing) {
  HttpResponse res;
  res.status = 418;
  const Decision d = res;
  EXPECT_EQ(d.answer.status, 418);
  EXPECT_TRUE(d.changes.empty());
}

HubChange Parsed(const std::string& text) {
  JsonChecker c("t.json");
  HubChange out;
  EXPECT_TRUE(ParseHubChange(c, json::parse(text), "/step", out)) << c.error().ToString();
  return out;
}

TEST(WriteSeamTest, ApplyHubChangeChangesTheLiveState) {
  HubState state(DemoWorld());
  const double before = state.Now();
  ASSERT_TRUE(ApplyHubChange(Parsed(R"({"advance_clock": 3600})"), state).ok());
  EXPECT_NEAR(state.Now() - before, 3600, 60);
  ASSERT_TRUE(ApplyHubChange(Parsed(R"({"revoke_token": "hf_alice"})"), state).ok());
  EXPECT_EQ(state.Snapshot()->FindToken("hf_alice")->state, TokenState::kRevoked);
}

TEST(WriteSeamTest, AChangeTheStateCannotTakeChangesNothingAndSaysWhy) {
  HubState state(DemoWorld());
  const Status missing = ApplyHubChange(Parsed(R"({"expire_token": "hf_nobody"})"), state);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  HubChange past;
  past.seconds = kMaxAdvanceSeconds + 1;  // built in code, past what a file may say
  const double before = state.Now();
  EXPECT_EQ(ApplyHubChange(past, state).code(), StatusCode::kInvalidArgument);
  EXPECT_LT(state.Now() - before, 60);
}

}  // namespace
}  // namespace mockhub
