// The cache expectation "incomplete": false (no *.incomplete may remain),
// true (a partial must be kept, for the next run to resume) or N (one of
// exactly N bytes), checked against what a stand-in client leaves in the
// cache; and "no_incomplete": false, which used to check nothing, refused.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/runner/scenario_result.h"
#include "temp_dir_test.h"

namespace mockhub {
namespace {

namespace fs = std::filesystem;

class IncompleteExpectTest : public testsupport::TempDirTest {
 protected:
  std::string Scenario(const std::string& cache) {
    return R"({"about": {"description": "d"}, "steps": [{"download": {"repo": "InvokeAI/clip-vit-large-patch14",
      "files": ["model.safetensors"]}, "expect": {"outcome": "network", "cache": )" +
           cache + "}}]}";
  }
  Loaded<mockhub::Scenario> Load(const std::string& cache) {
    const std::string path = dir_ + "/case.json";
    std::ofstream(path) << Scenario(cache);
    return LoadScenario(path);
  }
  // A client that leaves `bytes` bytes in a partial (none when negative) and
  // reports a network error, as one whose connection was cut.
  ScenarioResult Run(const std::string& cache, int bytes) {
    auto sc = Load(cache);
    EXPECT_TRUE(sc.ok()) << (sc.ok() ? "" : sc.error().ToString());
    if (!sc.ok()) return {};
    const std::string client = dir_ + "/client.sh";
    std::ofstream(client)
        << "#!/bin/sh\nb=\"$HF_HUB_CACHE/models--InvokeAI--clip-vit-large-patch14/"
           "blobs\"\nmkdir -p \"$b\"\n"
        << (bytes < 0
                ? std::string()
                : "head -c " + std::to_string(bytes) + " /dev/zero > \"$b/0123.incomplete\"\n")
        << "echo '{\"ok\":false,\"error\":\"network\"}'\n";
    ::chmod(client.c_str(), 0755);
    RunOptions opts;
    opts.adapter.name = "stand-in";
    opts.adapter.command = {client};
    return RunScenario(sc.value(), opts);
  }
};

using Status = ScenarioResult::Status;

TEST_F(IncompleteExpectTest, TrueNeedsAKeptPartial) {
  EXPECT_EQ(Run(R"({"incomplete": true})", 100).status, Status::kPass);
  ScenarioResult r = Run(R"({"incomplete": true})", -1);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.reason.find("expected a partial download kept as *.incomplete"), std::string::npos)
      << r.reason;
}

TEST_F(IncompleteExpectTest, FalseAndNoIncompleteTrueRefuseALeftover) {
  EXPECT_EQ(Run(R"({"incomplete": false})", -1).status, Status::kPass);
  for (const char* cache : {R"({"incomplete": false})", R"({"incomplete": false})"}) {
    ScenarioResult r = Run(cache, 100);
    EXPECT_EQ(r.status, Status::kFail) << cache;
    EXPECT_NE(r.reason.find("1 *.incomplete file(s) left in"), std::string::npos) << r.reason;
  }
}

TEST_F(IncompleteExpectTest, AByteCountNeedsAPartialOfThatSize) {
  EXPECT_EQ(Run(R"({"incomplete": 100})", 100).status, Status::kPass);
  ScenarioResult r = Run(R"({"incomplete": 64})", 100);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.reason.find("expected a *.incomplete file of 64 bytes"), std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("found: 100 bytes"), std::string::npos) << r.reason;
}

TEST_F(IncompleteExpectTest, AbsentChecksNothing) {
  EXPECT_EQ(Run(R"({"blobs": 0})", 100).status, Status::kPass);
}

TEST_F(IncompleteExpectTest, NoIncompleteFalseIsRefusedNamingTheNewKey) {
  auto sc = Load(R"({"no_incomplete": false})");
  ASSERT_FALSE(sc.ok());
  EXPECT_EQ(sc.error().pointer, "/steps/0/expect/cache/no_incomplete");
  EXPECT_NE(sc.error().reason.find("\"incomplete\": true"), std::string::npos) << sc.error().reason;
}

TEST_F(IncompleteExpectTest, BothKeysOrAnotherTypeAreRefused) {
  auto both = Load(R"({"incomplete": false, "no_incomplete": true})");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().reason.find("not both"), std::string::npos);
  for (const char* bad : {R"({"incomplete": "kept"})", R"({"incomplete": -1})"}) {
    auto sc = Load(bad);
    ASSERT_FALSE(sc.ok()) << bad;
    EXPECT_EQ(sc.error().pointer, "/steps/0/expect/cache/incomplete") << bad;
  }
}

}  // namespace
}  // namespace mockhub
