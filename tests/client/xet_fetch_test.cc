// hubget's Xet path through real sockets against the hand-written fake Hub,
// CAS and CDN (xet_fake.h), for what the real mock has no knob for (the rest
// is in xet_e2e_test.cc): a term that lies about its length, parallel ranges
// written in order, and proactive CAS token renewal on a test clock. Also
// the switches that turn Xet off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "hub/session.h"
#include "hubget/cache.h"
#include "hubget/client.h"
#include "hubget/curl_transport.h"
#include "xet/xet_download.h"
#include "xet_fake.h"
#include "xet_fixtures.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RouteRequest;
using testing::TextLike;
using testing::XetFake;
using testing::XetFakeOptions;

constexpr std::size_t kSize = 23456;  // 24 chunks of 1000 (the last 456), 6 xorbs

class XetFetchTest : public ::testing::Test {
 protected:
  void Make(const XetFakeOptions& options = {}) {
    fake = std::make_unique<XetFake>(TextLike(kSize, 5), options, *clock);
  }
  void SetUp() override { Make(); }

  ClientConfig Config() const {
    ClientConfig c;
    c.endpoint = fake->hub().url();
    c.cache_dir = dir.path() + "/hub";
    c.retry.base_wait = std::chrono::milliseconds(1);
    c.retry.max_wait = std::chrono::milliseconds(4);
    c.token.value = fake->hub_token;
    c.token.source.where = TokenSource::Where::kHfToken;
    return c;
  }
  // The transport keeps real time for its idle timeouts; tokens and
  // retries run on the test clock.
  Client MakeClient(const ClientConfig& c) const {
    return Client(c, MakeCurlTransport(std::make_shared<SystemClock>()), clock);
  }
  Result<DownloadResult> Download() {
    return MakeClient(Config()).Download(fake->repo, fake->path);
  }
  std::vector<RouteRequest> Reconstructions() const { return fake->cas().Matching("/v"); }

  std::shared_ptr<testing::TestClock> clock = std::make_shared<testing::TestClock>();
  testing::TempDir dir;
  std::unique_ptr<XetFake> fake;
};

TEST_F(XetFetchTest, ATermOfTheWrongLengthIsAnIntegrityError) {
  fake->unpacked_delta = 1;
  auto r = Download();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
  EXPECT_THAT(r.error().Message(),
              HasSubstr("decoded to 4000 bytes, expected its unpacked_length 4001"));
}

TEST_F(XetFetchTest, RangesFetchedInParallelAreWrittenInOrder) {
  fake->hold_first_xorb = 3;  // xorb 0 answers only once xorbs 1-3 were asked
  auto r = Download();
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(fake->held_until_others);
  EXPECT_EQ(ReadFile(r->path), fake->content);
}

TEST(XetConfigTest, HfHubDisableXetAndNoXetDisableIt) {
  MapEnvironment env(std::map<std::string, std::string>{{"HOME", "/nonexistent"}});
  EXPECT_FALSE(ResolveConfig(env, {}).disable_xet);
  ConfigOverrides no_xet;
  no_xet.no_xet = true;
  EXPECT_TRUE(ResolveConfig(env, no_xet).disable_xet);
  env.Set("HF_HUB_DISABLE_XET", "1");
  EXPECT_TRUE(ResolveConfig(env, {}).disable_xet);
  env.Set("HF_HUB_DISABLE_XET", "0");
  EXPECT_FALSE(ResolveConfig(env, {}).disable_xet);
}

// The driver itself, for what needs small blocks: several reconstructions
// of one file while the clock moves, the CAS token renewed 30 s before it
// expires (before the CAS could refuse it).
TEST_F(XetFetchTest, TheCasTokenIsRenewedBeforeItExpires) {
  Make({1000, 4, {1}, 50});
  fake->clock_step = 15;  // each reconstruction takes 15 s of the test clock
  const ClientConfig config = Config();
  auto transport = MakeCurlTransport(std::make_shared<SystemClock>());
  Session session(config, *transport, *clock);
  XetState state;
  const XetFileInfo info{fake->xet_hash, fake->hub().url() + fake->TokenPath(), ""};
  const std::string partial = dir.path() + "/file.incomplete";
  const FetchTarget target{"", fake->sha256, kSize, partial, dir.path() + "/file"};
  XetOptions options;
  options.block = 5000;
  auto r =
      FetchXetToPartial(session, state, info, target, {}, {{fake->repo}, "main", "w"}, options);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadFile(dir.path() + "/file"), fake->content);
  // t = 0, 15, 30 (renewed: 50 <= 30 + 30), 45, 60 (renewed: 80 <= 90).
  const auto asked = Reconstructions();
  ASSERT_EQ(asked.size(), 5u);  // none refused
  EXPECT_EQ(fake->tokens_issued.load(), 3);
  const std::vector<std::string> tokens = {"0", "0", "1", "1", "2"};
  for (std::size_t i = 0; i < asked.size(); ++i) {
    EXPECT_EQ(asked[i].Header("authorization"), "Bearer cas_tok_" + tokens[i]) << i;
  }
  EXPECT_EQ(asked[1].Header("range"), "bytes=5000-9999");
}

}  // namespace
}  // namespace hubget
