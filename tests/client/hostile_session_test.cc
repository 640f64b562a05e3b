// Hostile error answers mapped by the session: RateLimit and Retry-After read
// strictly, waits past the deadline, CDN XML error text, mutated answers.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fakes.h"
#include "hostile_input.h"
#include "hub/session.h"
#include "hubget/clock.h"

namespace hubget {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::_;
using testing::IsValidUtf8;
using testing::kIterations;
using testing::kMaxWaitSeconds;
using testing::Mutator;
using testing::Repeat;
using testing::Show;

class HostileSessionTest : public ::testing::Test {
 protected:
  HostileSessionTest() : config(testing::TestConfig("/nonexistent")) {}
  Error Map(int status, Headers headers, std::string body = "") {
    Session s(config, transport, clock);
    HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return s.ErrorFor(r, "https://hub.test/org/m/resolve/main/f.bin",
                      {{"org/m", RepoType::kModel}, "main", "f.bin"});
  }
  ClientConfig config;
  ::testing::NiceMock<testing::MockTransport> transport;
  testing::FakeClock clock;
};

TEST_F(HostileSessionTest, RateLimitResetAndRetryAfterAreReadStrictly) {
  struct Case {
    std::string rate_limit, retry_after;
    int want;
  };
  const std::vector<Case> cases = {
      {"\"resolvers\";r=0;t=42", "", 42},
      {"\"r\";t=5;r=0", "", 5},
      {"\"r\";r=0;t=999999999", "", 999999999},
      {"\"r\";r=0;t=1000000000", "", -1},
      {"\"r\";r=0;t=-5", "", -1},
      {"\"r\";r=0;t=4294967338", "", -1},
      {"\"r\";r=0;t=99999999999999999999", "", -1},
      {"\"r\";r=0;t=", "", -1},
      {"\"r\";r=abc;t=5", "", -1},
      {"\"r\";r=1;t=5", "", -1},
      {"", "7", 7},
      {"", "99999999999999999999", -1},
      {"", "Fri, 31 Dec 9999 23:59:59 GMT", 999999999},
      {"", "Sun, 06 Nov 300000 08:49:37 GMT", -1},
  };
  for (const auto& c : cases) {
    Headers h;
    if (!c.rate_limit.empty()) h.Add("RateLimit", c.rate_limit);
    if (!c.retry_after.empty()) h.Add("Retry-After", c.retry_after);
    const Error e = Map(429, h);
    EXPECT_EQ(e.kind, Kind::kRateLimited);
    EXPECT_EQ(e.reply.retry_after_seconds, c.want)
        << Show(c.rate_limit) << " " << Show(c.retry_after);
  }
}

TEST_F(HostileSessionTest, RetryAfterInTheYear300000IsIgnoredNotOverflowed) {
  EXPECT_CALL(transport, Send(_))
      .Times(6)
      .WillRepeatedly(testing::Reply(503, {{"Retry-After", "Sun, 06 Nov 300000 08:49:37 GMT"}}));
  Session s(config, transport, clock);
  const auto res = s.SendWithRetry(s.NewRequest("GET", "https://hub.test/x"), RetryPolicy{});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(clock.sleeps, (std::vector<milliseconds>{seconds(1), seconds(2), seconds(4), seconds(8),
                                                     seconds(8)}));
}

TEST_F(HostileSessionTest, RetryAfterPastTheDeadlineGivesUpWithoutSleeping) {
  EXPECT_CALL(transport, Send(_))
      .Times(1)
      .WillRepeatedly(testing::Reply(503, {{"Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"}}));
  Session s(config, transport, clock);
  const auto res = s.SendWithRetry(s.NewRequest("GET", "https://hub.test/x"), RetryPolicy{});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST_F(HostileSessionTest, CdnXmlErrorTextIsCutAtACharacterBoundary) {
  // 1 + 2 * 150 bytes: byte 200 is in the middle of a two-byte character.
  const std::string text = "a" + Repeat("\xc3\xa9", 150);
  const Error e =
      Map(403, {}, "<Error><Code>AccessDenied</Code><Message>" + text + "</Message></Error>");
  EXPECT_TRUE(IsValidUtf8(e.reply.message)) << Show(e.reply.message);
  EXPECT_LE(e.reply.message.size(), std::string("AccessDenied: ").size() + 200);
  EXPECT_EQ(e.reply.message.rfind("AccessDenied: a\xc3\xa9", 0), 0u);
}

TEST_F(HostileSessionTest, MalformedXmlErrorDocumentsGiveNoText) {
  EXPECT_EQ(Map(403, {}, "<Error><Code>X").reply.message, "");
  EXPECT_EQ(Map(403, {}, "<Error></Code><Code>").reply.message, "");
  EXPECT_EQ(Map(403, {}, "<Error><Message></Message>").reply.message, "");
  EXPECT_EQ(Map(403, {}, Repeat("<Error><Code>", 100000)).reply.message, "");
}

TEST_F(HostileSessionTest, MutatedAnswersMapToAnErrorWithSaneFields) {
  Mutator m(500);
  const std::vector<std::string> rate = {"\"resolvers\";r=0;t=42", "\"api\";r=10;t=300"};
  const std::vector<std::string> retry = {"7", "Thu, 01 Jan 2026 00:00:30 GMT"};
  const std::vector<std::string> bodies = {
      "{\"error\":\"Repository not found\"}", "{\"error\":[\"a\",\"b\"]}",
      "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"};
  const int statuses[] = {401, 403, 404, 408, 429, 500, 503};
  for (int i = 0; i < kIterations; ++i) {
    const int status = statuses[m.Below(7)];
    const std::string body = m.Mutate(bodies);
    const Error e =
        Map(status, {{"RateLimit", m.Mutate(rate)}, {"Retry-After", m.Mutate(retry)}}, body);
    ASSERT_EQ(e.reply.status, status);
    ASSERT_GE(e.reply.retry_after_seconds, -1);
    ASSERT_LE(e.reply.retry_after_seconds, kMaxWaitSeconds);
    if (IsValidUtf8(body)) {
      ASSERT_TRUE(IsValidUtf8(e.reply.message)) << Show(body);
    }
    ASSERT_FALSE(e.Message().empty());
  }
}

}  // namespace
}  // namespace hubget
