// The idle (read) timeout: silence since the last byte, never an average.
#include "http/idle_watch.h"

#include <gtest/gtest.h>

namespace hubget {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class IdleWatchTest : public ::testing::Test {
 protected:
  IdleWatch::TimePoint At(milliseconds since) { return t0 + since; }
  IdleWatch::TimePoint t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  IdleWatch watch{seconds(2)};
};

TEST_F(IdleWatchTest, SilenceLongerThanTheLimitAfterAFastBurstIsIdle) {
  watch.Start(At(milliseconds(0)));
  // 1 MiB arrives in 10 ms, then nothing: what matters is the silence.
  for (int ms = 0; ms <= 10; ++ms) watch.Activity(At(milliseconds(ms)));
  EXPECT_FALSE(watch.Expired(At(milliseconds(2010))));
  EXPECT_TRUE(watch.Expired(At(milliseconds(2011))));
}

TEST_F(IdleWatchTest, ASlowButSteadyTrickleIsNeverIdle) {
  watch.Start(At(milliseconds(0)));
  for (int s = 1; s <= 60; ++s) {
    watch.Activity(At(seconds(s) + milliseconds(900)));
    EXPECT_FALSE(watch.Expired(At(seconds(s + 1) + milliseconds(899)))) << s;
  }
}

TEST_F(IdleWatchTest, WaitingForTheResponseCountsOnceTheRequestIsSent) {
  watch.Start(At(milliseconds(500)));
  EXPECT_FALSE(watch.Expired(At(milliseconds(2500))));
  EXPECT_TRUE(watch.Expired(At(milliseconds(2501))));
}

TEST_F(IdleWatchTest, ConnectingIsNotIdleTime) {
  EXPECT_FALSE(watch.Expired(At(seconds(60))));  // the connect timeout governs
  watch.Start(At(seconds(60)));
  watch.Start(At(seconds(61)));  // only the first start counts
  EXPECT_TRUE(watch.Expired(At(milliseconds(62001))));
}

TEST_F(IdleWatchTest, AByteStartsTheWatchWhenTheStartWasMissed) {
  watch.Activity(At(milliseconds(0)));
  EXPECT_TRUE(watch.Expired(At(milliseconds(3000))));
}

TEST_F(IdleWatchTest, ZeroLimitNeverExpires) {
  IdleWatch off{milliseconds(0)};
  off.Start(At(milliseconds(0)));
  EXPECT_FALSE(off.Expired(At(std::chrono::hours(5))));
}

}  // namespace
}  // namespace hubget
