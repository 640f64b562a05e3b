// The hubget binary's --json output: the shape of the one line it prints for a
// download, a snapshot, a failure, a usage error and `info`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_fixture.h"
#include "fakes.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CliTest;
using ::testing::HasSubstr;
using testing::kClipRepo;
using testing::kSmallLfsRepo;
using testing::ProcessResult;
using testing::ReadFile;
using ::testing::StartsWith;

// --- JSON shapes --------------------------------------------------------

TEST_F(CliTest, JsonSuccessListsPathsInTheConfiguredCache) {
  const ProcessResult r = Hubget({"--json", "download", kSmallLfsRepo, "config.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  ASSERT_TRUE(j["paths"].is_array());
  ASSERT_EQ(j["paths"].size(), 1u);
  const std::string path = j["paths"][0];
  EXPECT_THAT(path, StartsWith(Cache() + "/models--new-org--renamed-model/snapshots/"));
  EXPECT_THAT(ReadFile(path), HasSubstr("gpt2"));
  EXPECT_EQ(j["token_source"], "none");
  EXPECT_EQ(j["commit"].get<std::string>().size(), 40u);
  EXPECT_FALSE(j.contains("path"));  // the old duplicate shape is gone
  EXPECT_FALSE(j.contains("files"));
}

TEST_F(CliTest, JsonFlagAfterTheSubcommandGivesTheSameShape) {
  const ProcessResult r = Hubget({"download", kSmallLfsRepo, "config.json", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  EXPECT_EQ(j["paths"].size(), 1u);
}

TEST_F(CliTest, JsonIsTheOnlyStdoutLine) {
  const ProcessResult r = Hubget({"--json", "download", kSmallLfsRepo, "config.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, r.LastLine() + "\n");
}

TEST_F(CliTest, JsonSnapshotListsEachFileInsideTheSnapshotFolder) {
  const ProcessResult r = Hubget({"--json", "download", kClipRepo, "--include", "*.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  const std::string snapshot = j.value("snapshot", "");
  EXPECT_THAT(snapshot,
              StartsWith(Cache() + "/models--InvokeAI--clip-vit-large-patch14/snapshots/"));
  std::vector<std::string> names;
  for (const auto& p : j["paths"]) {
    const std::string path = p;
    EXPECT_THAT(path, StartsWith(snapshot + "/"));
    EXPECT_TRUE(fs::exists(path)) << path;
    names.push_back(path.substr(snapshot.size() + 1));
  }
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("config.json", "tokenizer.json"));
}

TEST_F(CliTest, RepeatedIncludeAndExcludeAfterFiles) {
  const ProcessResult r = Hubget({"--json", "download", kClipRepo, "--include", "config.json",
                                  "--include", "*.safetensors", "--exclude", "*.safetensors"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  ASSERT_EQ(j["paths"].size(), 1u) << j.dump();
  EXPECT_THAT(j["paths"][0].get<std::string>(), ::testing::EndsWith("/config.json"));
}

TEST_F(CliTest, JsonFailureHasTheKindAsAStringAndTheStatus) {
  const ProcessResult r = Hubget({"--json", "download", kSmallLfsRepo, "nope.txt"});
  EXPECT_EQ(r.exit_code, 5);
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  ASSERT_TRUE(j["error"].is_string()) << j.dump();
  EXPECT_EQ(j["error"], "entry_not_found");
  EXPECT_EQ(j["status"], 404);
  EXPECT_THAT(j.value("message", ""), HasSubstr("nope.txt"));
  EXPECT_EQ(j["error_code"], "EntryNotFound");
  EXPECT_FALSE(j.value("request_id", "").empty());
}

TEST_F(CliTest, JsonUsageErrorIsInvalidArgumentWithNullStatus) {
  const ProcessResult r = Hubget({"--json", "download"});
  EXPECT_EQ(r.exit_code, 2);
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "invalid_argument");
  EXPECT_TRUE(j["status"].is_null());
}

TEST_F(CliTest, InfoJsonEndsWithOneObject) {
  const ProcessResult r = Hubget({"--json", "info", "black-forest-labs/FLUX.1-dev"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  EXPECT_EQ(j["id"], "black-forest-labs/FLUX.1-dev");
  EXPECT_EQ(j["gated"], "manual");
  EXPECT_EQ(j["sha"].get<std::string>().size(), 40u);
}

TEST_F(CliTest, InfoJsonFailure) {
  const ProcessResult r = Hubget({"info", "alice/private-model", "--json"});
  EXPECT_EQ(r.exit_code, 4);
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "auth_required");
  EXPECT_EQ(j["status"], 401);
}

}  // namespace
}  // namespace hubget
