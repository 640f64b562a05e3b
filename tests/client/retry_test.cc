// Retry policy: transient statuses, backoff schedule, Retry-After and the
// total deadline, all on a fake clock (nothing sleeps).
#include <gtest/gtest.h>

#include "fakes.h"
#include "hub/session.h"
#include "hubget/retry.h"

namespace hubget {
namespace {

using namespace std::chrono_literals;
using ::testing::_;
using testing::Fail;
using testing::FakeClock;
using testing::MockTransport;
using testing::Reply;
using ::testing::Return;

TEST(RetryTest, TransientStatusesAreTheHubsList) {
  for (int s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryableStatus(s)) << s;
  for (int s : {400, 401, 403, 404, 416, 501}) EXPECT_FALSE(IsRetryableStatus(s)) << s;
}

TEST(RetryTest, BackoffDoublesFromOneToEightSeconds) {
  RetryPolicy p;
  std::vector<std::chrono::milliseconds> got;
  for (int i = 1; i <= 5; ++i) got.push_back(BackoffDelay(p, i));
  EXPECT_EQ(got, (std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 8s, 8s}));
}

TEST(RetryTest, RetryAfterAcceptsSecondsAndHttpDate) {
  EXPECT_EQ(ParseRetryAfter("7", 0), std::chrono::milliseconds(7s));
  const long long now = ParseHttpDate("Thu, 01 Jan 2026 00:00:00 GMT");
  ASSERT_GT(now, 0);
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), std::chrono::milliseconds(30s));
  EXPECT_EQ(ParseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now), std::chrono::milliseconds(0));
  EXPECT_FALSE(ParseRetryAfter("soon", now));
}

class SessionRetryTest : public ::testing::Test {
 protected:
  SessionRetryTest()
      : config(testing::TestConfig("/nonexistent")), session(config, transport, clock) {}
  ClientConfig config;
  ::testing::StrictMock<MockTransport> transport;
  FakeClock clock;
  Session session;
};

TEST_F(SessionRetryTest, Retries503FiveTimesWithBackoffThenGivesUp) {
  EXPECT_CALL(transport, Send(_)).Times(6).WillRepeatedly(Reply(503));
  auto r = session.SendWithRetry(session.NewRequest("GET", "https://hub.test/x"), config.retry);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(clock.sleeps, (std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 8s, 8s}));
}

TEST_F(SessionRetryTest, HonoursRetryAfterOn429) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce(Reply(429, {{"Retry-After", "3"}}))
      .WillOnce(Reply(200, {}, "ok"));
  auto r = session.SendWithRetry(session.NewRequest("GET", "https://hub.test/x"), config.retry);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(clock.sleeps, (std::vector<std::chrono::milliseconds>{3s}));
}

TEST_F(SessionRetryTest, RetriesNetworkErrors) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce(Fail(Kind::kNetwork))
      .WillOnce(Fail(Kind::kTimeout))
      .WillOnce(Reply(200));
  auto r = session.SendWithRetry(session.NewRequest("GET", "https://hub.test/x"), config.retry);
  ASSERT_TRUE(r);
  EXPECT_EQ(clock.sleeps.size(), 2u);
}

TEST_F(SessionRetryTest, DoesNotRetryClientErrors) {
  EXPECT_CALL(transport, Send(_)).Times(1).WillOnce(Reply(404));
  auto r = session.SendWithRetry(session.NewRequest("GET", "https://hub.test/x"), config.retry);
  ASSERT_TRUE(r);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST_F(SessionRetryTest, StopsWhenTheNextWaitPassesTheDeadline) {
  config.retry.total_deadline = 5s;
  EXPECT_CALL(transport, Send(_)).Times(3).WillRepeatedly(Reply(503));
  auto r = session.SendWithRetry(session.NewRequest("GET", "https://hub.test/x"), config.retry);
  ASSERT_TRUE(r);
  EXPECT_EQ(clock.sleeps,
            (std::vector<std::chrono::milliseconds>{1s, 2s}));  // 4s more would pass 5s
}

TEST_F(SessionRetryTest, RetryAfterBeyondDeadlineGivesUpAtOnce) {
  EXPECT_CALL(transport, Send(_)).Times(1).WillOnce(Reply(429, {{"Retry-After", "3600"}}));
  auto r = session.SendWithRetry(session.NewRequest("GET", "https://hub.test/x"), config.retry);
  ASSERT_TRUE(r);
  EXPECT_TRUE(clock.sleeps.empty());
}

}  // namespace
}  // namespace hubget
