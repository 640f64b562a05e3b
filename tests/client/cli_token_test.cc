// Tokens through the hubget binary: a --token before the subcommand, the token
// file in HF_HOME, the stale-token message, --no-token, a token with a line
// break, and an error header that is not UTF-8.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "canned_server.h"
#include "cli_fixture.h"
#include "fakes.h"
#include "wait_for.h"

namespace hubget {
namespace {

using nlohmann::json;
using testing::CliTest;
using ::testing::HasSubstr;
using testing::kClipRepo;
using ::testing::Not;
using testing::ProcessResult;
using testing::ReadFile;

// --- tokens -------------------------------------------------------------

TEST_F(CliTest, TokenBeforeTheSubcommandIsSent) {
  const ProcessResult r = Hubget({"--json", "--token", "hf_alice", "whoami"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  EXPECT_EQ(j["name"], "alice");
  EXPECT_EQ(j["token_source"], "explicit");
}

TEST_F(CliTest, TokenBeforeTheSubcommandOpensAPrivateRepo) {
  const ProcessResult r =
      Hubget({"--json", "--token", "hf_alice", "download", "alice/private-model", "config.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(ReadFile(LastJson(r)["paths"][0]), HasSubstr("bert"));
}

TEST_F(CliTest, TokenFileInHfHomeIsUsed) {
  testing::WriteFile(HfHome() + "/token", "hf_alice\n");
  const ProcessResult r = Hubget({"--json", "whoami"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(LastJson(r)["name"], "alice");
}

TEST_F(CliTest, WhoamiWithoutTokenIsAuthRequired) {
  const ProcessResult r = Hubget({"--json", "whoami"});
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_EQ(LastJson(r)["error"], "auth_required");
}

TEST_F(CliTest, StaleHfTokenMessageNamesHfTokenAndTheFix) {
  const ProcessResult r =
      Hubget({"download", kClipRepo, "config.json"}, {{"HF_TOKEN", "hf_revoked"}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("the Hub rejected the token from the HF_TOKEN environment "
                               "variable (ending in ...oked) (Invalid credentials in "
                               "Authorization header)"));
  EXPECT_THAT(r.err, HasSubstr(server->hub_url() + "/settings/tokens"));
  EXPECT_THAT(r.err, HasSubstr("unset HF_TOKEN to download public files anonymously"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_revoked")));
}

TEST_F(CliTest, StaleHfTokenAsJson) {
  const ProcessResult r =
      Hubget({"--json", "download", kClipRepo, "config.json"}, {{"HF_TOKEN", "hf_revoked"}});
  EXPECT_EQ(r.exit_code, 3);
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "invalid_token");
  EXPECT_EQ(j["status"], 401);
  EXPECT_EQ(j["token_source"], "HF_TOKEN");
  EXPECT_THAT(j.value("message", ""), HasSubstr("unset HF_TOKEN"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_revoked")));
}

TEST_F(CliTest, NoTokenIgnoresAStaleHfTokenAndSendsNone) {
  const ProcessResult r = Hubget({"--json", "--no-token", "download", kClipRepo, "config.json"},
                                 {{"HF_TOKEN", "hf_revoked"}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(LastJson(r)["token_source"], "none");
  ASSERT_TRUE(server->journal().WaitForCount(2, testsupport::kWaitDefault));
  for (const auto& e : server->journal().Entries()) EXPECT_EQ(e.authorization, "") << e.target;
}

// A line break inside the token would inject a header: refused before any
// byte goes out, with the header named and the token not shown.
TEST_F(CliTest, TokenWithALineBreakInsideIsRefusedNotSent) {
  const ProcessResult r = Hubget({"--json", "download", kClipRepo, "config.json"},
                                 {{"HF_TOKEN", "hf_first_line\r\nX-Injected: yes"}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(LastJson(r)["error"], "invalid_argument");
  EXPECT_THAT(r.out + r.err, HasSubstr("refusing to send the Authorization header"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_first_line")));
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  EXPECT_TRUE(server->journal().Entries().empty());
}

// Server text is bytes: one byte that is not UTF-8 in X-Error-Message used
// to end the process (json::dump threw). --json still prints its object,
// the bytes shown escaped (printable.h).
TEST_F(CliTest, JsonErrorSurvivesAHeaderThatIsNotUtf8) {
  testing::CannedServer bad(
      "HTTP/1.1 401 Unauthorized\r\nX-Error-Code: RepoNotFound\r\n"
      "X-Error-Message: Repository not found \xff\xfe here\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n");
  const ProcessResult r = Hubget({"--json", "download", kClipRepo, "config.json"},
                                 {{"HF_ENDPOINT", bad.url()}, {"HUBGET_MAX_RETRIES", "0"}});
  EXPECT_GE(bad.served(), 1);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(r.exit_code, 128) << "killed by a signal? stderr: " << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_THAT(j.value("message", ""), HasSubstr("Repository not found \\xff\\xfe here"));
}

}  // namespace
}  // namespace hubget
