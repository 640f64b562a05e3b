// hubget's Xet path against an in-process mockhub with its Xet sites (hub,
// CAS on 127.0.0.3, CDN): the demo world's FLUX files through token
// exchange, reconstruction and xorb ranges with no token where it does not
// belong (the journal's flags), the bridge when Xet is disabled, resume,
// the mock's faults on the new routes, and a small world with shared xorbs
// (multi-term reconstructions) and multi-range v2 entries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes.h"
#include "hubget/cache.h"
#include "hubget/client.h"
#include "hubget/curl_transport.h"
#include "mockhub/faults/faults.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::Sha256Hex;

const std::string kSchnell = "black-forest-labs/FLUX.1-schnell";
const std::string kAe = "ae.safetensors";  // 48 MiB, LZ4 chunks

class XetE2eTest : public ::testing::Test {
 protected:
  void Start(const std::string& faults_json = "[]", const mockhub::World* world = nullptr) {
    mockhub::ServerOptions opts;
    auto faults =
        mockhub::FaultSet::FromJson(nlohmann::json::parse(faults_json), "test", "/faults");
    ASSERT_TRUE(faults) << faults.error().ToString();
    opts.faults = faults.value();
    auto started = mockhub::MockServer::Start(world ? *world : mockhub::DemoWorld(), opts);
    ASSERT_TRUE(started) << started.status().message();
    server = std::move(*started);
  }
  void SetUp() override { Start(); }

  ClientConfig Config(std::optional<std::string> token = "hf_alice") const {
    ClientConfig c;
    c.endpoint = server->hub_url();
    c.cache_dir = dir.path() + "/hub";
    c.retry.base_wait = std::chrono::milliseconds(1);
    c.retry.max_wait = std::chrono::milliseconds(4);
    if (token) {
      c.token.value = *token;
      c.token.source.where = TokenSource::Where::kHfToken;
    }
    return c;
  }
  Result<DownloadResult> Download(const ClientConfig& c, const std::string& repo = kSchnell,
                                  const std::string& file = kAe) const {
    return Client(c, MakeCurlTransport(), std::make_shared<SystemClock>()).Download(repo, file);
  }
  // Entries of one site whose target starts with `prefix`.
  std::vector<mockhub::JournalEntry> At(const std::string& site, const std::string& prefix = "") {
    std::vector<mockhub::JournalEntry> out;
    for (auto& e : server->journal().Entries()) {
      if (e.server == site && e.target.rfind(prefix, 0) == 0) out.push_back(e);
    }
    return out;
  }
  // The journal records a request once its answer is sent: wait (bounded).
  ::testing::AssertionResult WaitForIdle() const {
    if (server->journal().WaitForIdle(std::chrono::seconds(5))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "the journal was not idle within 5 s";
  }
  void ExpectNoTokenWhereItDoesNotBelong() {
    for (const auto& e : server->journal().Entries()) {
      for (const char* flag :
           {"token_leak", "hub_token_to_cas", "cas_token_to_hub", "cas_token_to_cdn"}) {
        EXPECT_FALSE(e.HasFlag(flag)) << flag << " on " << e.server << " " << e.target;
      }
      if (e.server == "cdn") {
        EXPECT_EQ(e.authorization, "") << e.target;
      }
    }
  }

  testing::TempDir dir;
  std::unique_ptr<mockhub::MockServer> server;
};

TEST_F(XetE2eTest, AXetFileLandsVerifiedWithEachTokenOnlyWhereItBelongs) {
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->xet);
  EXPECT_EQ(r->sha256, r->etag);
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(At("hub", "/api/models/" + kSchnell + "/xet-read-token/").size(), 1u);
  ASSERT_EQ(At("cas", "/v2/reconstructions/").size(), 1u);
  EXPECT_EQ(At("cas", "/v2/reconstructions/")[0].range, "bytes=0-50331647");
  EXPECT_THAT(At("cas")[0].authorization, Not(HasSubstr("hf_")));
  EXPECT_FALSE(At("cdn", "/xorbs/").empty());
  EXPECT_TRUE(At("cdn", "/xet-bridge").empty());
  ExpectNoTokenWhereItDoesNotBelong();
}

TEST_F(XetE2eTest, Bg4ChunksDecode) {
  auto r = Download(Config({}), kSchnell, "transformer/diffusion_pytorch_model.safetensors");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->xet);
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  ExpectNoTokenWhereItDoesNotBelong();
}

TEST_F(XetE2eTest, AGatedXetFileWithAnApprovedToken) {
  auto r = Download(Config("hf_alice"), "black-forest-labs/FLUX.1-dev", "flux1-dev.safetensors");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->xet);
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  ExpectNoTokenWhereItDoesNotBelong();
}

TEST_F(XetE2eTest, DisabledXetTakesTheBridge) {
  ClientConfig c = Config();
  c.disable_xet = true;
  auto r = Download(c);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_FALSE(r->xet);
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(At("cdn", "/xet-bridge").size(), 1u);
  EXPECT_TRUE(At("cas").empty());
  EXPECT_TRUE(At("hub", "/api/").empty());
  ExpectNoTokenWhereItDoesNotBelong();
}

TEST_F(XetE2eTest, AResumeAsksTheCasForTheRestOnly) {
  testing::TempDir other;
  ClientConfig first = Config();
  first.cache_dir = other.path();
  auto whole = Download(first);
  ASSERT_TRUE(whole) << whole.error().Message();
  const std::string content = ReadFile(whole->path);
  server->journal().Clear();
  const CacheLayout cache(dir.path() + "/hub");
  testing::WriteFile(cache.IncompletePath({kSchnell, RepoType::kModel}, whole->etag),
                     content.substr(0, 10000000));
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadFile(r->path), content);
  ASSERT_TRUE(WaitForIdle());
  ASSERT_EQ(At("cas").size(), 1u);
  EXPECT_EQ(At("cas")[0].range, "bytes=10000000-50331647");
}

TEST_F(XetE2eTest, AnExpiredXorbUrlRefetchesTheReconstruction) {
  Start(R"([{"server":"cdn","method":"GET","path":"/xorbs/*","when":{"first":1},
             "do":{"status":{"code":403,"headers":{"Content-Type":"application/xml"},
               "body":"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"}}}])");
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(At("cas", "/v2/").size(), 2u);
}

TEST_F(XetE2eTest, ACutXorbRangeIsFetchedAgain) {
  Start(R"([{"server":"cdn","method":"GET","path":"/xorbs/*","when":{"first":1},
             "do":{"cut":{"after_percent":50}}}])");
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
}

TEST_F(XetE2eTest, ACorruptChunkHeaderIsAnIntegrityError) {
  Start(R"([{"server":"cdn","method":"GET","path":"/xorbs/*","do":{"corrupt":{"offset":4}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
  EXPECT_THAT(r.error().Message(), HasSubstr("unsupported compression scheme"));
}

TEST_F(XetE2eTest, ACasThatRefusesTheTokenIsNamed) {
  Start(R"([{"server":"cas","method":"GET","path":"/v2/*","do":{"status":{"code":401}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kInvalidToken);
  EXPECT_THAT(r.error().Message(), HasSubstr("the CAS at 127.0.0.3 rejected the Xet access token"));
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(At("hub", "/api/models/" + kSchnell + "/xet-read-token/").size(), 2u);
}

TEST_F(XetE2eTest, ARejectedTokenAtTheExchangeNamesItsSource) {
  Start(R"([{"server":"hub","method":"GET","path":"*/xet-read-token/*",
             "do":{"status":{"code":401,"headers":{"X-Error-Message":"Invalid credentials in Authorization header"}}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kInvalidToken);
  EXPECT_THAT(r.error().Message(), HasSubstr("Xet token exchange"));
  EXPECT_THAT(r.error().Message(), HasSubstr("HF_TOKEN environment variable"));
  EXPECT_THAT(r.error().Message(), Not(HasSubstr("hf_alice")));
}

// Small chunks and xorbs, two files of one synthetic stream (the larger
// reuses the smaller's xorbs: several terms, one of them part of a xorb),
// and v2 entries with several ranges behind one URL.
mockhub::World SharedXorbsWorld(bool multirange) {
  const nlohmann::json doc = {{"xet",
                               {{"chunk_size", 4096u},
                                {"xorb_size", 65536u},
                                {"compression", "lz4"},
                                {"multirange", multirange}}},
                              {"repos",
                               {{"t/shared",
                                 {{"storage", "xet"},
                                  {"files",
                                   {{"small.bin", {{"size", 300000u}, {"seed", 7u}}},
                                    {"large.bin", {{"size", 1000000u}, {"seed", 7u}}}}}}}}}};
  auto world = mockhub::WorldFromJson(doc, "test");
  EXPECT_TRUE(world) << world.error().ToString();
  return world ? std::move(world).value() : mockhub::DemoWorld();
}

TEST_F(XetE2eTest, SharedXorbsGiveMultiTermReconstructions) {
  for (bool multirange : {false, true}) {
    const mockhub::World world = SharedXorbsWorld(multirange);
    Start("[]", &world);
    testing::TempDir cache;
    ClientConfig c = Config({});
    c.cache_dir = cache.path();
    for (const char* file : {"small.bin", "large.bin"}) {
      auto r = Download(c, "t/shared", file);
      ASSERT_TRUE(r) << file << ": " << r.error().Message();
      EXPECT_TRUE(r->xet);
      EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag) << file << " multirange " << multirange;
    }
    ASSERT_TRUE(WaitForIdle());
    EXPECT_GT(At("cdn", "/xorbs/").size(), 2u);
    ExpectNoTokenWhereItDoesNotBelong();
  }
}

}  // namespace
}  // namespace hubget
