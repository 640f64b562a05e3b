// Expected failures that cannot hide other failures (issue 10, item 8): an
// adapter declares the check it expects to fail, every other check still
// counts, capabilities make algorithm-shaped checks apply only to clients
// that follow that algorithm, and the reports say what was waived and why.
#include <gtest/gtest.h>

#include <string>

#include "runner_fixture.h"

namespace mockhub {
namespace {

// Two checks that a client answering "network" without a request fails:
// the outcome and the count of hub requests.
const char* kTwoChecks = R"({"about": {"description": "d"}, "steps": [{"whoami": {},
    "expect": {"outcome": "ok", "wire": {"requests": [{"server": "hub", "count": 1}]}}}]})";

const char* kNetworkError = R"(echo '{"ok":false,"error":"network"}')";

ExpectedFailure Declare(const std::string& check, const std::string& reason) {
  return ExpectedFailure{"case", "", check, reason};
}

TEST_F(RunnerTest, ADeclaredCheckIsWaivedButAnUndeclaredFailingCheckStillFails) {
  Adapter a = Client(kNetworkError);
  a.expected_failures = {Declare("outcome", "this client has no network")};
  ScenarioResult r = Run(kTwoChecks, a);
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail) << r.reason;
  EXPECT_NE(r.reason.find("expected exactly 1 request(s) hub"), std::string::npos) << r.reason;
  ASSERT_EQ(r.waived.size(), 1u);
  EXPECT_EQ(r.waived[0].check, "outcome");
}

TEST_F(RunnerTest, AScenarioWhoseEveryFailureIsDeclaredIsAnExpectedFailureListingEach) {
  Adapter a = Client(kNetworkError);
  a.expected_failures = {Declare("outcome", "no network"), Declare("wire.*", "asks nothing")};
  ScenarioResult r = Run(kTwoChecks, a);
  EXPECT_EQ(r.status, ScenarioResult::Status::kExpectedFail) << r.reason;
  ASSERT_EQ(r.waived.size(), 2u);
  EXPECT_EQ(r.waived[1].check, "wire.requests");
  EXPECT_EQ(r.waived[1].reason, "asks nothing");
  ASSERT_EQ(r.steps.size(), 1u);
  ASSERT_EQ(r.steps[0].failures.size(), 2u);
  EXPECT_EQ(r.steps[0].failures[0].waived, "no network");
}

TEST_F(RunnerTest, ADeclaredCheckThatPassesIsAnUnexpectedPassNamingIt) {
  // The client succeeds: the outcome holds, only the request count fails.
  Adapter a = Client(R"(echo '{"ok":true}')");
  a.expected_failures = {Declare("outcome", "it used to fail"),
                         Declare("wire.requests", "asks nothing")};
  ScenarioResult r = Run(kTwoChecks, a);
  EXPECT_EQ(r.status, ScenarioResult::Status::kUnexpectedPass);
  EXPECT_NE(r.reason.find("declared that outcome fails (it used to fail)"), std::string::npos)
      << r.reason;
}

TEST_F(RunnerTest, ADeclarationForAnotherStepWaivesNothing) {
  Adapter a = Client(kNetworkError);
  a.expected_failures = {ExpectedFailure{"case", "run 2", "outcome", "r"},
                         Declare("wire.requests", "asks nothing")};
  EXPECT_EQ(Run(kTwoChecks, a).status, ScenarioResult::Status::kFail);
}

TEST_F(RunnerTest, HeadCountsApplyOnlyToClientsThatAskForMetadataByHead) {
  const char* head_once = R"({"about": {"description": "d"}, "steps": [{"whoami": {},
      "expect": {"outcome": "ok",
                 "wire": {"requests": [{"server": "hub", "method": "HEAD", "count": 1}],
                          "head_before_get": true}}}]})";
  // A GET of a resolve URL without a HEAD: both HEAD-shaped checks fail.
  Adapter a = Client(
      "curl -s -o /dev/null \"$HF_ENDPOINT/demo/tiny-model/resolve/main/config.json\"; "
      "echo '{\"ok\":true}'");
  ScenarioResult strict = Run(head_once, a);
  EXPECT_EQ(strict.status, ScenarioResult::Status::kFail);
  EXPECT_NE(strict.details.find("wire.head_before_get"), std::string::npos) << strict.details;
  a.metadata_by_head = false;
  ScenarioResult other_way = Run(head_once, a);
  EXPECT_EQ(other_way.status, ScenarioResult::Status::kPass) << other_way.reason;
}

TEST_F(RunnerTest, TheResumeRangeAppliesOnlyToClientsThatResume) {
  const char* ranged = R"({"about": {"description": "d"}, "steps": [{"whoami": {},
      "expect": {"outcome": "ok", "wire": {"ranges": ["bytes=5-"]}}}]})";
  Adapter a = Client(R"(echo '{"ok":true}')");
  EXPECT_EQ(Run(ranged, a).status, ScenarioResult::Status::kFail);
  a.resume = false;
  EXPECT_EQ(Run(ranged, a).status, ScenarioResult::Status::kPass);
}

TEST_F(RunnerTest, TheReportsShowEachWaivedCheckAndItsReason) {
  Adapter a = Client(kNetworkError);
  a.expected_failures = {Declare("outcome", "no network"),
                         Declare("wire.requests", "asks nothing")};
  const ScenarioResult r = Run(kTwoChecks, a);
  const std::string table = FormatTable({r});
  EXPECT_NE(table.find("waived wire.requests in 1 scenario: asks nothing"), std::string::npos)
      << table;
  const std::string junit = FormatJUnit({r}, "s");
  EXPECT_NE(junit.find("<property name=\"waived " + r.steps[0].name +
                       ": outcome\" value=\"no network\"/>"),
            std::string::npos)
      << junit;
  const std::string html = FormatHtml({r}, "t");
  EXPECT_NE(html.find("class=\"failed waived\""), std::string::npos);
  EXPECT_NE(html.find("data-check=\"wire.requests\""), std::string::npos);
  EXPECT_NE(html.find("waived by the adapter: asks nothing"), std::string::npos);
}

TEST_F(RunnerTest, AdapterFilesNameTheCheckOfEachDeclaredFailure) {
  auto ok = LoadAdapter(Write("ok.adapter.json", R"({"command": ["x"],
      "capabilities": {"metadata_by_head": false, "messages": false},
      "expected_failures": [{"scenarios": "s1*", "check": ["outcome", "files"], "reason": "r"},
                            {"scenarios": "s2", "step": "run 2", "check": "wire.ranges",
                             "reason": "q"}]})"));
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_FALSE(ok.value().metadata_by_head);
  EXPECT_FALSE(ok.value().messages);
  EXPECT_TRUE(ok.value().resume);
  ASSERT_EQ(ok.value().expected_failures.size(), 3u);  // a list of checks: one declaration each
  EXPECT_EQ(ok.value().expected_failures[1].check, "files");
  EXPECT_EQ(ok.value().expected_failures[2].step, "run 2");

  const std::pair<const char*, const char*> kBad[] = {
      {R"({"command": ["x"], "expected_failures": {"s1": "whole scenario"}})",
       "/expected_failures"},
      {R"({"command": ["x"], "messages": false})", "/messages"},
      {R"({"command": ["x"], "capabilities": {"snapshots": false}})", "/capabilities/snapshots"},
      {R"({"command": ["x"], "expected_failures": [{"scenarios": "s", "reason": "r"}]})",
       "/expected_failures/0"},
      {R"({"command": ["x"], "expected_failures": [{"scenarios": "s", "check": ["a", 3],
          "reason": "r"}]})",
       "/expected_failures/0/check/1"},
      {R"({"command": ["x"], "expected_failures": [{"scenarios": "s", "check": "a"}]})",
       "/expected_failures/0"},
  };
  for (const auto& [text, pointer] : kBad) {
    auto bad = LoadAdapter(Write("bad.adapter.json", text));
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.error().pointer, pointer) << bad.error().ToString();
  }
}

}  // namespace
}  // namespace mockhub
