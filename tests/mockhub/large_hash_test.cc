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
#include "mockhub/base/digest.h"
#include "mockhub/http/content.h"

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
        "xet.bin": {"size": 1099511627776, "seed": 6, "storage": "xet"},
        "small/a.txt": {"text": "small"},
        "small/b.bin": {"size": 1000, "seed": 7}}}}})"),
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

// Each listing that carries sha256s answers within the wait, with the 503
// of a HEAD, while a huge file it lists is still being hashed.
struct Listing {
  const char* name;
  const char* method;
  const char* target;
  const char* body;
};

class LargeHashListingTest : public LargeHashHubTest,
                             public ::testing::WithParamInterface<Listing> {};

TEST_P(LargeHashListingTest, IsA503WithRetryAfterNotAWaitForTheWholeHash) {
  const Listing& l = GetParam();
  HttpRequest req{l.method, l.target, {}, l.body};
  if (*l.body) req.headers.emplace_back("Content-Type", "application/json");
  const auto started = Clock::now();
  HttpResponse r =
      HandleHub(req, world_, HubContext{kEndpoint, kCdnBase, kKey, now_, "req-1", kCasBase});
  EXPECT_LT(Clock::now() - started, kPrompt) << l.target << " waited for the whole hash";
  EXPECT_EQ(r.status, 503) << l.target;
  EXPECT_FALSE(r.Get("Retry-After").empty()) << l.target;
  EXPECT_NE(r.Get("X-Error-Message").find("still computing the sha256 of "), std::string::npos)
      << r.Get("X-Error-Message");
}

INSTANTIATE_TEST_SUITE_P(
    Listings, LargeHashListingTest,
    ::testing::Values(Listing{"InfoWithBlobs", "GET", "/api/models/org/huge?blobs=true", ""},
                      Listing{"Tree", "GET", "/api/models/org/huge/tree/main", ""},
                      Listing{"PathsInfo", "POST", "/api/models/org/huge/paths-info/main",
                              R"({"paths": ["small/a.txt", "huge.bin"]})"},
                      Listing{"RawPointer", "GET", "/org/huge/raw/main/huge.bin", ""}),
    [](const auto& p) { return std::string(p.param.name); });

TEST_F(LargeHashHubTest, ListingsWithoutTheHugeFilesAnswerAtOnce) {
  // Without blobs=true siblings carry no sha256; a folder's page, or
  // paths-info of small files, needs only their own hashes.
  EXPECT_EQ(Get("/api/models/org/huge").status, 200);
  HttpResponse tree = Get("/api/models/org/huge/tree/main/small");
  ASSERT_EQ(tree.status, 200) << tree.body;
  EXPECT_EQ(nlohmann::json::parse(tree.body).size(), 2u) << tree.body;
  HttpResponse info =
      Call("POST", "/api/models/org/huge/paths-info/main", {{"Content-Type", "application/json"}});
  EXPECT_EQ(info.status, 400) << "no body: paths is required";
  HttpRequest req{"POST",
                  "/api/models/org/huge/paths-info/main",
                  {{"Content-Type", "application/json"}},
                  R"({"paths": ["small/b.bin"]})"};
  HttpResponse small =
      HandleHub(req, world_, HubContext{kEndpoint, kCdnBase, kKey, now_, "req-1", kCasBase});
  ASSERT_EQ(small.status, 200) << small.body;
  EXPECT_EQ(nlohmann::json::parse(small.body)[0]["path"], "small/b.bin");
}

TEST_F(LargeHashHubTest, ACdnUrlFromAnEarlierProcessIsA503WhileItsCandidateHashes) {
  // A reused --signing-key: the URL names a sha256 this process has not
  // computed; the store would have to hash huge.bin to find out.
  const Repo& repo = *world_.FindRepo(RepoType::kModel, "org/huge");
  const std::string url = SignCdnUrl(kCdnBase, CdnFlavour::kCloudFront, repo, std::string(64, 'a'),
                                     "huge.bin", kKey, now_, 3600);
  const auto started = Clock::now();
  HttpResponse r = Cdn(url);
  EXPECT_LT(Clock::now() - started, kPrompt) << "the CDN waited for the whole hash";
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_FALSE(r.Get("Retry-After").empty());
  EXPECT_NE(r.body.find("still computing the sha256"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace mockhub::testing
