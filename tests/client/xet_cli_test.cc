// The Xet path from the outside, against the in-process mockhub and its Xet
// sites: a snapshot of a Xet file, `hubget doctor`'s Xet line, and the
// hubget binary's --json ("xet", "xet_paths"), --no-xet and
// HF_HUB_DISABLE_XET, and the exit code of a corrupt xorb.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_fixture.h"
#include "fakes.h"
#include "hubget/client.h"
#include "hubget/environment.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::Sha256Hex;

const std::string kSchnell = "black-forest-labs/FLUX.1-schnell";
const std::string kAe = "ae.safetensors";  // 48 MiB, LZ4 chunks, one xorb

class XetOutsideTest : public testing::CliTest {
 protected:
  static const Finding* Find(const DoctorReport& report, const std::string& topic) {
    for (const auto& f : report.findings) {
      if (f.topic == topic) return &f;
    }
    return nullptr;
  }
  DoctorReport Doctor() {
    return MakeClient(Config("hf_alice")).Doctor(MapEnvironment(), kSchnell, RepoType::kModel, kAe);
  }
  // The verified blob a snapshot path leads to: its name is its sha256.
  static ::testing::AssertionResult IsVerifiedBlob(const std::string& path) {
    std::error_code ec;
    const fs::path blob = fs::canonical(path, ec);
    if (ec) return ::testing::AssertionFailure() << path << ": " << ec.message();
    if (Sha256Hex(ReadFile(blob.string())) == blob.filename().string()) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << blob << " does not hash to its name";
  }
};

TEST_F(XetOutsideTest, ASnapshotFetchesXetFilesThroughXet) {
  SnapshotOptions options;
  options.include = {kAe};
  auto r = MakeClient(Config("hf_alice")).Snapshot(kSchnell, options);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_TRUE(r->files[0].xet);
  EXPECT_EQ(r->files[0].sha256, Sha256Hex(ReadFile(r->files[0].local)));
  EXPECT_TRUE(IsVerifiedBlob(r->files[0].local));
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(Entries("cas", "/v2/").size(), 1u);
}

TEST_F(XetOutsideTest, DoctorChecksTheXetHop) {
  const DoctorReport report = Doctor();
  const Finding* xet = Find(report, "xet");
  ASSERT_NE(xet, nullptr);
  EXPECT_EQ(xet->level, Finding::Level::kOk);
  EXPECT_THAT(xet->text, HasSubstr("the CAS 127.0.0.3 serves the file's reconstruction"));
  ASSERT_TRUE(WaitForIdle());
  ASSERT_EQ(Entries("cas").size(), 1u);
  EXPECT_EQ(Entries("cas")[0].range, "bytes=0-0");
  EXPECT_TRUE(Entries("cdn", "/xorbs/").empty());
}

TEST_F(XetOutsideTest, DoctorSaysWhichXetHopFails) {
  ASSERT_NO_FATAL_FAILURE(Start(R"([{"server":"hub","method":"GET","path":"*/xet-read-token/*",
                                     "do":{"status":{"code":403}}}])"));
  const DoctorReport report = Doctor();
  const Finding* xet = Find(report, "xet");
  ASSERT_NE(xet, nullptr);
  EXPECT_EQ(xet->level, Finding::Level::kFail);
  EXPECT_THAT(xet->text, HasSubstr("Xet token exchange"));
  EXPECT_THAT(xet->fix, HasSubstr("HF_HUB_DISABLE_XET=1"));
  EXPECT_FALSE(report.ok());
}

TEST_F(XetOutsideTest, JsonNamesThePathsFetchedThroughXet) {
  const auto r = Hubget({"--json", "download", kSchnell, kAe}, {{"HF_TOKEN", "hf_alice"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["xet"], true);
  EXPECT_EQ(j["xet_paths"], j["paths"]);
  EXPECT_TRUE(IsVerifiedBlob(j["paths"][0].get<std::string>()));
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr("hf_alice")));
}

TEST_F(XetOutsideTest, NoXetFlagAndHfHubDisableXetTakeTheBridge) {
  const auto flag = Hubget({"--json", "--no-xet", "download", kSchnell, kAe});
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_EQ(LastJson(flag)["xet"], false);
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(Entries("cdn", "/xet-bridge").size(), 1u);
  const auto env =
      Hubget({"--json", "download", kSchnell, kAe, "--cache-dir", Scratch() + "/other"},
             {{"HF_HUB_DISABLE_XET", "1"}});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(LastJson(env)["xet"], false);
  EXPECT_EQ(LastJson(env)["xet_paths"], json::array());
  ASSERT_TRUE(WaitForIdle());
  EXPECT_EQ(Entries("cdn", "/xet-bridge").size(), 2u);
  EXPECT_TRUE(Entries("cas").empty());
}

TEST_F(XetOutsideTest, ACorruptXorbExitsWithTheIntegrityCode) {
  // Byte 4 of a chunk header is its scheme: LZ4's 1 flipped to 254.
  ASSERT_NO_FATAL_FAILURE(Start(
      R"([{"server":"cdn","method":"GET","path":"/xorbs/*","do":{"corrupt":{"offset":4}}}])"));
  const auto r = Hubget({"--json", "download", kSchnell, kAe});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "integrity");
  EXPECT_THAT(j["message"].get<std::string>(), HasSubstr("unsupported compression scheme 254"));
}

}  // namespace
}  // namespace hubget
