// The Xet path from the outside: a snapshot of a Xet repo, `hubget doctor`'s
// Xet line, and the hubget binary's --json ("xet", "xet_paths"), --no-xet
// and HF_HUB_DISABLE_XET, against the fake Hub, CAS and CDN (xet_fake.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "fakes.h"
#include "hubget/client.h"
#include "hubget/curl_transport.h"
#include "subprocess.h"
#include "xet_fake.h"
#include "xet_fixtures.h"

namespace hubget {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TextLike;
using testing::XetFake;

class XetOutsideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* d : {"/home", "/scratch"}) std::filesystem::create_directories(dir.path() + d);
  }
  ClientConfig Config() const {
    ClientConfig c;
    c.endpoint = fake.hub().url();
    c.cache_dir = dir.path() + "/hub";
    c.retry.base_wait = std::chrono::milliseconds(1);
    c.token.value = fake.hub_token;
    c.token.source.where = TokenSource::Where::kHfToken;
    return c;
  }
  Client MakeClient() const {
    return Client(Config(), MakeCurlTransport(std::make_shared<SystemClock>()), clock);
  }
  const Finding* Find(const DoctorReport& report, const std::string& topic) const {
    for (const auto& f : report.findings) {
      if (f.topic == topic) return &f;
    }
    return nullptr;
  }
  // The binary with only these variables (its clock is the real one, and
  // so is the fake's: tokens expire in real time).
  testing::ProcessResult Hubget(std::vector<std::string> args,
                                std::map<std::string, std::string> extra = {}) const {
    std::map<std::string, std::string> env = {{"HOME", dir.path() + "/home"},
                                              {"HF_HUB_CACHE", dir.path() + "/hub"},
                                              {"HF_ENDPOINT", fake.hub().url()},
                                              {"HF_TOKEN", fake.hub_token},
                                              {"HUBGET_RETRY_BASE_MS", "1"}};
    for (auto& [k, v] : extra) env[k] = v;
    args.insert(args.begin(), HUBGET_BINARY);
    return testing::Run(args, env, dir.path() + "/scratch");
  }
  static json LastJson(const testing::ProcessResult& r) {
    const json j = json::parse(r.LastLine(), nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.LastLine() << "\nstderr: " << r.err;
    return j.is_object() ? j : json::object();
  }

  std::shared_ptr<testing::TestClock> clock =
      std::make_shared<testing::TestClock>(static_cast<std::int64_t>(std::time(nullptr)));
  testing::TempDir dir;
  XetFake fake{TextLike(9000, 3), {}, *clock};
};

TEST_F(XetOutsideTest, ASnapshotFetchesXetFilesThroughXet) {
  auto r = MakeClient().Snapshot(fake.repo);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_TRUE(r->files[0].xet);
  EXPECT_EQ(r->files[0].sha256, fake.sha256);
  EXPECT_EQ(ReadFile(r->files[0].local), fake.content);
  EXPECT_EQ(fake.cas().Matching("/v2/").size(), 1u);
}

TEST_F(XetOutsideTest, DoctorChecksTheXetHop) {
  const DoctorReport report =
      MakeClient().Doctor(MapEnvironment(), fake.repo, RepoType::kModel, fake.path);
  const Finding* xet = Find(report, "xet");
  ASSERT_NE(xet, nullptr);
  EXPECT_EQ(xet->level, Finding::Level::kOk);
  EXPECT_THAT(xet->text, HasSubstr("the CAS 127.0.0.3 serves the file's reconstruction"));
  ASSERT_EQ(fake.cas().requests().size(), 1u);
  EXPECT_EQ(fake.cas().requests()[0].Header("range"), "bytes=0-0");
  EXPECT_TRUE(fake.cdn().Matching("/xorbs/").empty());
}

TEST_F(XetOutsideTest, DoctorSaysWhichXetHopFails) {
  fake.token_status = 403;
  const DoctorReport report =
      MakeClient().Doctor(MapEnvironment(), fake.repo, RepoType::kModel, fake.path);
  const Finding* xet = Find(report, "xet");
  ASSERT_NE(xet, nullptr);
  EXPECT_EQ(xet->level, Finding::Level::kFail);
  EXPECT_THAT(xet->text, HasSubstr("Xet token exchange"));
  EXPECT_THAT(xet->fix, HasSubstr("HF_HUB_DISABLE_XET=1"));
  EXPECT_FALSE(report.ok());
}

TEST_F(XetOutsideTest, JsonNamesThePathsFetchedThroughXet) {
  const auto r = Hubget({"--json", "download", fake.repo, fake.path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["xet"], true);
  EXPECT_EQ(j["xet_paths"], j["paths"]);
  EXPECT_EQ(ReadFile(j["paths"][0].get<std::string>()), fake.content);
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr(fake.hub_token)));
}

TEST_F(XetOutsideTest, NoXetFlagAndHfHubDisableXetTakeTheBridge) {
  const auto flag = Hubget({"--json", "--no-xet", "download", fake.repo, fake.path});
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_EQ(LastJson(flag)["xet"], false);
  EXPECT_EQ(fake.cdn().Matching("/xet-bridge/").size(), 1u);
  const auto env =
      Hubget({"--json", "download", fake.repo, fake.path, "--cache-dir", dir.path() + "/other"},
             {{"HF_HUB_DISABLE_XET", "1"}});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(LastJson(env)["xet"], false);
  EXPECT_EQ(LastJson(env)["xet_paths"], json::array());
  EXPECT_EQ(fake.cdn().Matching("/xet-bridge/").size(), 2u);
  EXPECT_TRUE(fake.cas().requests().empty());
}

TEST_F(XetOutsideTest, ACorruptXorbExitsWithTheIntegrityCode) {
  fake.corrupt_scheme_chunk = 4;
  const auto r = Hubget({"--json", "download", fake.repo, fake.path});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "integrity");
  EXPECT_THAT(j["message"].get<std::string>(), HasSubstr("unsupported compression scheme 177"));
}

}  // namespace
}  // namespace hubget
