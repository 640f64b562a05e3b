// WaitFor itself: what it returns, and what its failure says.
#include "wait_for.h"

#include <gtest/gtest.h>

#include <string>

namespace testsupport {
namespace {

using namespace std::chrono_literals;

TEST(WaitForTest, SucceedsAtOnceWhenThePredicateAlreadyHolds) {
  int calls = 0;
  EXPECT_TRUE(WaitFor([&] { return ++calls > 0; }, "anything", 0ms));
  EXPECT_EQ(calls, 1);
}

TEST(WaitForTest, KeepsAskingUntilThePredicateHolds) {
  int calls = 0;
  EXPECT_TRUE(WaitFor([&] { return ++calls == 5; }, "the fifth call", 60s));
  EXPECT_EQ(calls, 5);
}

TEST(WaitForTest, FailureNamesWhatWasAwaitedAndTheTimeout) {
  int calls = 0;
  const ::testing::AssertionResult r = WaitFor(
      [&] {
        ++calls;
        return false;
      },
      "2 journal entries", 0ms);
  EXPECT_FALSE(r);
  EXPECT_EQ(std::string(r.message()), "timed out after 0 ms waiting for 2 journal entries");
  EXPECT_GE(calls, 1);  // asked at least once even with no time at all
}

}  // namespace
}  // namespace testsupport
