// `hubget doctor` as a checklist, through the binary against an in-process
// mockhub: the conclusion first and once, [ok]/[warn]/[fail] with a fix on
// every line that is not ok, [skip] for checks that do not apply, a rejected
// token's error said once (the repo and file are looked at without it), and
// a fine-grained token without the gated-repos permission named as the
// cause, by doctor and by the download error alike. In a terminal (a
// pseudo-terminal of a given width) its lines wrap under their text without
// cutting a URL; elsewhere (a file, COLUMNS or not) they do not wrap.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "wait_for.h"

namespace hubget {
namespace {

using testing::CliTest;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using testing::kClipRepo;
using testing::kSmallLfsRepo;
using ::testing::Not;
using testing::Occurrences;
using testing::ProcessResult;
using testing::RunInTerminal;
using ::testing::StartsWith;

const std::string kGatedRepo = "black-forest-labs/FLUX.1-dev";  // alice is approved

// Every line that is not [ok] (nor the fix lines) is followed by a fix.
void ExpectAFixUnderEveryFailOrWarn(const std::string& out) {
  std::stringstream in(out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("[fail]", 0) != 0 && lines[i].rfind("[warn]", 0) != 0) continue;
    EXPECT_TRUE(i + 1 < lines.size() && lines[i + 1].rfind("       fix: ", 0) == 0)
        << "no fix under: " << lines[i] << "\n"
        << out;
  }
}

std::vector<std::string> Lines(const std::string& out) {
  std::stringstream in(out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// Columns of a line of ASCII and UTF-8 (no wide characters in these texts).
std::size_t Columns(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Wrapped lines joined back: a line indented under the text of the one
// above continues it (a fix line, "       fix: ...", starts a new one).
std::string Unwrap(const std::string& out) {
  std::string joined;
  for (const std::string& line : Lines(out)) {
    const bool continues = line.rfind("  ", 0) == 0 && line.rfind("       fix: ", 0) != 0;
    if (continues && !joined.empty()) {
      joined.pop_back();  // the '\n'
      joined += " " + line.substr(line.find_first_not_of(' ')) + "\n";
      continue;
    }
    joined += line + "\n";
  }
  return joined;
}

class CliDoctorTest : public CliTest {
 protected:
  // alice's fine-grained token without "Read access to contents of all
  // public gated repos you can access" (scenario s04).
  void AddFineGrainedTokenWithoutGatedScope() {
    mockhub::Token t;
    t.value = "hf_alice_fg_noscope";
    t.user = "alice";
    t.name = "fine-grained-no-gated";
    t.role = mockhub::TokenRole::kFineGrained;
    t.gated_scope = false;
    world.tokens[t.value] = t;
    Start();
  }
};

TEST_F(CliDoctorTest, ExplainsAnExpiredToken) {
  const ProcessResult r = Hubget({"doctor"}, {{"HF_TOKEN", "hf_expired"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out,
              HasSubstr("[ok] token: using the token from the HF_TOKEN environment variable"));
  EXPECT_THAT(r.out, HasSubstr("[fail] whoami: the Hub says the token has expired (HTTP 401: "
                               "User Access Token \"old-laptop\" is expired)"));
  EXPECT_THAT(r.out, HasSubstr("fix: create a new read token at " + server->hub_url() +
                               "/settings/tokens, or unset HF_TOKEN"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_expired")));
  ExpectAFixUnderEveryFailOrWarn(r.out);
}

// In a terminal of 60 columns every line fits under 60 columns, continues
// under its text, and the URL of the fix is whole on one line; joined back,
// the lines are what a log gets. A log (stdout a file) is never wrapped,
// even with COLUMNS set.
TEST_F(CliDoctorTest, WrapsToTheTerminalUnderTheTextWithoutCuttingAUrl) {
  const ProcessResult log = Hubget({"doctor"}, {{"HF_TOKEN", "hf_expired"}, {"COLUMNS", "40"}});
  EXPECT_THAT(log.out, HasSubstr("\n[fail] whoami: the Hub says the token has expired (HTTP 401: "
                                 "User Access Token \"old-laptop\" is expired)\n"));
  testing::Env env = BaseEnv();
  env["HF_TOKEN"] = "hf_expired";
  const ProcessResult term = RunInTerminal(Argv({"doctor"}), env, 60);
  EXPECT_EQ(term.exit_code, 1) << term.out;
  const std::vector<std::string> lines = Lines(term.out);
  bool url_whole = false;
  bool under_whoami = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    EXPECT_LT(Columns(l), 60u) << "'" << l << "' in\n" << term.out;
    url_whole |= l.find(server->hub_url() + "/settings/tokens") != std::string::npos;
    if (i > 0 && lines[i - 1].rfind("[fail] whoami: ", 0) == 0) {
      under_whoami = l.rfind(std::string(15, ' '), 0) == 0 && l[15] != ' ';
    }
  }
  EXPECT_TRUE(url_whole) << term.out;
  EXPECT_TRUE(under_whoami) << "whoami's line does not continue under its text:\n" << term.out;
  EXPECT_EQ(Unwrap(term.out), log.out);
  EXPECT_THAT(term.out, Not(HasSubstr("hf_expired")));
}

// The InvokeAI 401: the conclusion first, once; the token's error once; the
// repo and the file checked without the token (and said so).
TEST_F(CliDoctorTest, SaysFirstThatARejectedTokenIsTheOnlyProblemForAPublicRepo) {
  const ProcessResult r =
      Hubget({"doctor", kClipRepo, "config.json"}, {{"HF_TOKEN", "hf_revoked"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, StartsWith("conclusion: the token from the HF_TOKEN environment variable is "
                                "the only problem: " +
                                kClipRepo + " is public"));
  EXPECT_THAT(r.out, HasSubstr("       fix: unset HF_TOKEN to download anonymously"));
  EXPECT_EQ(Occurrences(r.out, "Invalid credentials in Authorization header"), 1) << r.out;
  EXPECT_EQ(Occurrences(r.out, "the only problem"), 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("[ok] repo: " + kClipRepo +
                               " is public (asked without the rejected token)"));
  EXPECT_THAT(r.out, HasSubstr("[ok] file: config.json is readable without a token"));
  EXPECT_THAT(r.out, Not(HasSubstr("[info]")));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_revoked")));
  ExpectAFixUnderEveryFailOrWarn(r.out);
  // The second look went out without any Authorization header.
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  bool anonymous_info = false;
  for (const auto& e : server->journal().Entries()) {
    anonymous_info |= e.target.rfind("/api/models/" + kClipRepo, 0) == 0 && e.authorization.empty();
  }
  EXPECT_TRUE(anonymous_info);
}

TEST_F(CliDoctorTest, SaysAPrivateRepoNeedsAValidTokenWhenTheTokenIsRejected) {
  const ProcessResult r =
      Hubget({"doctor", "alice/private-model", "config.json"}, {{"HF_TOKEN", "hf_revoked"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, StartsWith("conclusion: the token from the HF_TOKEN environment variable is "
                                "rejected, and alice/private-model cannot be read without a "
                                "token: a valid token with access is needed"));
  EXPECT_THAT(r.out, HasSubstr("[fail] repo: without the rejected token: "));
  EXPECT_THAT(r.out, Not(HasSubstr("is public")));
  ExpectAFixUnderEveryFailOrWarn(r.out);
}

// --no-token: nothing "with this token", the token checks skipped, and no
// [ok] line quoting a 401.
TEST_F(CliDoctorTest, WithoutATokenSkipsTheTokenChecks) {
  const ProcessResult r =
      Hubget({"doctor", "--no-token", kClipRepo, "config.json"}, {{"HF_TOKEN", "hf_alice"}});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, StartsWith("conclusion: no problem found\n"));
  EXPECT_THAT(r.out, HasSubstr("[skip] token: not sent (--no-token"));
  EXPECT_THAT(r.out, HasSubstr("[skip] whoami: no token is sent"));
  EXPECT_THAT(r.out, HasSubstr("[ok] file: config.json is readable without a token"));
  EXPECT_THAT(r.out, Not(HasSubstr("with this token")));
  // A status, not a digit run of the endpoint's port (:40107 printed on the endpoint line).
  EXPECT_THAT(r.out, Not(ContainsRegex("(^|[^0-9:])401([^0-9]|$)")));
}

TEST_F(CliDoctorTest, WithAGoodTokenPasses) {
  const ProcessResult r =
      Hubget({"doctor", kSmallLfsRepo, "weights.bin"}, {{"HF_TOKEN", "hf_alice"}});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, StartsWith("conclusion: no problem found\n"));
  EXPECT_THAT(r.out, HasSubstr("[ok] whoami"));
  EXPECT_THAT(r.out, HasSubstr("[ok] file: weights.bin is readable with this token"));
  EXPECT_THAT(r.out, HasSubstr("[ok] cdn"));
}

TEST_F(CliDoctorTest, JsonHasTheConclusionAndSkips) {
  const ProcessResult r = Hubget({"--json", "doctor", "--no-token", kClipRepo});
  const auto j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  EXPECT_EQ(j.value("conclusion", ""), "no problem found");
  EXPECT_TRUE(j["conclusion_fix"].is_null());
  bool skipped = false;
  for (const auto& f : j["findings"]) skipped |= f.value("level", "") == "skip";
  EXPECT_TRUE(skipped) << r.out;
}

// S4: approved for the gated repo, but the fine-grained token lacks the
// gated-repos permission. The whoami answer says so
// (auth.accessToken.fineGrained.canReadGatedRepos: false); doctor reads it.
TEST_F(CliDoctorTest, NamesAFineGrainedTokenWithoutTheGatedPermission) {
  AddFineGrainedTokenWithoutGatedScope();
  const ProcessResult r =
      Hubget({"doctor", kGatedRepo, "model_index.json"}, {{"HF_TOKEN", "hf_alice_fg_noscope"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, StartsWith("conclusion: the token's permissions are the problem: "
                                "'fine-grained-no-gated' is fine-grained without read access to "
                                "gated repos"));
  EXPECT_THAT(r.out, HasSubstr("(fineGrained), without read access to gated repos"));
  EXPECT_THAT(r.out, HasSubstr("tick \"Read access to contents of all public gated repos you can "
                               "access\""));
  const std::string conclusion = r.out.substr(0, r.out.find("\n["));
  EXPECT_THAT(conclusion, Not(HasSubstr("ask for access")));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_alice_fg_noscope")));
  ExpectAFixUnderEveryFailOrWarn(r.out);
}

// The download's error says the same, after one whoami.
TEST_F(CliDoctorTest, DownloadErrorNamesTheMissingGatedPermission) {
  AddFineGrainedTokenWithoutGatedScope();
  const ProcessResult r =
      Hubget({"download", kGatedRepo, "model_index.json"}, {{"HF_TOKEN", "hf_alice_fg_noscope"}});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("hubget: gated_not_authorized: model " + kGatedRepo +
                               " is gated and the token from the HF_TOKEN environment variable"));
  EXPECT_THAT(r.err, HasSubstr("is a fine-grained token without \"Read access to contents of all "
                               "public gated repos you can access\""));
  EXPECT_THAT(r.err, HasSubstr(server->hub_url() + "/settings/tokens"));
  EXPECT_THAT(r.err, Not(HasSubstr("hf_alice_fg_noscope")));
  ASSERT_TRUE(server->journal().WaitForIdle(testsupport::kWaitDefault));
  int whoami = 0;
  for (const auto& e : server->journal().Entries()) whoami += e.target == "/api/whoami-v2";
  EXPECT_EQ(whoami, 1);
}

// A read token of an account without access: ask for access (no word
// about permissions).
TEST_F(CliDoctorTest, GatedWithoutAccessSaysAskForAccess) {
  const ProcessResult r =
      Hubget({"download", kGatedRepo, "model_index.json"}, {{"HF_TOKEN", "hf_bob"}});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err, HasSubstr("to ask for access"));
  EXPECT_THAT(r.err, Not(HasSubstr("fine-grained")));
}

}  // namespace
}  // namespace hubget
