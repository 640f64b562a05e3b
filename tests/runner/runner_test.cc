// The scenario runner with stand-in clients (small shell scripts): token
// placement, environment scrubbing, outcome and wire checks, expected
// failures, timeouts, and load errors that point into the file.
#include "mockhub/runner/runner.h"
#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/scenario_result.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "mockhub/runner/scenario.h"
#include "runner_fixture.h"
#include "wait_for.h"

namespace mockhub {
namespace {

namespace fs = std::filesystem;

TEST_F(RunnerTest, ClientEnvironmentIsScrubbedAndPointsAtTheMock) {
  ::setenv("HF_TOKEN", "hf_the_users_real_token", 1);
  ::setenv("HF_HUB_OFFLINE", "1", 1);
  const std::string real_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ScenarioResult r =
      Run(kWhoamiOk,
          Client("[ -z \"${HF_TOKEN:-}\" ] && [ -z \"${HF_HUB_OFFLINE:-}\" ] && [ \"$HOME\" != \"" +
                 real_home +
                 "\" ] && [ \"$HF_HUB_CACHE\" = \"$HF_HOME/hub\" ] && curl -sf "
                 "\"$HF_ENDPOINT/_mockhub/health\" >/dev/null "
                 "&& echo '{\"ok\":true}' || echo '{\"ok\":false,\"error\":\"network\"}'"));
  ::unsetenv("HF_TOKEN");
  ::unsetenv("HF_HUB_OFFLINE");
  EXPECT_EQ(r.status, ScenarioResult::Status::kPass) << r.reason << "\n" << r.details;
}

TEST_F(RunnerTest, TokenIsPlacedWhereTheScenarioSays) {
  const std::string check =
      "case \"$1\" in --token=*) t=${1#--token=};; *) "
      "t=${HF_TOKEN:-${HUGGING_FACE_HUB_TOKEN:-$(cat "
      "${HF_TOKEN_PATH:-$HF_HOME/token} "
      "2>/dev/null)}};; esac\n[ \"$t\" = hf_x ] && echo '{\"ok\":true}' || echo "
      "'{\"ok\":false,\"error\":\"auth_required\"}'";
  for (const char* source :
       {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "token_file", "HF_TOKEN_PATH", "argument"}) {
    ScenarioResult r =
        Run(std::string(R"({"about": {"description": "d"}, "client": {"token": {"source": ")") +
                source +
                R"(", "value": "hf_x"}}, "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})",
            Client(check));
    EXPECT_EQ(r.status, ScenarioResult::Status::kPass) << source << ": " << r.reason;
  }
}

TEST_F(RunnerTest, SeveralPlacementsAtOnceAndAClientStepWithoutTokenKeepsThem) {
  const std::string s = R"({"about": {"description": "d"},
    "client": {"token": [{"source": "HF_TOKEN", "value": "hf_env"}, {"source": "token_file", "value": "hf_file"}]},
    "steps": [{"whoami": {}, "expect": {"outcome": "ok"}},
              {"client": {"env": {"HF_HUB_ETAG_TIMEOUT": "3"}}},
              {"whoami": {}, "expect": {"outcome": "ok"}},
              {"client": {"token": "none"}},
              {"whoami": {}, "expect": {"outcome": "auth_required"}}]})";
  ScenarioResult r = Run(s, Client("[ \"${HF_TOKEN:-}\" = hf_env ] && [ \"$(cat $HF_HOME/token "
                                   "2>/dev/null)\" = hf_file ] && echo '{\"ok\":true}' "
                                   "|| echo '{\"ok\":false,\"error\":\"auth_required\"}'"));
  EXPECT_EQ(r.status, ScenarioResult::Status::kPass) << r.reason << r.details;
}

TEST_F(RunnerTest, WrongOutcomeFailsSayingWhatWasExpectedAndSeen) {
  ScenarioResult r =
      Run(kWhoamiOk, Client(R"(echo '{"ok":false,"error":"network","message":"boom"}')"));
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail);
  EXPECT_NE(r.reason.find("expected outcome ok, got network: boom"), std::string::npos) << r.reason;
}

TEST_F(RunnerTest, NoJsonLineIsAFailureWithTheLineShown) {
  ScenarioResult r = Run(kWhoamiOk, Client("echo 'all good!'"));
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail);
  EXPECT_NE(r.reason.find("last stdout line is not JSON: all good!"), std::string::npos)
      << r.reason;
}

TEST_F(RunnerTest, WireChecksSeeATokenSentToTheCdnWhateverTheClientSays) {
  ScenarioResult r = Run(
      R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"outcome": "ok",
          "wire": {"token_to_cdn": false, "requests": [{"server": "cdn", "count": 1}]}}}]})",
      Client("curl -s -o /dev/null -H 'Authorization: Bearer hf_alice' \"$MOCKHUB_CDN/repos/x\"; "
             "echo '{\"ok\":true}'"));
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail);
  EXPECT_NE(r.reason.find("a token reached the CDN in 1 request(s)"), std::string::npos)
      << r.reason;
  EXPECT_NE(r.details.find("cdn GET /repos/x -> 403"), std::string::npos) << r.details;
  EXPECT_EQ(r.details.find("hf_alice"), std::string::npos) << "a whole token in the report";
}

TEST_F(RunnerTest, XetWireChecksSeeAHubTokenSentToTheCasAndTheCasSiteIsInTheEnvironment) {
  ScenarioResult r = Run(
      R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"outcome": "ok",
          "wire": {"hub_token_to_cas": false, "cas_token_to_hub": false,
                   "requests": [{"server": "cas", "count": 1, "status": 401}]}}}]})",
      Client("curl -s -o /dev/null -H 'Authorization: Bearer hf_alice' "
             "\"$MOCKHUB_CAS/v2/reconstructions/x\"; echo '{\"ok\":true}'"));
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail);
  EXPECT_NE(r.reason.find("a Hub token (or another bearer) reached the CAS in 1 request(s)"),
            std::string::npos)
      << r.reason << "\n"
      << r.details;
  EXPECT_EQ(r.details.find("hf_alice"), std::string::npos) << "a whole token in the report";
}

TEST_F(RunnerTest, AHangingClientIsKilledAtTheTimeout) {
  ScenarioResult r = Run(kWhoamiOk, Client("sleep 30; echo '{\"ok\":true}'"), 1);
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail);
  EXPECT_NE(r.reason.find("killed after 1 s"), std::string::npos) << r.reason;
  EXPECT_LT(r.seconds, 10.0);
}

// Issue 12, H6: closing both pipes must not take the client out of the
// timeout's reach, nor leave what it started running. The client would
// outlive the 1 s timeout by 20 s; it prints its grandchild's pid (on
// stdout: a contained client may write nowhere else the test can read)
// before both close their output.
TEST_F(RunnerTest, AClientThatClosesItsOutputIsStillKilledAtTheTimeoutWithItsGroup) {
  ScenarioResult r = Run(kWhoamiOk,
                         Client("sh -c 'exec sleep 20' >&- 2>&- &\necho \"grandchild=$!\"\n"
                                "exec >&- 2>&-; sleep 20"),
                         1);
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail);
  EXPECT_NE(r.reason.find("killed after 1 s"), std::string::npos) << r.reason;
  EXPECT_LT(r.seconds, 10.0);
  const auto at = r.details.find("grandchild=");
  ASSERT_NE(at, std::string::npos) << r.details;
  const std::string pid = r.details.substr(at + 11, r.details.find('\n', at) - at - 11);
  ASSERT_FALSE(pid.empty()) << r.details;
  // Gone, or a zombie waiting for init to reap it: no longer running.
  EXPECT_TRUE(testsupport::WaitFor(
      [&] {
        std::ifstream stat("/proc/" + pid + "/stat");
        std::string field;
        for (int i = 0; i < 3 && stat >> field; ++i) {
        }
        return !stat || field == "Z";
      },
      "the grandchild " + pid + " to be killed"));
}

TEST_F(RunnerTest, HubChangesApplyBetweenSteps) {
  const std::string s =
      R"({"about": {"description": "d"}, "client": {"token": {"source": "HF_TOKEN", "value": "hf_alice"}},
    "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}, {"revoke_token": "hf_alice"},
              {"whoami": {}, "expect": {"outcome": "invalid_token"}}]})";
  ScenarioResult r =
      Run(s, Client("code=$(curl -s -o /dev/null -w '%{http_code}' -H \"Authorization: Bearer "
                    "$HF_TOKEN\" \"$HF_ENDPOINT/api/whoami-v2\")\n"
                    "[ \"$code\" = 200 ] && echo '{\"ok\":true}' || echo "
                    "'{\"ok\":false,\"error\":\"invalid_token\"}'"));
  EXPECT_EQ(r.status, ScenarioResult::Status::kPass) << r.reason << r.details;
}

TEST_F(RunnerTest, LoadErrorsPointIntoTheFile) {
  EXPECT_EQ(LoadFails(R"({"about": {"description": "d"}, "steps": [{"dance": {}}]})").pointer,
            "/steps/0/dance");
  EXPECT_EQ(
      LoadFails(R"({"about": {"description": "d"}, "steps": [{"revoke_token": "hf_nobody"}]})")
          .pointer,
      "/steps/0");
  EXPECT_EQ(
      LoadFails(
          R"({"about": {"description": "d"}, "steps": [{"download": {"repo": "ghost/x", "files": ["a"]},
                          "expect": {"outcome": "ok"}}]})")
          .pointer,
      "/steps/0/download/repo");
  EXPECT_EQ(
      LoadFails(
          R"({"about": {"description": "d"}, "hub": {"patch": {"repos": {"a/b": {"files": {"x": {"size": "big"}}}}}},
                          "steps": [{"whoami": {}}]})")
          .pointer,
      "/hub/patch/repos/a~1b/files/x/size");
  EXPECT_EQ(
      LoadFails(
          R"({"about": {"description": "d"}, "client": {"cache": [{"repo": "InvokeAI/clip-vit-large-patch14",
                          "path": "config.json", "partial_bytes": 999999}]}, "steps": [{"whoami": {}}]})")
          .pointer,
      "/client/cache/0/partial_bytes");
  EXPECT_EQ(
      LoadFails(
          R"({"about": {"description": "d"}, "faults": [{"do": {"explode": {}}}], "steps": [{"whoami": {}}]})")
          .pointer,
      "/faults/0/do/explode");
  EXPECT_EQ(
      LoadFails(
          R"({"about": {"description": "d"}, "client": {"env": {"HF_TOKEN": "x"}}, "steps": [{"whoami": {}}]})")
          .pointer,
      "/client/env/HF_TOKEN");
}

TEST_F(RunnerTest, TableAndJUnitSummariseResults) {
  std::vector<ScenarioResult> results(2);
  results[0].name = "a";
  results[1].name = "b";
  results[1].status = ScenarioResult::Status::kFail;
  results[1].reason = "expected <ok>";
  const std::string table = FormatTable(results);
  EXPECT_NE(table.find("1 passed, 1 failed"), std::string::npos) << table;
  const std::string xml = FormatJUnit(results, "s");
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("expected &lt;ok&gt;"), std::string::npos) << xml;
}

}  // namespace
}  // namespace mockhub
