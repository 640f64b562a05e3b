// `hubget download`'s command line beside `hf download`'s: --force-download,
// --dry-run (fetches nothing), folder arguments, --include that does not
// swallow a file, the refusals (--local-dir with --cache-dir, a folder with
// --include, --max-workers out of 1-64), no --repo-type on whoami, and the
// exit codes and variables said once, in `hubget --help`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_fixture.h"
#include "wait_for.h"

namespace hubget {
namespace {

using testing::CliTest;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using testing::kClipRepo;
using ::testing::Not;
using testing::Occurrences;
using testing::ProcessResult;

using CliArgsTest = CliTest;

TEST_F(CliArgsTest, HelpSaysExitCodesAndVariablesOnce) {
  const ProcessResult top = Hubget({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_EQ(Occurrences(top.out, "Exit codes:"), 1) << top.out;
  for (const char* v : {"HF_ENDPOINT", "HF_TOKEN", "HF_HUB_ETAG_TIMEOUT", "HF_HUB_DOWNLOAD_TIMEOUT",
                        "HF_HUB_DISABLE_PROGRESS_BARS", "REQUESTS_CA_BUNDLE", "HTTPS_PROXY"}) {
    EXPECT_THAT(top.out, HasSubstr(v));
  }
  for (const char* sub : {"download", "info", "whoami", "doctor"}) {
    const ProcessResult r = Hubget({sub, "--help"});
    EXPECT_THAT(r.out, Not(HasSubstr("Exit codes:"))) << sub;
  }
  // Every argument has a help text: no bare "repo TEXT" line.
  const ProcessResult doctor = Hubget({"doctor", "--help"});
  EXPECT_THAT(doctor.out, HasSubstr("File of the repo to check"));
  EXPECT_THAT(Hubget({"info", "--help"}).out, HasSubstr("Repo id, e.g. org/name"));
}

TEST_F(CliArgsTest, WhoamiTakesNoRepoType) {
  EXPECT_EQ(Hubget({"whoami", "--repo-type", "dataset"}).exit_code, 2);
}

TEST_F(CliArgsTest, MaxWorkersOutsideOneToSixtyFourIsRefused) {
  for (const char* n : {"0", "-3", "65"}) {
    const ProcessResult r = Hubget({"download", kClipRepo, "--max-workers", n});
    EXPECT_EQ(r.exit_code, 2) << n;
    EXPECT_THAT(r.err, HasSubstr("not in range 1 to 64")) << n;
  }
}

TEST_F(CliArgsTest, LocalDirWithCacheDirIsRefused) {
  const ProcessResult r = Hubget({"download", kClipRepo, "--local-dir", dir.path() + "/out",
                                  "--cache-dir", dir.path() + "/c"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--local-dir and --cache-dir cannot be used together"));
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  EXPECT_TRUE(server->journal().Entries().empty());
}

// `hf download demo/tiny-dataset data/ --repo-type dataset`.
TEST_F(CliArgsTest, AFolderArgumentDownloadsWhatIsUnderIt) {
  const ProcessResult r =
      Hubget({"--json", "download", "demo/tiny-dataset", "data/", "--repo-type", "dataset"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = LastJson(r);
  ASSERT_EQ(j["paths"].size(), 1u) << r.out;
  EXPECT_THAT(j["paths"][0].get<std::string>(), EndsWith("/data/train.csv"));
  const ProcessResult mixed = Hubget(
      {"download", "demo/tiny-dataset", "data/", "--include", "*.csv", "--repo-type", "dataset"});
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_THAT(mixed.err, HasSubstr("use --include 'data/*' instead"));
}

TEST_F(CliArgsTest, IncludeDoesNotSwallowAFile) {
  const ProcessResult r =
      Hubget({"--json", "download", kClipRepo, "--include", "*.json", "config.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = LastJson(r);
  ASSERT_EQ(j["paths"].size(), 1u) << r.out;
  EXPECT_THAT(j["paths"][0].get<std::string>(), EndsWith("/config.json"));
  EXPECT_THAT(j["warnings"].dump(), HasSubstr("ignoring --include: files are given explicitly"));
}

TEST_F(CliArgsTest, DryRunListsSizesAndCachedStateAndFetchesNothing) {
  ASSERT_EQ(Hubget({"download", kClipRepo, "config.json"}).exit_code, 0);
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  server->journal().Clear();
  const ProcessResult r = Hubget({"download", kClipRepo, "--include", "*.json", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("[dry-run] would download 1 of 2 files, 143B"));
  EXPECT_THAT(r.out, HasSubstr("  cached  config.json  243B"));
  EXPECT_THAT(r.out, HasSubstr("  fetch   tokenizer.json  143B"));
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  for (const auto& e : server->journal().Entries()) {
    EXPECT_EQ(e.target.find("/resolve/"), std::string::npos) << e.method << " " << e.target;
    EXPECT_NE(e.server, "cdn");
  }
}

TEST_F(CliArgsTest, ForceDownloadFetchesACachedFileAgain) {
  ASSERT_EQ(Hubget({"download", kClipRepo, "config.json"}).exit_code, 0);
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  server->journal().Clear();
  ASSERT_EQ(Hubget({"download", kClipRepo, "config.json"}).exit_code, 0);  // from the cache
  ASSERT_EQ(Hubget({"download", kClipRepo, "config.json", "--force-download"}).exit_code, 0);
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  int gets = 0;
  for (const auto& e : server->journal().Entries()) {
    gets += e.method == "GET" && e.target.find("/resolve/") != std::string::npos;
  }
  EXPECT_EQ(gets, 1);
}

// The runner's grammar (scenarios/README.md, the adapter contract): options
// as --name=VALUE, then `--`, then the repo and the files. After `--`,
// `--local-dir` is a file name to fetch, not hubget's option.
TEST_F(CliArgsTest, ANameAfterTheDoubleDashIsAFileNotAnOption) {
  const ProcessResult r = Hubget(
      {"--json", "download", "--revision=main", "--", kClipRepo, "--local-dir", "config.json"});
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;  // not found: the repo has no file "--local-dir"
  EXPECT_EQ(LastJson(r).value("error", ""), "entry_not_found") << r.out;
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  bool asked = false;
  for (const auto& e : server->journal().Entries()) {
    asked = asked || e.target.find("/resolve/main/--local-dir") != std::string::npos;
  }
  EXPECT_TRUE(asked) << "no request for the file named --local-dir";
  // Read as an option, it would have made ./config.json a --local-dir.
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/scratch/config.json"));
  const ProcessResult ok = Hubget({"--json", "download", "--", kClipRepo, "config.json"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(LastJson(ok)["paths"][0].get<std::string>(), EndsWith("/config.json"));
}

TEST_F(CliArgsTest, AnOptionValueJoinedWithEqualsIsAValueEvenWithALeadingDash) {
  const ProcessResult r =
      Hubget({"--json", "download", "--revision=-x", "--", kClipRepo, "config.json"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("'-x'")) << "the revision is -x, refused as a ref name";
}

}  // namespace
}  // namespace hubget
