// One exit code per error family of the hubget binary: each row a command, an
// environment and mock faults, with the kind and status --json must report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_fixture.h"
#include "fakes.h"

namespace hubget {
namespace {

using nlohmann::json;
using testing::CliTest;
using testing::Env;
using testing::kClipRepo;
using testing::kSmallLfsRepo;
using testing::ProcessResult;

// --- exit codes per family ----------------------------------------------

struct ExitCase {
  std::string name;
  std::vector<std::string> args;
  Env env;
  std::string faults = "[]";
  int exit_code;
  std::string kind;
  int status;  // 0: null
};

class CliExitCodeTest : public CliTest, public ::testing::WithParamInterface<ExitCase> {};

TEST_P(CliExitCodeTest, KindStatusAndExitCode) {
  const ExitCase& c = GetParam();
  ASSERT_NO_FATAL_FAILURE(Start(c.faults));
  std::vector<std::string> args = {"--json"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  Env env = c.env;
  if (env.count("HF_ENDPOINT") && env["HF_ENDPOINT"] == "dead") {
    env["HF_ENDPOINT"] = "http://127.0.0.1:1";  // nothing listens on port 1
  }
  const ProcessResult r = Hubget(args, env);
  EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_EQ(j.value("error", ""), c.kind) << j.dump();
  if (c.status == 0) {
    EXPECT_TRUE(j["status"].is_null()) << j.dump();
  } else {
    EXPECT_EQ(j["status"], c.status) << j.dump();
  }
  EXPECT_FALSE(j.value("message", "").empty());
}

const ExitCase kExitCases[] = {
    {"InvalidToken",
     {"download", kClipRepo, "config.json"},
     {{"HF_TOKEN", "hf_revoked"}},
     "[]",
     3,
     "invalid_token",
     401},
    {"TokenExpired",
     {"download", kClipRepo, "config.json"},
     {{"HUGGING_FACE_HUB_TOKEN", "hf_expired"}},
     "[]",
     3,
     "token_expired",
     401},
    {"GatedAuthRequired",
     {"download", "black-forest-labs/FLUX.1-dev", "model_index.json"},
     {},
     "[]",
     4,
     "gated_auth_required",
     401},
    {"GatedNotAuthorized",
     {"download", "black-forest-labs/FLUX.1-dev", "model_index.json", "--token", "hf_bob"},
     {},
     "[]",
     4,
     "gated_not_authorized",
     403},
    {"AuthRequired",
     {"download", "alice/private-model", "config.json"},
     {},
     "[]",
     4,
     "auth_required",
     401},
    {"RepoNotFound",
     {"download", "alice/private-model", "config.json"},
     {{"HF_TOKEN", "hf_bob"}},
     "[]",
     5,
     "repo_not_found",
     404},
    {"RevisionNotFound",
     {"download", kSmallLfsRepo, "config.json", "--revision", "nope"},
     {},
     "[]",
     5,
     "revision_not_found",
     404},
    {"EntryNotFound", {"download", kSmallLfsRepo, "nope.txt"}, {}, "[]", 5, "entry_not_found", 404},
    {"RateLimited",
     {"download", kSmallLfsRepo, "config.json"},
     {{"HUBGET_MAX_RETRIES", "1"}},
     R"([{"server":"hub","do":{"status":{"code":429,"headers":{"Retry-After":"0"}}}}])",
     6,
     "rate_limited",
     429},
    {"ServerError",
     {"download", kSmallLfsRepo, "config.json"},
     {{"HUBGET_MAX_RETRIES", "1"}},
     R"([{"server":"hub","do":{"status":{"code":503}}}])",
     6,
     "server_error",
     503},
    {"Network",
     {"download", kSmallLfsRepo, "config.json"},
     {{"HF_ENDPOINT", "dead"}, {"HUBGET_MAX_RETRIES", "0"}},
     "[]",
     6,
     "network",
     0},
    {"Integrity",
     {"download", kSmallLfsRepo, "weights.bin"},
     {},
     R"([{"server":"cdn","method":"GET","do":{"corrupt":{"offset":10}}}])",
     7,
     "integrity",
     0},
    {"NotAHub",
     {"download", kSmallLfsRepo, "config.json"},
     {},
     R"([{"server":"hub","method":"HEAD","do":{"drop_headers":["X-Repo-Commit"]}}])",
     7,
     "not_a_hub",
     200},
    {"OfflineNotCached",
     {"download", kSmallLfsRepo, "config.json"},
     {{"HF_HUB_OFFLINE", "1"}},
     "[]",
     8,
     "offline_not_cached",
     0},
    {"Usage",
     {"download", kSmallLfsRepo, "--repo-type", "kernel"},
     {},
     "[]",
     2,
     "invalid_argument",
     0},
};

INSTANTIATE_TEST_SUITE_P(Families, CliExitCodeTest, ::testing::ValuesIn(kExitCases),
                         [](const ::testing::TestParamInfo<ExitCase>& i) { return i.param.name; });

}  // namespace
}  // namespace hubget
