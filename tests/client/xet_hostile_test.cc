// hubget's Xet path and tree listing bounded against hostile answers,
// through real sockets (xet_fake.h): a server-requested wait past the 60 s
// cap on a xorb GET, a xorb answer that goes on past its range (endless, or
// a 200 that ignores Range), reconstruction and token answers too large to
// keep, a reconstruction of more terms than a plan holds, and a tree
// listing that pages on without end. Each ends with a clear error or with
// the exact bytes, having read no more than a cap, and what a server sent
// or a clock slept is checked, never a stopwatch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fakes.h"
#include "hubget/client.h"
#include "hubget/curl_transport.h"
#include "xet/xet_json.h"
#include "xet/xet_reconstruction.h"
#include "xet_fake.h"
#include "xet_fixtures.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TextLike;
using testing::XetFake;

constexpr std::size_t kSize = 23456;  // 24 chunks of 1000, 6 xorbs of 4 chunks
constexpr std::uint64_t kMiB = 1u << 20;

class XetHostileTest : public ::testing::Test {
 protected:
  ClientConfig Config() const {
    ClientConfig c;
    c.endpoint = fake.hub().url();
    c.cache_dir = dir.path() + "/hub";
    c.retry.base_wait = std::chrono::milliseconds(1);
    c.retry.max_wait = std::chrono::milliseconds(4);
    // The fake builds answers of tens of MiB; under a sanitizer on a loaded machine that
    // takes longer than the 10 s default idle timeout, which these tests are not about.
    c.idle_timeout = std::chrono::seconds(120);
    c.token.value = fake.hub_token;
    c.token.source.where = TokenSource::Where::kHfToken;
    return c;
  }
  // Real time for the transport's timeouts; retries sleep on the test clock.
  Client MakeClient() const {
    return Client(Config(), MakeCurlTransport(std::make_shared<SystemClock>()), clock);
  }
  Result<DownloadResult> Download() const { return MakeClient().Download(fake.repo, fake.path); }
  std::size_t XorbGets() const { return fake.cdn().Matching("/xorbs/").size(); }

  std::shared_ptr<testing::TestClock> clock = std::make_shared<testing::TestClock>();
  testing::TempDir dir;
  XetFake fake{TextLike(kSize, 7), {}, *clock};
};

TEST_F(XetHostileTest, AXorbRetryAfterPastTheCapFailsAtOnceSayingWhatWasAsked) {
  fake.xorb_retry_after = 86400;
  auto r = Download();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kRateLimited);
  EXPECT_EQ(r.error().reply.retry_after_seconds, 86400);
  EXPECT_THAT(r.error().Message(), HasSubstr("asked to wait 86400 s"));
  EXPECT_THAT(r.error().Message(), HasSubstr("at most 60 s"));
  EXPECT_LT(clock->slept(), std::chrono::seconds(60));  // nothing of the day was slept
  EXPECT_LE(XorbGets(), 4u);                            // one GET per worker, no retry
}

TEST_F(XetHostileTest, AXorbRetryAfterWithinTheCapIsWaitedAndRetried) {
  fake.xorb_retry_after = 30;
  auto r = Download();
  ASSERT_FALSE(r);  // every GET answers 429: the retries run out
  EXPECT_EQ(r.error().kind, Kind::kRateLimited);
  EXPECT_GE(clock->slept(), std::chrono::seconds(30 * 5));  // max_retries waits of 30 s
  EXPECT_GE(XorbGets(), 6u);
}

TEST_F(XetHostileTest, AnEndlessXorbAnswerEndsWithTheTermsBytes) {
  fake.xorb_pad = 512 * kMiB;  // no Content-Length: 512 MiB after the range
  fake.endless_xorb_gets = 6;
  auto r = Download();
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadFile(r->path), fake.content);
  EXPECT_EQ(XorbGets(), fake.xorb_count());
  // Stopped at each term's end: the rest is a few socket buffers at most.
  EXPECT_LT(fake.cdn().body_bytes_sent(), 128 * kMiB);
}

TEST_F(XetHostileTest, A200ThatIgnoresRangeIsReadOnlyUpToTheTerm) {
  fake.whole_xorb_200 = true;
  fake.xorb_pad = 64 * kMiB;  // each xorb answer is 64 MiB longer than the xorb
  auto r = Download();
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadFile(r->path), fake.content);
  EXPECT_EQ(XorbGets(), fake.xorb_count());
  EXPECT_LT(fake.cdn().body_bytes_sent(), 128 * kMiB);  // not 6 x 64 MiB
}

TEST_F(XetHostileTest, AReconstructionOverTheCapIsRefusedByItsLength) {
  fake.recon_padding = 20 * kMiB;
  auto r = Download();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kNotAHub);
  EXPECT_THAT(r.error().Message(), HasSubstr("reconstruction answer is larger than the 16 MiB"));
  EXPECT_THAT(r.error().step, HasSubstr("Xet reconstruction"));
  EXPECT_LT(fake.cas().body_bytes_sent(), 16 * kMiB);  // refused at its Content-Length
  EXPECT_EQ(XorbGets(), 0u);
}

TEST_F(XetHostileTest, AnUnannouncedHugeReconstructionIsReadOnlyUpToTheCap) {
  fake.recon_padding = 40 * kMiB;  // under the transport's own 64 MiB
  fake.recon_unannounced = true;
  auto r = Download();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kNotAHub);
  EXPECT_THAT(r.error().Message(), HasSubstr("larger than the 16 MiB"));
  EXPECT_LT(fake.cas().body_bytes_sent(), 32 * kMiB);  // the cap and a few socket buffers
}

TEST_F(XetHostileTest, ATokenAnswerOverTheCapIsRefused) {
  fake.token_padding = 1 * kMiB;
  auto r = Download();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kNotAHub);
  EXPECT_THAT(r.error().Message(), HasSubstr("token exchange's answer is larger than the 256 KiB"));
  EXPECT_TRUE(fake.cas().requests().empty());
}

TEST_F(XetHostileTest, AnEndlessTreeListingStopsAtTheEntryCap) {
  fake.tree_pages = 150;  // 1.5 million entries in pages of 10,000
  fake.tree_page_folders = 10000;
  auto files = MakeClient().ListFiles(fake.repo, RepoType::kModel, fake.commit);
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().kind, Kind::kNotAHub);
  EXPECT_THAT(files.error().Message(), HasSubstr("goes on past 1000000 entries"));
  // 100 pages of 10,000 folders and the file: the 100th page passes the cap.
  EXPECT_EQ(fake.hub().Matching("/api/models/" + fake.repo + "/tree/").size(), 100u);
}

// A reconstruction of `n` one-chunk terms of one xorb, each with a fetch
// entry of its own, the entries in the terms' order: the old linear match
// scanned i entries for term i.
std::string ManyTerms(std::size_t n) {
  std::string terms;
  std::string entries;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string range =
        R"({"start":)" + std::to_string(i) + R"(,"end":)" + std::to_string(i + 1) + "}";
    terms +=
        (i ? "," : "") + std::string(R"({"hash":"x","unpacked_length":1,"range":)") + range + "}";
    entries += (i ? "," : "") + std::string(R"({"url":"http://c/x","range":)") + range +
               R"(,"url_range":{"start":0,"end":0}})";
  }
  return R"({"offset_into_first_range":0,"terms":[)" + terms + R"(],"fetch_info":{"x":[)" +
         entries + "]}}";
}

TEST(XetHostilePlanTest, TwoHundredThousandTermsPlanWithLogarithmicProbesEach) {
  constexpr std::size_t kTerms = 200000;
  auto r = ParseReconstructionV1(ManyTerms(kTerms));
  ASSERT_TRUE(r) << r.error().detail;
  ASSERT_EQ(r->terms.size(), kTerms);
  PlanStats stats;
  auto units = PlanUnits(*r, 0, kTerms, &stats);
  ASSERT_TRUE(units) << units.error().detail;
  ASSERT_EQ(units->size(), kTerms);
  EXPECT_EQ((*units)[kTerms - 1].fetch->chunks.start, kTerms - 1);
  // log2(200,000) < 18 steps of binary search and 2 checks a term; the
  // linear match needs 20 billion.
  EXPECT_LE(stats.probes, kTerms * 20);
}

TEST(XetHostilePlanTest, MoreTermsThanAPlanHoldsAreRefused) {
  auto r = ParseReconstructionV1(ManyTerms(kMaxReconstructionTerms + 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kNotAHub);
  EXPECT_THAT(r.error().detail, HasSubstr("more than 262144 terms"));
}

TEST(XetHostilePlanTest, AV2UrlCopiedToEveryRangeIsCapped) {
  // One 1 MiB URL listed with 40 ranges: 40 MiB of copies from a 1 MiB body.
  std::string ranges;
  for (int i = 0; i < 40; ++i) {
    ranges += (i ? "," : "") + std::string(R"({"chunks":{"start":)") + std::to_string(i) +
              R"(,"end":)" + std::to_string(i + 1) + R"(},"bytes":{"start":0,"end":0}})";
  }
  const std::string body =
      R"({"offset_into_first_range":0,"terms":[],"xorbs":{"x":[{"url":"http://c/)" +
      std::string(kMiB, 'u') + R"(","ranges":[)" + ranges + "]}]}}";
  auto r = ParseReconstructionV2(body);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().detail, HasSubstr("URLs add up to more than 32 MiB"));
}

}  // namespace
}  // namespace hubget
