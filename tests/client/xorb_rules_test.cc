// The xorb range GET's decisions (ClassifyXorbAttempt), one rule per test,
// with no transport, no decoder and no clock: the attempt as its driver saw
// it and the budget spent in, a verdict out. The rules it shares with a
// whole file's GET (drops, redirects, transient statuses) are
// resume_rules_test.cc's; these check that the xorb path reaches them and
// what only a xorb does (a 403 is an expired URL, a misplaced 206 fails).
#include <gtest/gtest.h>

#include "xet/xet_xorb_fetch.h"

namespace hubget {
namespace {

using std::chrono::milliseconds;

XorbAttempt Answered(int status, Headers headers = {}) {
  XorbAttempt a;
  a.url = "https://cdn.test/xorb/abc?sig=1";
  a.path = "model.safetensors";
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  a.result = std::move(r);
  return a;
}

XorbAttempt Dropped(bool progressed) {
  XorbAttempt a = Answered(206);
  a.result = MakeError(Kind::kNetwork, "reset");
  a.progressed = progressed;
  return a;
}

class XorbRulesTest : public ::testing::Test {
 protected:
  XorbVerdict Classify(const XorbAttempt& a) { return ClassifyXorbAttempt(a, spent, policy); }
  FetchBudget spent;
  RetryPolicy policy;
};

TEST_F(XorbRulesTest, CompleteTermIsDoneEvenWhenCancelledAfter) {
  XorbAttempt a = Dropped(true);
  a.complete = true;
  a.cancelled = true;
  const XorbVerdict v = Classify(a);
  EXPECT_EQ(v.next.step, Step::kFinish);
  EXPECT_EQ(v.end, UnitEnd::kDone);
}

TEST_F(XorbRulesTest, CancelledBeatsTheRoundsStopAndNamesTheFile) {
  XorbAttempt a = Answered(206);
  a.cancelled = true;
  a.stopped = true;
  const XorbVerdict v = Classify(a);
  ASSERT_EQ(v.next.step, Step::kFail);
  ASSERT_TRUE(v.next.error);
  EXPECT_EQ(v.next.error->kind, Kind::kCancelled);
  EXPECT_NE(v.next.error->detail.find("model.safetensors"), std::string::npos);
}

TEST_F(XorbRulesTest, StoppedRoundLeavesQuietly) {
  XorbAttempt a = Answered(503);
  a.stopped = true;
  const XorbVerdict v = Classify(a);
  EXPECT_EQ(v.next.step, Step::kFinish);
  EXPECT_EQ(v.end, UnitEnd::kStopped);
}

TEST_F(XorbRulesTest, ForbiddenIsAnExpiredUrlNotAnError) {
  const XorbVerdict v = Classify(Answered(403));
  EXPECT_EQ(v.next.step, Step::kFinish);
  EXPECT_EQ(v.end, UnitEnd::kExpired);
}

TEST_F(XorbRulesTest, MisplacedRangeFailsWithoutRestarting) {
  XorbAttempt a = Answered(206);
  a.misplaced = true;
  const XorbVerdict v = Classify(a);
  ASSERT_EQ(v.next.step, Step::kFail);
  ASSERT_TRUE(v.next.error);
  EXPECT_EQ(v.next.error->kind, Kind::kHttp);
}

TEST_F(XorbRulesTest, BodyThatEndedShortFailsWithTheDecodersWord) {
  XorbAttempt a = Answered(206);
  a.unfinished = MakeError(Kind::kIntegrity, "the term ended early");
  const XorbVerdict v = Classify(a);
  ASSERT_TRUE(v.next.error);
  EXPECT_EQ(v.next.error->kind, Kind::kIntegrity);
}

TEST_F(XorbRulesTest, DropThatKeptBytesRetriesAfterTheBaseWait) {
  const XorbVerdict v = Classify(Dropped(true));
  EXPECT_EQ(v.next.step, Step::kRetry);
  EXPECT_EQ(v.next.wait, policy.base_wait);
  EXPECT_EQ(v.next.spent.stalls, 0);
}

TEST_F(XorbRulesTest, DropsWithoutProgressBackOffThenFail) {
  for (int i = 1; i <= policy.max_stalls; ++i) {
    const XorbVerdict v = Classify(Dropped(false));
    ASSERT_EQ(v.next.step, Step::kRetry) << "stall " << i;
    EXPECT_EQ(v.next.wait, BackoffDelay(policy, i));
    spent = v.next.spent;
  }
  const XorbVerdict last = Classify(Dropped(false));
  ASSERT_EQ(last.next.step, Step::kFail);
  ASSERT_TRUE(last.next.error);
  EXPECT_EQ(last.next.error->kind, Kind::kNetwork);
}

TEST_F(XorbRulesTest, TransportErrorOtherThanNetworkOrTimeoutIsNotRetried) {
  XorbAttempt a = Dropped(false);
  a.result = MakeError(Kind::kIo, "disk full");
  const XorbVerdict v = Classify(a);
  ASSERT_EQ(v.next.step, Step::kFail);
  ASSERT_TRUE(v.next.error);
  EXPECT_EQ(v.next.error->kind, Kind::kIo);
}

TEST_F(XorbRulesTest, RedirectResumesAtTheLocation) {
  const XorbVerdict v = Classify(Answered(302, {{"Location", "https://cdn2.test/x"}}));
  EXPECT_EQ(v.next.step, Step::kResume);
  EXPECT_EQ(v.next.url, "https://cdn2.test/x");
  EXPECT_EQ(v.next.spent.redirects, 1);
}

TEST_F(XorbRulesTest, TransientStatusRetriesUntilTheRetriesAreSpent) {
  for (int i = 1; i <= policy.max_retries; ++i) {
    const XorbVerdict v = Classify(Answered(503));
    ASSERT_EQ(v.next.step, Step::kRetry) << "retry " << i;
    spent = v.next.spent;
  }
  const XorbVerdict last = Classify(Answered(503));
  EXPECT_EQ(last.next.step, Step::kFail);
  EXPECT_FALSE(last.next.error);  // the answer is the error
}

TEST_F(XorbRulesTest, ServerWaitPastTheCapEndsTheRetries) {
  const XorbVerdict v = Classify(Answered(429, {{"Retry-After", "3600"}}));
  EXPECT_EQ(v.next.step, Step::kFail);
  EXPECT_FALSE(v.next.error);
}

TEST_F(XorbRulesTest, NotFoundIsTheAnswersError) {
  const XorbVerdict v = Classify(Answered(404));
  EXPECT_EQ(v.next.step, Step::kFail);
  EXPECT_FALSE(v.next.error);
}

}  // namespace
}  // namespace hubget
