// A large LFS file's sha256 (its ETag) never blocks a request or shutdown
// (H4): content above Content::kInlineHashLimit is hashed on a thread of its
// own, a request waits kSha256Wait for it and then gets an honest 503 with
// Retry-After, and destroying or cancelling stops the hash within a
// megabyte. The bounds asserted on time are generous (seconds where the
// code needs milliseconds) and each says what it guards.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include <nlohmann/json.hpp>

#include "hub_fixture.h"
#include "mockhub/content.h"
#include "mockhub/digest.h"

namespace mockhub::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t k1TiB = 1ull << 40;
// Hashing takes ~13 min at 1.35 GiB/s; ten seconds to stop is a stuck hash.
constexpr seconds kPrompt{10};

TEST(LargeHashTest, SmallContentIsHashedOnTheCallersThread) {
  auto c = Content::Synthetic(1 << 20, 7);
  const std::string* sha = c->Sha256Within(milliseconds(0));
  ASSERT_NE(sha, nullptr);
  EXPECT_EQ(*sha, Sha256Hex(c->ReadAll()));
  EXPECT_EQ(c->Sha256SecondsLeft(), 0u);
}

TEST(LargeHashTest, BackgroundHashGivesTheSameSha256AsTheBlockingOne) {
  const std::uint64_t size = Content::kInlineHashLimit + 12345;
  auto background = Content::Synthetic(size, 9);
  const std::string* sha = nullptr;
  // Waits as long as needed, in steps: never a test that depends on speed.
  for (int i = 0; i < 600 && !sha; ++i) sha = background->Sha256Within(milliseconds(1000));
  ASSERT_NE(sha, nullptr) << "a 64 MiB hash did not finish in 10 minutes";
  EXPECT_EQ(*sha, Content::Synthetic(size, 9)->Sha256());
}

TEST(LargeHashTest, AHugeFileIsNotReadyAtOnceAndSaysHowLongItNeeds) {
  auto c = Content::Synthetic(k1TiB, 1);
  EXPECT_EQ(c->Sha256Within(milliseconds(0)), nullptr);
  EXPECT_EQ(c->Sha256IfKnown(), nullptr);
  EXPECT_GE(c->Sha256SecondsLeft(), 60u) << "1 TiB cannot hash in under a minute";
}

TEST(LargeHashTest, CancelStopsABackgroundHashPromptly) {
  auto c = Content::Synthetic(k1TiB, 2);
  ASSERT_EQ(c->Sha256Within(milliseconds(50)), nullptr);
  const auto started = Clock::now();
  c->CancelHashing();
  EXPECT_LT(Clock::now() - started, kPrompt) << "CancelHashing waited for the whole hash";
  // Asked again, it starts again.
  EXPECT_EQ(c->Sha256Within(milliseconds(0)), nullptr);
}

TEST(LargeHashTest, DestroyingTheContentStopsItsHashPromptly) {
  auto c = Content::Synthetic(k1TiB, 3);
  ASSERT_EQ(c->Sha256Within(milliseconds(50)), nullptr);
  const auto started = Clock::now();
  c.reset();
  EXPECT_LT(Clock::now() - started, kPrompt) << "~Content waited for the whole hash";
}

class LargeHashHubTest : public HubTest {
 protected:
  void SetUp() override {
    auto loaded = WorldFromJson(nlohmann::json::parse(R"({"repos": {"org/huge": {"files": {
        "huge.bin": {"size": 1099511627776, "seed": 5},
        "xet.bin": {"size": 1099511627776, "seed": 6, "storage": "xet"}}}}})"),
                                "huge.json");
    ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    world_ = std::move(loaded.value());
  }
};

TEST_F(LargeHashHubTest, HeadOfAFileStillHashingIs503WithRetryAfter) {
  const auto started = Clock::now();
  HttpResponse r = Head("/org/huge/resolve/main/huge.bin");
  EXPECT_LT(Clock::now() - started, kPrompt) << "the HEAD waited for the whole hash";
  EXPECT_EQ(r.status, 503);
  const std::string retry_after = r.Get("Retry-After");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoull(retry_after), 60u);
  EXPECT_NE(r.Get("X-Error-Message").find("still computing the sha256 of huge.bin"),
            std::string::npos)
      << r.Get("X-Error-Message");
  EXPECT_FALSE(r.Has("X-Linked-Etag"));
}

TEST_F(LargeHashHubTest, XetFileInfoOfAFileStillHashingIs503) {
  HttpResponse r = Call("GET", "/org/huge/resolve/main/xet.bin",
                        {{"Accept", "application/vnd.xet-fileinfo+json"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_FALSE(r.Get("Retry-After").empty());
}

}  // namespace
}  // namespace mockhub::testing
