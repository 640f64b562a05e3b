// The hubget binary and its cache: offline answers (files and snapshots) with
// no request at all, and two processes downloading one blob that fetch it once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_fixture.h"
#include "fakes.h"
#include "subprocess.h"
#include "wait_for.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using testing::CliTest;
using testing::Env;
using ::testing::HasSubstr;
using testing::kSmallLfsRepo;
using testing::ProcessResult;
using testing::ReadFile;
using testing::Sha256Hex;

// --- offline ------------------------------------------------------------

// The snapshot folder's files, by their paths inside the repo (not the
// blobs their symlinks point to), with --include applied.
TEST_F(CliTest, OfflineSnapshotListsEveryCachedFileByItsRepoPath) {
  ASSERT_EQ(Hubget({"download", kSmallLfsRepo}).exit_code, 0);
  const ProcessResult all =
      Hubget({"--json", "download", kSmallLfsRepo}, {{"HF_HUB_OFFLINE", "1"}});
  ASSERT_EQ(all.exit_code, 0) << all.out << all.err;
  const auto paths = LastJson(all)["paths"];
  ASSERT_EQ(paths.size(), 2u) << all.out;
  EXPECT_THAT(paths[0].get<std::string>(), ::testing::EndsWith("/config.json"));
  EXPECT_THAT(paths[1].get<std::string>(), ::testing::EndsWith("/weights.bin"));
  const ProcessResult some = Hubget({"--json", "download", kSmallLfsRepo, "--include", "*.json"},
                                    {{"HF_HUB_OFFLINE", "1"}});
  ASSERT_EQ(some.exit_code, 0) << some.out << some.err;
  ASSERT_EQ(LastJson(some)["paths"].size(), 1u) << some.out;
}

TEST_F(CliTest, OfflineAnswersFromTheCacheWithoutAnyRequest) {
  ASSERT_EQ(Hubget({"download", kSmallLfsRepo, "config.json"}).exit_code, 0);
  ASSERT_TRUE(server->journal().WaitForCount(2, testsupport::kWaitDefault));
  server->journal().Clear();
  const Env offline = {{"HF_HUB_OFFLINE", "1"}};
  const ProcessResult hit = Hubget({"--json", "download", kSmallLfsRepo, "config.json"}, offline);
  EXPECT_EQ(hit.exit_code, 0) << hit.out;
  EXPECT_THAT(ReadFile(LastJson(hit)["paths"][0]), HasSubstr("gpt2"));
  const ProcessResult miss = Hubget({"--json", "download", kSmallLfsRepo, "weights.bin"}, offline);
  EXPECT_EQ(miss.exit_code, 8);
  EXPECT_EQ(LastJson(miss)["error"], "offline_not_cached");
  EXPECT_TRUE(LastJson(miss)["status"].is_null());
  EXPECT_TRUE(server->journal().Entries().empty());
}

// --- two processes, one blob -------------------------------------------

TEST_F(CliTest, TwoProcessesDownloadingTheSameBlobFetchItOnce) {
  // 1 MiB at 512 KiB/s. The second process starts once the first one is
  // receiving (its .incomplete exists), so it must find the blob's lock
  // taken, wait, and reuse the blob.
  ASSERT_NO_FATAL_FAILURE(
      Start(R"([{"server":"cdn","method":"GET","do":{"throttle":{"bytes_per_second":524288}}}])"));
  const auto argv = Argv({"--json", "download", kSmallLfsRepo, "weights.bin"});
  const std::string scratch = dir.path() + "/scratch";
  const std::string blobs = Cache() + "/models--new-org--renamed-model/blobs";
  testing::Child a(argv, BaseEnv(), scratch);
  ASSERT_TRUE(WaitForIncomplete(blobs));
  testing::Child b(argv, BaseEnv(), scratch);
  ProcessResult ra, rb;
  ASSERT_TRUE(a.Wait(testing::kChildDeadline, &ra));
  ASSERT_TRUE(b.Wait(testing::kChildDeadline, &rb));
  ASSERT_EQ(ra.exit_code, 0) << ra.out << ra.err;
  ASSERT_EQ(rb.exit_code, 0) << rb.out << rb.err;

  // Both end with the same file, and it is the verified blob.
  const std::string pa = LastJson(ra)["paths"][0], pb = LastJson(rb)["paths"][0];
  EXPECT_EQ(pa, pb);
  const fs::path blob = fs::canonical(pa);
  EXPECT_EQ(blob.parent_path().filename(), "blobs");
  const std::string content = ReadFile(blob.string());
  EXPECT_EQ(content.size(), 1048576u);
  EXPECT_EQ(Sha256Hex(content), blob.filename().string());
  EXPECT_EQ(ReadFile(pb), content);
  for (const auto& e : fs::directory_iterator(blob.parent_path())) {
    EXPECT_EQ(e.path(), blob) << "left behind in blobs/";
  }

  // The journal: two HEADs on the hub and one body GET on the CDN, and the
  // second HEAD arrived while that GET was still sending (they overlapped).
  // Arrival times, not journal order: a HEAD on a kept-alive connection is
  // only journaled when that connection is next used or closed.
  ASSERT_TRUE(server->journal().WaitForCount(3, testsupport::kWaitDefault));
  const auto all = server->journal().Entries();
  std::string log;
  for (const auto& e : all) {
    log += e.server + " " + e.method + " " + e.target.substr(0, 60) +
           " t=" + std::to_string(e.time) + " " + std::to_string(e.duration_ms) + " ms\n";
  }
  ASSERT_EQ(all.size(), 3u) << log;
  const auto cdn = Entries("cdn");
  const auto hub = Entries("hub");
  ASSERT_EQ(cdn.size(), 1u) << log;
  EXPECT_EQ(cdn[0].method, "GET");
  EXPECT_EQ(cdn[0].status, 200);
  EXPECT_EQ(cdn[0].bytes_sent, 1048576u);
  ASSERT_EQ(hub.size(), 2u) << log;
  const double get_end = cdn[0].time + cdn[0].duration_ms / 1000;
  for (const auto& h : hub) {
    EXPECT_EQ(h.method, "HEAD");
    EXPECT_LT(h.time, get_end) << "a process only asked after the download was over\n" << log;
  }
}

}  // namespace
}  // namespace hubget
