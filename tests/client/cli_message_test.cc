// The messages of issue 11, each through the binary against an in-process
// mockhub and checked by its text: the token's source named once and
// plainly, "the Hub answered 401" kept apart from "could not reach", a gate's
// text said once, the CDN called the CDN (by its host, never the signed
// URL), a proxy's page pointing at the proxy settings, the timeout variable
// that bounds the request that timed out, whoami --no-token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cli_fixture.h"

namespace hubget {
namespace {

using testing::CliTest;
using ::testing::HasSubstr;
using testing::kSmallLfsRepo;
using ::testing::Not;
using testing::Occurrences;
using testing::ProcessResult;

using CliMessageTest = CliTest;

TEST_F(CliMessageTest, AnExplicitTokenIsCalledByItsOption) {
  const ProcessResult r =
      Hubget({"download", kSmallLfsRepo, "config.json", "--token", "hf_revoked"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("the Hub rejected the token from --token (ending in ...oked)"));
  EXPECT_THAT(r.err, Not(HasSubstr("the token from the token")));
  EXPECT_THAT(r.err, Not(HasSubstr("hf_revoked")));
}

// The Hub was reached and answered 401: no "could not reach".
TEST_F(CliMessageTest, ARejectedTokenOnACachedSnapshotIsNotUnreachable) {
  ASSERT_EQ(Hubget({"download", kSmallLfsRepo}).exit_code, 0);
  const ProcessResult r = Hubget({"download", kSmallLfsRepo}, {{"HF_TOKEN", "hf_expired"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("hubget: warning: could not check the Hub for a newer commit, "
                               "using the cached snapshot: the Hub says the token from the "
                               "HF_TOKEN environment variable"));
  EXPECT_THAT(r.err, Not(HasSubstr("could not reach")));
}

TEST_F(CliMessageTest, AGateIsExplainedOnceWithOneAccessUrl) {
  const ProcessResult r = Hubget({"download", "black-forest-labs/FLUX.1-dev", "model_index.json"},
                                 {{"HF_TOKEN", "hf_bob"}});
  EXPECT_EQ(r.exit_code, 4);
  const std::string page = server->hub_url() + "/black-forest-labs/FLUX.1-dev";
  EXPECT_EQ(Occurrences(r.err, page), 1) << r.err;
  EXPECT_EQ(Occurrences(r.err, "authorized list"), 1) << r.err;
  EXPECT_LT(r.err.size(), 360u) << r.err;
}

TEST_F(CliMessageTest, ACdnServerErrorNamesTheCdnHostNotTheSignedUrl) {
  Start(R"([{"server":"cdn","method":"GET","do":{"status":{"code":503}}}])");
  const ProcessResult r = Hubget({"download", kSmallLfsRepo, "weights.bin"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_THAT(r.err, HasSubstr("the download host 127.0.0.2 (not the Hub) answered 503 for "
                               "'weights.bin'. The CDN may be having trouble"));
  EXPECT_THAT(r.err, Not(HasSubstr("The Hub may be having trouble")));
  EXPECT_THAT(r.err, Not(HasSubstr("?")));  // no signed query
  EXPECT_THAT(r.err, Not(HasSubstr("http://127.0.0.2")));
}

// A proxy's login page answered with 200 where the file was asked for.
TEST_F(CliMessageTest, AProxyLoginPagePointsAtTheProxy) {
  Start(R"([{"server":"cdn","method":"GET","do":{"status":{"code":200,
            "headers":{"Content-Type":"text/html"},"body":"<html>Please log in</html>"}}}])");
  const ProcessResult r = Hubget({"download", kSmallLfsRepo, "weights.bin"});
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_THAT(r.err, HasSubstr("Content-Type text/html"));
  EXPECT_THAT(r.err, HasSubstr("most likely a proxy (its login or error page): check "
                               "HTTPS_PROXY / HTTP_PROXY / NO_PROXY, log in to the proxy, or have "
                               "it allow 127.0.0.2"));
  EXPECT_THAT(r.err, Not(HasSubstr("retry the download")));
}

// The HEAD is bounded by HF_HUB_ETAG_TIMEOUT, not HF_HUB_DOWNLOAD_TIMEOUT.
TEST_F(CliMessageTest, AHeadTimeoutNamesTheEtagTimeout) {
  Start(R"([{"server":"hub","method":"HEAD","do":{"delay":{"ms":3000}}}])");
  const ProcessResult r = Hubget({"download", kSmallLfsRepo, "config.json"},
                                 {{"HF_HUB_ETAG_TIMEOUT", "1"}, {"HUBGET_MAX_RETRIES", "0"}});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_THAT(r.err, HasSubstr("timed out talking to " + server->hub_url() + "/"));
  EXPECT_THAT(r.err, HasSubstr("raise HF_HUB_ETAG_TIMEOUT (seconds)"));
  EXPECT_THAT(r.err, Not(HasSubstr("HF_HUB_DOWNLOAD_TIMEOUT")));
}

TEST_F(CliMessageTest, WhoamiWithNoTokenSaysWhyNoneIsSent) {
  const ProcessResult r = Hubget({"whoami", "--no-token"}, {{"HF_TOKEN", "hf_alice"}});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_THAT(r.err,
              HasSubstr("none is sent: --no-token (or HF_HUB_DISABLE_IMPLICIT_TOKEN) is set"));
  EXPECT_THAT(r.err, Not(HasSubstr("none was found")));
}

}  // namespace
}  // namespace hubget
