// A step's requests are taken from the journal by sequence number (issue 25,
// N4): once the journal's bound has dropped its oldest entries, a later step
// still sees its own, and a step that outgrows the bound fails with
// journal.dropped instead of passing its wire checks on a partial view. The
// bound is lowered to 50 entries so the flood is 60 requests, not 20,000.
#include <gtest/gtest.h>

#include <string>

#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/runner/scenario_result.h"
#include "runner_fixture.h"

namespace mockhub {
namespace {

class JournalBoundTest : public RunnerTest {
 protected:
  ScenarioResult RunBounded(const std::string& scenario, const Adapter& adapter) {
    auto sc = LoadScenario(Write("case.json", scenario));
    EXPECT_TRUE(sc.ok()) << (sc.ok() ? "" : sc.error().ToString());
    if (!sc.ok()) return {};
    RunOptions opts;
    opts.adapter = adapter;
    opts.step_timeout_seconds = 60;
    opts.journal_max_entries = 50;
    return RunScenario(sc.value(), opts);
  }
};

// n hub requests (curl's URL globbing) without a token.
std::string Flood(int n) {
  return "curl -s \"$HF_ENDPOINT/api/whoami-v2?n=[1-" + std::to_string(n) + "]\" >/dev/null";
}
// One CDN request carrying a token: what a leak check must see.
const char* kLeak =
    "curl -s -o /dev/null -H 'Authorization: Bearer hf_alice' \"$MOCKHUB_CDN/repos/x\"";

// Two client steps; the client floods on the first run and leaks on the
// second.
const char* kFloodThenLeakCheck = R"({"about": {"description": "d"}, "steps": [
    {"name": "flood", "whoami": {}},
    {"name": "leak check", "whoami": {}, "expect": {"wire": {"token_to_cdn": false}}}]})";

TEST_F(JournalBoundTest, AStepAfterTheJournalDroppedItsOldestStillSeesItsOwnRequests) {
  // The flood fills the journal to its bound without overflowing it: by
  // position, the next step's requests would be found past its end.
  const Adapter client =
      Client(std::string("if [ -e flooded ]; then ") + kLeak + "; else touch flooded; " +
             Flood(50) + "; fi; echo '{\"ok\":true}'");
  ScenarioResult r = RunBounded(kFloodThenLeakCheck, client);
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail) << r.reason << "\n" << r.details;
  EXPECT_NE(r.reason.find("leak check: a token reached the CDN in 1 request(s)"), std::string::npos)
      << r.reason;
  ASSERT_EQ(r.steps.size(), 2u);
  ASSERT_EQ(r.steps[1].entries.size(), 1u) << "the leak check's own request";
  EXPECT_EQ(r.steps[1].entries[0].server, "cdn");
  EXPECT_EQ(r.steps[0].entries.size(), 50u) << "the whole flood";
  EXPECT_TRUE(r.steps[0].failures.empty());
}

TEST_F(JournalBoundTest, AStepWhoseRequestsWereDroppedFailsInsteadOfCheckingAPartialView) {
  // The leak comes first, then 60 requests push it out of the journal.
  const Adapter client = Client(std::string(kLeak) + "; " + Flood(60) + "; echo '{\"ok\":true}'");
  ScenarioResult r = RunBounded(R"({"about": {"description": "d"}, "steps": [
      {"name": "leaky flood", "whoami": {}, "expect": {"outcome": "ok",
       "wire": {"token_to_cdn": false}}}]})",
                                client);
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail) << r.reason << "\n" << r.details;
  EXPECT_NE(r.reason.find("leaky flood: the journal dropped 11 of this step's requests (it keeps "
                          "50 requests or 32 MiB)"),
            std::string::npos)
      << r.reason;
  ASSERT_EQ(r.steps.size(), 1u);
  ASSERT_EQ(r.steps[0].failures.size(), 1u) << "the wire is not checked on what is left";
  EXPECT_EQ(r.steps[0].failures[0].check, "journal.dropped");
}

TEST_F(JournalBoundTest, ADroppedJournalIsNotWaivedByADeclarationOfEveryCheck) {
  Adapter client = Client(Flood(60) + "; echo '{\"ok\":true}'");
  client.expected_failures.push_back({"*", "", "*", "the client is known to fail everything"});
  ScenarioResult r = RunBounded(R"({"about": {"description": "d"}, "steps": [
      {"name": "flood", "whoami": {}, "expect": {"outcome": "ok"}}]})",
                                client);
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail) << r.reason;
  EXPECT_NE(r.reason.find("the journal dropped 10 of this step's requests"), std::string::npos)
      << r.reason;
  EXPECT_TRUE(r.waived.empty());
}

TEST_F(JournalBoundTest, EveryReportStatesTheJournalsBound) {
  ScenarioResult r = RunBounded(kWhoamiOk, Client("echo '{\"ok\":true}'"));
  ASSERT_EQ(r.status, ScenarioResult::Status::kPass) << r.reason;
  const std::string table = FormatTable({r});
  EXPECT_NE(table.find("journal: each scenario's mock keeps its last 50 requests or 32 MiB; a "
                       "step that makes more fails (journal.dropped)"),
            std::string::npos)
      << table;
  const std::string junit = FormatJUnit({r}, "suite");
  EXPECT_NE(junit.find("<property name=\"journal_bound\" value=\"50 requests or 32 MiB\"/>"),
            std::string::npos)
      << junit;
  const std::string html = FormatHtml({r}, "t");
  EXPECT_NE(html.find("keeps its last 50 requests or 32 MiB in its journal"), std::string::npos);
}

}  // namespace
}  // namespace mockhub
