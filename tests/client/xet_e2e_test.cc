// hubget's Xet path against an in-process mockhub with its Xet sites (hub,
// CAS on 127.0.0.3, CDN): the demo world's FLUX files through token
// exchange, reconstruction and xorb ranges with no token where it does not
// belong (the journal's flags), the bridge when Xet is disabled, resume,
// the mock's faults on the new routes, and a small world with shared xorbs
// (multi-term reconstructions) and multi-range v2 entries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "fakes.h"
#include "hubget/cache.h"
#include "hubget/client.h"
#include "mock_and_client.h"
#include "mockhub/http/journal.h"
#include "mockhub/world/world_json.h"
#include "mockhub/world/xet/xet_store.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::Sha256Hex;
using ::testing::StartsWith;

const std::string kSchnell = "black-forest-labs/FLUX.1-schnell";
const std::string kAe = "ae.safetensors";  // 48 MiB, LZ4 chunks

class XetE2eTest : public testsupport::MockAndClient {
 protected:
  ClientConfig Config(const std::optional<std::string>& token = std::string("hf_alice")) const {
    return MockAndClient::Config(token);
  }
  Result<DownloadResult> Download(const ClientConfig& c, const std::string& repo = kSchnell,
                                  const std::string& file = kAe) const {
    return MakeClient(c).Download(repo, file);
  }
  // The commit `main` of a model repo of the world, and a file's X-Xet-Hash there.
  std::string MainCommit(const std::string& repo) const {
    const mockhub::Repo* r = world.FindRepo(mockhub::RepoType::kModel, repo);
    const mockhub::Commit* c = r != nullptr ? r->Resolve("main") : nullptr;
    return c != nullptr ? c->sha : "";
  }
  std::string XetHash(const std::string& repo, const std::string& file) const {
    const mockhub::Repo* r = world.FindRepo(mockhub::RepoType::kModel, repo);
    const mockhub::Commit* c = r != nullptr ? r->Resolve("main") : nullptr;
    if (c == nullptr || c->files.count(file) == 0) return "";
    return mockhub::XetIndex::FileHash(c->files.at(file), world.options.xet);
  }
  static std::uint64_t BytesSent(const std::vector<mockhub::JournalEntry>& entries) {
    std::uint64_t n = 0;
    for (const auto& e : entries) n += e.bytes_sent;
    return n;
  }
  // The names of the files in `folder`, one a line ("" if none or no folder).
  static std::string FilesUnder(const std::string& folder) {
    std::string names;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      names += it->path().filename().string() + "\n";
    }
    return names;
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
};

TEST_F(XetE2eTest, AXetFileLandsVerifiedWithEachTokenOnlyWhereItBelongs) {
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->xet);
  EXPECT_EQ(r->sha256, r->etag);
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  // In the cache layout: the snapshot of main's commit, the blob, no partial left.
  const std::string repo_dir = Cache() + "/models--black-forest-labs--FLUX.1-schnell";
  EXPECT_EQ(r->commit, MainCommit(kSchnell));
  EXPECT_EQ(r->path, repo_dir + "/snapshots/" + MainCommit(kSchnell) + "/" + kAe);
  EXPECT_TRUE(fs::is_regular_file(repo_dir + "/blobs/" + r->etag));
  EXPECT_FALSE(fs::exists(repo_dir + "/blobs/" + r->etag + ".incomplete"));
  ASSERT_TRUE(WaitForIdle());
  // The hub: the user's token on every request, one token exchange.
  for (const auto& e : Entries("hub")) {
    EXPECT_EQ(e.authorization, mockhub::RedactAuthorization("Bearer hf_alice")) << e.target;
  }
  EXPECT_EQ(Entries("hub", "/api/models/" + kSchnell + "/xet-read-token/").size(), 1u);
  // The CAS: one v2 reconstruction of the whole file by its Xet hash, with
  // the CAS token the exchange issued (a JWT) and never the user's.
  const auto cas = Entries("cas");
  ASSERT_EQ(cas.size(), 1u);
  EXPECT_EQ(cas[0].target, "/v2/reconstructions/" + XetHash(kSchnell, kAe));
  EXPECT_EQ(cas[0].range, "bytes=0-50331647");
  EXPECT_THAT(cas[0].authorization, StartsWith("Bearer eyJ"));
  // The CDN: each xorb range asked once, by its Range, and no bridge.
  const auto xorbs = Entries("cdn", "/xorbs/");
  EXPECT_FALSE(xorbs.empty());
  std::set<std::pair<std::string, std::string>> asked;
  for (const auto& e : xorbs) {
    EXPECT_THAT(e.range, StartsWith("bytes=")) << e.target;
    EXPECT_TRUE(asked.insert({e.target.substr(0, e.target.find('?')), e.range}).second)
        << "asked twice: " << e.target << " " << e.range;
  }
  EXPECT_TRUE(Entries("cdn", "/xet-bridge").empty());
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
  EXPECT_EQ(Entries("cdn", "/xet-bridge").size(), 1u);
  EXPECT_TRUE(Entries("cdn", "/xorbs/").empty());
  EXPECT_TRUE(Entries("cas").empty());
  EXPECT_TRUE(Entries("hub", "/api/").empty());
  ExpectNoTokenWhereItDoesNotBelong();
}

TEST_F(XetE2eTest, AResumeAsksTheCasForTheRestOnly) {
  testing::TempDir other;
  ClientConfig first = Config();
  first.cache_dir = other.path();
  auto whole = Download(first);
  ASSERT_TRUE(whole) << whole.error().Message();
  const std::string content = ReadFile(whole->path);
  ASSERT_TRUE(WaitForIdle());
  const auto whole_xorbs = Entries("cdn", "/xorbs/");
  server->journal().Clear();
  const CacheLayout cache(Cache());
  testing::WriteFile(cache.IncompletePath({kSchnell, RepoType::kModel}, whole->etag),
                     content.substr(0, 10000000));
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadFile(r->path), content);
  ASSERT_TRUE(WaitForIdle());
  ASSERT_EQ(Entries("cas").size(), 1u);
  EXPECT_EQ(Entries("cas")[0].range, "bytes=10000000-50331647");
  // The xorb bytes of the part already on disk are not fetched again.
  ASSERT_FALSE(whole_xorbs.empty());
  EXPECT_THAT(whole_xorbs[0].range, StartsWith("bytes=0-"));
  const auto resumed_xorbs = Entries("cdn", "/xorbs/");
  ASSERT_FALSE(resumed_xorbs.empty());
  for (const auto& e : resumed_xorbs) EXPECT_THAT(e.range, Not(StartsWith("bytes=0-")));
  EXPECT_LT(BytesSent(resumed_xorbs), BytesSent(whole_xorbs));
}

TEST_F(XetE2eTest, AnExpiredXorbUrlRefetchesTheReconstruction) {
  Start(R"([{"server":"cdn","method":"GET","path":"/xorbs/*","when":{"first":1},
             "do":{"status":{"code":403,"headers":{"Content-Type":"application/xml"},
               "body":"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"}}}])");
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(Entries("cas", "/v2/").size(), 2u);
}

TEST_F(XetE2eTest, ACutXorbRangeIsFetchedAgain) {
  Start(R"([{"server":"cdn","method":"GET","path":"/xorbs/*","when":{"first":1},
             "do":{"cut":{"after_percent":50}}}])");
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  // The cut range, and only it, asked once more; the reconstruction stays good.
  const auto xorbs = Entries("cdn", "/xorbs/");
  std::set<std::pair<std::string, std::string>> ranges;
  int cut = 0;
  for (const auto& e : xorbs) {
    ranges.insert({e.target.substr(0, e.target.find('?')), e.range});
    cut += e.HasFlag("fault:cut") ? 1 : 0;
  }
  EXPECT_EQ(cut, 1);
  EXPECT_EQ(xorbs.size(), ranges.size() + 1);
  EXPECT_EQ(Entries("cas", "/v2/").size(), 1u);
}

TEST_F(XetE2eTest, ACorruptChunkHeaderIsAnIntegrityError) {
  Start(R"([{"server":"cdn","method":"GET","path":"/xorbs/*","do":{"corrupt":{"offset":4}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
  // Byte 4 of a chunk header is its scheme: LZ4's 1 flipped to 254, in the
  // first chunk of the one xorb the file has.
  ASSERT_TRUE(WaitForIdle());
  const auto xorbs = Entries("cdn", "/xorbs/");
  ASSERT_FALSE(xorbs.empty());
  const std::string path = xorbs[0].target.substr(0, xorbs[0].target.find('?'));
  const std::string hash = path.substr(path.rfind('/') + 1);
  EXPECT_THAT(r.error().Message(),
              HasSubstr("chunk 0 of xorb " + hash + ": unsupported compression scheme 254"));
  EXPECT_EQ(FilesUnder(Cache() + "/models--black-forest-labs--FLUX.1-schnell/blobs"), "");
}

TEST_F(XetE2eTest, ACasThatRefusesTheTokenIsNamed) {
  Start(R"([{"server":"cas","method":"GET","path":"/v2/*","do":{"status":{"code":401}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kInvalidToken);
  const std::string m = r.error().Message();
  EXPECT_THAT(m, HasSubstr("Xet reconstruction"));
  EXPECT_THAT(m, HasSubstr("the CAS at 127.0.0.3 rejected the Xet access token"));
  EXPECT_THAT(m, HasSubstr("also after a fresh exchange"));
  EXPECT_THAT(m, Not(HasSubstr("eyJ")));  // no part of a CAS token (a JWT)
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(Entries("hub", "/api/models/" + kSchnell + "/xet-read-token/").size(), 2u);
  EXPECT_EQ(Entries("cas", "/v2/").size(), 2u);
}

TEST_F(XetE2eTest, ARejectedTokenAtTheExchangeNamesItsSource) {
  Start(R"([{"server":"hub","method":"GET","path":"*/xet-read-token/*",
             "do":{"status":{"code":401,"headers":{"X-Error-Message":"Invalid credentials in Authorization header"}}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kInvalidToken);
  const std::string m = r.error().Message();
  EXPECT_THAT(m, HasSubstr("Xet token exchange (GET " + server->hub_url() + "/api/models/" +
                           kSchnell + "/xet-read-token/"));
  EXPECT_THAT(m, HasSubstr("the HF_TOKEN environment variable (ending in ...lice)"));
  EXPECT_THAT(m, Not(HasSubstr("hf_alice")));
  ASSERT_TRUE(WaitForIdle());
  EXPECT_TRUE(Entries("cas").empty());
}

// Moved from the hand-written Xet fake (xet_fake.h): the mock has a knob
// for each of these.

TEST_F(XetE2eTest, AnOlderCasIsAskedV1) {
  Start(R"([{"server":"cas","method":"GET","path":"/v2/*","do":{"status":{"code":404}}}])");
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  const auto asked = Entries("cas");
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0].target, "/v2/reconstructions/" + XetHash(kSchnell, kAe));
  EXPECT_EQ(asked[1].target, "/v1/reconstructions/" + XetHash(kSchnell, kAe));
}

TEST_F(XetE2eTest, ACdnThatKeepsRefusingIsForbiddenAfterThreeRefreshes) {
  Start(R"([{"server":"cdn","method":"GET","path":"/xorbs/*",
             "do":{"status":{"code":403,"headers":{"Content-Type":"application/xml"},
               "body":"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kForbidden);
  const std::string m = r.error().Message();
  EXPECT_THAT(m, HasSubstr("Xet xorb download"));
  EXPECT_THAT(m, HasSubstr("127.0.0.2 (the CDN) refused"));
  EXPECT_THAT(m, HasSubstr("Request has expired"));
  EXPECT_THAT(m, HasSubstr("fresh xorb URLs 3 times"));
  EXPECT_THAT(m, Not(HasSubstr("hf_alice")));
  EXPECT_THAT(m, Not(HasSubstr("eyJ")));
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(Entries("cas", "/v2/").size(), 4u);
}

TEST_F(XetE2eTest, CasServerErrorsAreRetried) {
  Start(R"([{"server":"cas","method":"GET","path":"/v2/*","when":{"first":2},
             "do":{"status":{"code":503}}}])");
  auto r = Download(Config());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag);
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(Entries("cas", "/v2/").size(), 3u);
}

TEST_F(XetE2eTest, CasServerErrorsPastTheRetriesNameTheStep) {
  Start(R"([{"server":"cas","method":"GET","path":"/v2/*","do":{"status":{"code":503}}}])");
  ClientConfig c = Config();
  c.retry.max_retries = 2;
  auto r = Download(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kServerError);
  EXPECT_THAT(r.error().Message(), HasSubstr("Xet reconstruction (GET " + server->url("cas")));
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(Entries("cas", "/v2/").size(), 3u);
}

TEST_F(XetE2eTest, AProxyWithoutTheTokenRouteSaysHowToGoOn) {
  Start(R"([{"server":"hub","method":"GET","path":"*/xet-read-token/*",
             "do":{"status":{"code":404}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kNotAHub) << r.error().Message();
  EXPECT_THAT(r.error().Message(), HasSubstr("HF_HUB_DISABLE_XET=1"));
}

TEST_F(XetE2eTest, AnEncodedXorbRangeIsRefused) {
  Start(R"([{"server":"cdn","method":"GET","path":"/xorbs/*",
             "do":{"set_headers":{"Content-Encoding":"gzip"}}}])");
  auto r = Download(Config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kNotAHub) << r.error().Message();
  EXPECT_THAT(r.error().Message(), HasSubstr("Content-Encoding: gzip"));
}

// Small chunks and xorbs, two files of one synthetic stream (the larger
// reuses the smaller's xorbs: several terms, one of them part of a xorb),
// and v2 entries with several ranges behind one URL. A third file is stored
// raw, so scheme 0 goes through a whole download too (LZ4 and BG4 do above).
mockhub::World SharedXorbsWorld(bool multirange) {
  const nlohmann::json doc = {
      {"xet",
       {{"chunk_size", 4096u},
        {"xorb_size", 65536u},
        {"compression", "lz4"},
        {"multirange", multirange}}},
      {"repos",
       {{"t/shared",
         {{"storage", "xet"},
          {"files",
           {{"small.bin", {{"size", 300000u}, {"seed", 7u}}},
            {"large.bin", {{"size", 1000000u}, {"seed", 7u}}},
            {"raw.bin", {{"size", 200000u}, {"seed", 8u}, {"compression", "none"}}}}}}}}}};
  auto world = mockhub::WorldFromJson(doc, "test");
  EXPECT_TRUE(world) << world.error().ToString();
  return world ? std::move(world).value() : mockhub::DemoWorld();
}

TEST_F(XetE2eTest, SharedXorbsGiveMultiTermReconstructions) {
  for (bool multirange : {false, true}) {
    world = SharedXorbsWorld(multirange);
    ASSERT_NO_FATAL_FAILURE(Start());
    testing::TempDir cache;
    ClientConfig c = Config({});
    c.cache_dir = cache.path();
    for (const char* file : {"small.bin", "large.bin", "raw.bin"}) {
      auto r = Download(c, "t/shared", file);
      ASSERT_TRUE(r) << file << ": " << r.error().Message();
      EXPECT_TRUE(r->xet);
      EXPECT_EQ(Sha256Hex(ReadFile(r->path)), r->etag) << file << " multirange " << multirange;
    }
    ASSERT_TRUE(WaitForIdle());
    EXPECT_GT(Entries("cdn", "/xorbs/").size(), 2u);
    ExpectNoTokenWhereItDoesNotBelong();
  }
}

}  // namespace
}  // namespace hubget
