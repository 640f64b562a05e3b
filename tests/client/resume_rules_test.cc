// The resumable GET's decisions, one rule per test, with no transport and
// no file: an attempt's outcome and the budget spent in, a step out.
#include <gtest/gtest.h>

#include "fetch/resume_rules.h"

namespace hubget {
namespace {

constexpr std::uint64_t kSize = 100;

HttpResponse Response(int status, Headers headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

// A CDN GET from `offset` that ended with `size` bytes in the partial.
Attempt Got(HttpResponse r, std::uint64_t offset, std::uint64_t size) {
  Attempt a;
  a.url = "https://cdn.test/blob?sig=1";
  a.can_refresh = true;
  a.expected = kSize;
  a.offset = offset;
  a.size = size;
  a.streamed = r.status == 200 || r.status == 206;
  a.received = size > offset ? size - offset : size;
  a.result = std::move(r);
  return a;
}

Attempt Dropped(std::uint64_t offset, std::uint64_t size) {
  Attempt a = Got(Response(200), offset, size);
  a.result = MakeError(Kind::kNetwork, "reset");
  return a;
}

class ResumeRulesTest : public ::testing::Test {
 protected:
  Verdict Classify(const Attempt& a) { return ClassifyAttempt(a, spent, policy); }
  FetchBudget spent;
  RetryPolicy policy;
};

TEST_F(ResumeRulesTest, WholeFileFinishes) {
  EXPECT_EQ(Classify(Got(Response(200), 0, kSize)).step, Step::kFinish);
  EXPECT_EQ(Classify(Got(Response(206), 40, kSize)).step, Step::kFinish);
}

TEST_F(ResumeRulesTest, MisplacedPartialContentRestartsThenFailsPastTheLimit) {
  Attempt a = Got(Response(206), 40, 40);
  a.misplaced = true;
  const Verdict v = Classify(a);
  EXPECT_EQ(v.step, Step::kRestart);
  EXPECT_EQ(v.spent.restarts, 1);
  spent.restarts = kMaxRestarts;
  const Verdict last = Classify(a);
  EXPECT_EQ(last.step, Step::kFail);
  ASSERT_TRUE(last.error);
  EXPECT_EQ(last.error->kind, Kind::kHttp);
}

TEST_F(ResumeRulesTest, CutBodyResumesWithoutWaiting) {
  Attempt a = Got(Response(200), 0, 30);
  a.announced = static_cast<long long>(kSize);
  const Verdict v = Classify(a);
  EXPECT_EQ(v.step, Step::kResume);
  EXPECT_STREQ(v.reason, "cut body");
  EXPECT_EQ(v.spent.stalls, 0);
}

TEST_F(ResumeRulesTest, CutBodiesWithoutProgressEndAsANetworkError) {
  Attempt a = Got(Response(206), 30, 30);
  a.announced = 70;
  spent.stalls = policy.max_stalls;
  const Verdict v = Classify(a);
  EXPECT_EQ(v.step, Step::kFail);
  ASSERT_TRUE(v.error);
  EXPECT_EQ(v.error->kind, Kind::kNetwork);
  EXPECT_FALSE(v.discard);
}

TEST_F(ResumeRulesTest, CompleteButShortBodyIsAnIntegrityErrorThatDiscards) {
  Attempt a = Got(Response(200, {{"Content-Type", "text/html"}}), 0, 28);
  a.announced = 28;
  const Verdict v = Classify(a);
  EXPECT_EQ(v.step, Step::kFail);
  ASSERT_TRUE(v.error);
  EXPECT_EQ(v.error->kind, Kind::kIntegrity);
  EXPECT_NE(v.error->detail.find("error page"), std::string::npos);
  EXPECT_TRUE(v.discard);
}

TEST_F(ResumeRulesTest, AnnouncedSubRangeResumesForTheRest) {
  Attempt a = Got(Response(206), 10, 20);
  a.announced = 10;
  a.range = ParseContentRange("bytes 10-19/100");
  EXPECT_EQ(Classify(a).step, Step::kResume);
}

TEST_F(ResumeRulesTest, DropWithProgressRetriesAfterTheBaseWaitAndResetsStalls) {
  spent.stalls = 3;
  const Verdict v = Classify(Dropped(0, 50));
  EXPECT_EQ(v.step, Step::kRetry);
  EXPECT_EQ(v.wait, policy.base_wait);
  EXPECT_EQ(v.spent.stalls, 0);
}

TEST_F(ResumeRulesTest, DropWithoutProgressBacksOffThenFailsWithTheTransportError) {
  const Verdict v = Classify(Dropped(50, 50));
  EXPECT_EQ(v.step, Step::kRetry);
  EXPECT_EQ(v.wait, BackoffDelay(policy, 1));
  EXPECT_EQ(v.spent.stalls, 1);
  spent.stalls = policy.max_stalls;
  const Verdict last = Classify(Dropped(50, 50));
  EXPECT_EQ(last.step, Step::kFail);
  ASSERT_TRUE(last.error);
  EXPECT_EQ(last.error->kind, Kind::kNetwork);
}

TEST_F(ResumeRulesTest, OkToARangedRequestThatDroppedCountsAsProgress) {
  // The 200 replaced 50 stale bytes with 10 new ones, then the line dropped.
  const Verdict v = Classify(Dropped(50, 10));
  EXPECT_EQ(v.step, Step::kRetry);
  EXPECT_EQ(v.spent.stalls, 0);
}

TEST_F(ResumeRulesTest, RangeNotSatisfiableConfirmingTheSizeFinishes) {
  Attempt a = Got(Response(416, {{"Content-Range", "bytes */100"}}), kSize, kSize);
  EXPECT_EQ(Classify(a).step, Step::kFinish);
}

TEST_F(ResumeRulesTest, RangeNotSatisfiableForAnotherSizeRestartsThenMapsTheResponse) {
  Attempt a = Got(Response(416, {{"Content-Range", "bytes */5"}}), 20, 20);
  EXPECT_EQ(Classify(a).step, Step::kRestart);
  spent.restarts = kMaxRestarts;
  const Verdict last = Classify(a);
  EXPECT_EQ(last.step, Step::kFail);
  EXPECT_FALSE(last.error);  // the driver maps the 416 itself
}

TEST_F(ResumeRulesTest, RedirectResumesAtTheLocationAndCountsTheHop) {
  const Verdict v = Classify(Got(Response(302, {{"Location", "/other"}}), 0, 0));
  EXPECT_EQ(v.step, Step::kResume);
  EXPECT_EQ(v.url, "https://cdn.test/other");
  EXPECT_EQ(v.spent.redirects, 1);
  spent.redirects = 10;
  EXPECT_EQ(Classify(Got(Response(302, {{"Location", "/other"}}), 0, 0)).step, Step::kFail);
}

TEST_F(ResumeRulesTest, CdnForbiddenAsksForAFreshUrlUpToTheLimit) {
  const Verdict v = Classify(Got(Response(403), 10, 10));
  EXPECT_EQ(v.step, Step::kResume);
  EXPECT_TRUE(v.refresh);
  EXPECT_EQ(v.spent.refreshes, 1);
  spent.refreshes = kMaxRefreshes;
  const Verdict last = Classify(Got(Response(403), 10, 10));
  EXPECT_EQ(last.step, Step::kFail);
  EXPECT_FALSE(last.error);
}

TEST_F(ResumeRulesTest, HubForbiddenIsNeverRefreshed) {
  Attempt a = Got(Response(403), 0, 0);
  a.on_endpoint = true;
  EXPECT_EQ(Classify(a).step, Step::kFail);
}

TEST_F(ResumeRulesTest, TransientStatusRetriesWithRetryAfter) {
  const Verdict v = Classify(Got(Response(503, {{"Retry-After", "7"}}), 0, 0));
  EXPECT_EQ(v.step, Step::kRetry);
  EXPECT_EQ(v.wait, std::chrono::seconds(7));
  EXPECT_EQ(v.spent.status_retries, 1);
  spent.status_retries = policy.max_retries;
  EXPECT_EQ(Classify(Got(Response(503), 0, 0)).step, Step::kFail);
}

TEST_F(ResumeRulesTest, OtherStatusFailsWithTheResponse) {
  const Verdict v = Classify(Got(Response(404), 0, 0));
  EXPECT_EQ(v.step, Step::kFail);
  EXPECT_FALSE(v.error);
  EXPECT_FALSE(v.discard);
}

}  // namespace
}  // namespace hubget
