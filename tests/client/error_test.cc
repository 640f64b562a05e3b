// Mapping of Hub answers to error kinds, and the messages people read.
#include <gtest/gtest.h>

#include "fakes.h"
#include "hub/session.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ErrorMappingTest : public ::testing::Test {
 protected:
  Error Map(int status, Headers h, bool with_token, const std::string& path = "config.json") {
    config = testing::TestConfig("/nonexistent");
    if (with_token) {
      config.token.value = "hf_revokedtoken1234";
      config.token.source.where = TokenSource::Where::kHfToken;
    }
    Session s(config, transport, clock);
    HttpResponse r;
    r.status = status;
    r.headers = std::move(h);
    return s.ErrorFor(r, "https://hub.test/org/m/resolve/main/" + path,
                      {{"org/m", RepoType::kModel}, "main", path});
  }
  ClientConfig config;
  testing::MockTransport transport;
  testing::FakeClock clock;
};

TEST_F(ErrorMappingTest, RevokedEnvTokenOnPublicRepoNamesHfTokenAndTheFix) {
  Error e = Map(401,
                {{"X-Error-Message", "Invalid credentials in Authorization header"},
                 {"X-Request-Id", "req-1"}},
                true);
  EXPECT_EQ(e.kind, Kind::kInvalidToken);
  EXPECT_EQ(e.token.source.Name(), "HF_TOKEN");
  EXPECT_EQ(e.reply.request_id, "req-1");
  const std::string m = e.Message();
  EXPECT_THAT(m, HasSubstr("the Hub rejected the token from the HF_TOKEN environment variable"));
  EXPECT_THAT(m, HasSubstr("(Invalid credentials in Authorization header)"));
  EXPECT_THAT(m, HasSubstr("create a new read token at https://hub.test/settings/tokens"));
  EXPECT_THAT(m, HasSubstr("unset HF_TOKEN to download public files anonymously"));
  EXPECT_THAT(m, Not(HasSubstr("hf_revokedtoken1234")));
  EXPECT_THAT(m, Not(HasSubstr("not found")));
}

TEST_F(ErrorMappingTest, ExpiredTokenIsTokenExpired) {
  Error e = Map(401, {{"X-Error-Message", "User Access Token \"old-laptop\" is expired"}}, true);
  EXPECT_EQ(e.kind, Kind::kTokenExpired);
  EXPECT_THAT(e.Message(), HasSubstr("expired"));
}

TEST_F(ErrorMappingTest, AnonymousUnauthorizedIsAuthRequiredNotNotFound) {
  Error e = Map(401, {{"X-Error-Message", "Invalid username or password."}}, false);
  EXPECT_EQ(e.kind, Kind::kAuthRequired);
  EXPECT_THAT(e.Message(), HasSubstr("private and no token was sent"));
}

TEST_F(ErrorMappingTest, GatedAnonymousAsksToLogIn) {
  Error e = Map(401, {{"X-Error-Code", "GatedRepo"}}, false);
  EXPECT_EQ(e.kind, Kind::kGatedAuthRequired);
}

TEST_F(ErrorMappingTest, GatedNotApprovedNamesTheAccessPage) {
  Error e = Map(403, {{"X-Error-Code", "GatedRepo"}}, true);
  EXPECT_EQ(e.kind, Kind::kGatedNotAuthorized);
  EXPECT_THAT(e.Message(), HasSubstr("Visit https://hub.test/org/m to ask for access"));
}

TEST_F(ErrorMappingTest, HubVocabularyMapsToKinds) {
  EXPECT_EQ(Map(404, {{"X-Error-Code", "RepoNotFound"}}, true).kind, Kind::kRepoNotFound);
  EXPECT_EQ(Map(404, {{"X-Error-Code", "RevisionNotFound"}}, true).kind, Kind::kRevisionNotFound);
  EXPECT_EQ(Map(404, {{"X-Error-Code", "EntryNotFound"}}, true).kind, Kind::kEntryNotFound);
  EXPECT_EQ(Map(403, {{"X-Error-Message", "Access to this resource is disabled."}}, true).kind,
            Kind::kDisabled);
  EXPECT_EQ(Map(403, {}, true).kind, Kind::kForbidden);
  EXPECT_EQ(Map(503, {}, true).kind, Kind::kServerError);
  EXPECT_EQ(Map(408, {}, true).kind, Kind::kTimeout);
  EXPECT_EQ(Map(418, {}, true).kind, Kind::kHttp);
}

TEST_F(ErrorMappingTest, RateLimitKeepsResetTime) {
  Error e = Map(429, {{"RateLimit", "\"resolvers\";r=0;t=42"}}, false);
  EXPECT_EQ(e.kind, Kind::kRateLimited);
  EXPECT_EQ(e.reply.retry_after_seconds, 42);
  EXPECT_THAT(e.Message(), HasSubstr("retry after 42 seconds"));
}

TEST_F(ErrorMappingTest, KindNamesAreStable) {
  EXPECT_STREQ(KindName(Kind::kInvalidToken), "invalid_token");
  EXPECT_STREQ(KindName(Kind::kOfflineNotCached), "offline_not_cached");
  EXPECT_STREQ(KindName(Kind::kNotAHub), "not_a_hub");
}

// Server text is shown, never obeyed: control characters (C0, DEL, C1)
// and bytes that are not UTF-8 become visible escapes.
TEST_F(ErrorMappingTest, ControlCharactersFromTheServerAreEscapedInTheMessage) {
  Error e = Map(404,
                {{"X-Error-Code", "RepoNotFound"},
                 {"X-Error-Message", "Repository \x1b]0;pwned\x07\x1b[2J\r\x7f\xc2\x9b\xff x"},
                 {"X-Request-Id", "id\x1b[1m"}},
                false);
  const std::string m = e.Message();
  EXPECT_THAT(m, HasSubstr("Repository \\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x7f\\u009b\\xff x"));
  EXPECT_THAT(m, HasSubstr("(Request ID: id\\x1b[1m)"));
  for (const char c : m) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_FALSE(u < 0x20 || u == 0x7f) << "control byte " << static_cast<int>(u) << " in " << m;
  }
}

}  // namespace
}  // namespace hubget
