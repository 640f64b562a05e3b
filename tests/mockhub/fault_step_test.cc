// The "step" fault verb through real sockets: a hub change applied when a
// matching request arrives, once its answer is decided (the write seam of
// request_flow.h); and its checks when a scenario holds it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mockhub/faults/faults.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"
#include "temp_dir_test.h"
#include "wait_for.h"

namespace mockhub {
namespace {

using nlohmann::json;
using testsupport::GetUrl;
using testsupport::RawResponse;
using testsupport::Request;

const std::string kAe = "/black-forest-labs/FLUX.1-schnell/resolve/main/ae.safetensors";

std::unique_ptr<MockServer> Serve(const std::string& faults) {
  ServerOptions opts;
  auto set = FaultSet::FromJson(json::parse(faults), "test.json", "/faults");
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().ToString());
  if (set.ok()) opts.faults = set.value();
  auto started = MockServer::Start(DemoWorld(), opts);
  EXPECT_TRUE(started) << started.status().message();
  return started ? std::move(*started) : nullptr;
}

// The rel="xet-auth" URL of a Link header.
std::string XetAuthUrl(const std::string& link) {
  const auto rel = link.find("rel=\"xet-auth\"");
  const auto open = link.rfind('<', rel);
  return link.substr(open + 1, link.find('>', open) - open - 1);
}

std::vector<JournalEntry> Reconstructions(const Journal& journal) {
  std::vector<JournalEntry> out;
  for (const JournalEntry& e : journal.Entries()) {
    if (e.server == "cas" && e.target.find("/reconstructions/") != std::string::npos)
      out.push_back(e);
  }
  return out;
}

TEST(FaultStepTest, AdvancesTheClockOnceAtTheSecondMatchingRequestAndLeavesItsAnswer) {
  auto server = Serve(R"([{"server": "cas", "path": "/v*/reconstructions/*",
                           "when": {"only": [2]}, "do": {"step": {"advance_clock": 3600}}}])");
  ASSERT_TRUE(server);
  RawResponse head = Request(server->hub_url(), "HEAD", kAe);
  RawResponse grant = GetUrl(XetAuthUrl(head.Header("Link")));
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string token = json::parse(grant.body)["accessToken"];
  const std::string url = server->url("cas") + "/v2/reconstructions/" + head.Header("X-Xet-Hash");
  const double start = server->state().Now();
  auto rebuild = [&] { return GetUrl(url, {{"Authorization", "Bearer " + token}}); };

  RawResponse first = rebuild();
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_LT(server->state().Now() - start, 60) << "attempt 1 changes nothing";
  // Attempt 2 is answered as the hub stood (the token still valid), then
  // the clock jumps.
  RawResponse second = rebuild();
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json::parse(second.body)["terms"], json::parse(first.body)["terms"]);
  EXPECT_NEAR(server->state().Now() - start, 3600, 60);
  RawResponse third = rebuild();
  EXPECT_EQ(third.status, 401) << "the CAS token expired right after the second reconstruction";
  EXPECT_NE(third.body.find("expired"), std::string::npos) << third.body;
  EXPECT_NEAR(server->state().Now() - start, 3600, 60) << "once, not at every later attempt";

  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  const auto recs = Reconstructions(server->journal());
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_FALSE(recs[0].HasFlag("fault:step"));
  EXPECT_TRUE(recs[1].HasFlag("fault:step"));
  EXPECT_FALSE(recs[2].HasFlag("fault:step"));
  EXPECT_LT(recs[1].time - start, 60) << "the second request arrived before the change";
  EXPECT_GT(recs[2].time - start, 3500);
}

TEST(FaultStepTest, AChangeThatCannotApplyIsFlaggedAndTheAnswerStands) {
  auto server = Serve(R"([{"server": "hub", "path": "/api/whoami-v2",
                           "do": {"step": {"revoke_token": "hf_nobody_has_this"}}}])");
  ASSERT_TRUE(server);
  RawResponse r =
      Request(server->hub_url(), "GET", "/api/whoami-v2", {{"Authorization", "Bearer hf_alice"}});
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  const auto entries = server->journal().Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries[0].HasFlag("fault:step"));
  EXPECT_TRUE(entries[0].HasFlag("step_failed"));
}

TEST(FaultStepTest, RevokesATokenForTheRequestsAfterTheMatchingOne) {
  auto server = Serve(R"([{"server": "hub", "path": "/api/whoami-v2", "when": {"first": 1},
                           "do": {"step": {"revoke_token": "hf_alice"}}}])");
  ASSERT_TRUE(server);
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"Authorization", "Bearer hf_alice"}};
  EXPECT_EQ(Request(server->hub_url(), "GET", "/api/whoami-v2", auth).status, 200);
  EXPECT_EQ(Request(server->hub_url(), "GET", "/api/whoami-v2", auth).status, 401);
}

using FaultStepScenarioTest = testsupport::TempDirTest;

TEST_F(FaultStepScenarioTest, AStepFaultNamingWhatTheWorldLacksIsALoadErrorAtItsPointer) {
  const std::string path = dir_ + "/s.json";
  std::ofstream(path) << R"({"about": {"description": "d"},
    "faults": [{"do": {"delay": {"ms": 1}}},
               {"do": {"step": {"revoke_token": "hf_nobody_has_this"}}}],
    "steps": [{"whoami": {}}]})";
  const std::vector<LoadError> errors = ScenarioErrors(path);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/faults/1/do/step");
  EXPECT_NE(errors[0].reason.find("no token"), std::string::npos) << errors[0].reason;
}

}  // namespace
}  // namespace mockhub
