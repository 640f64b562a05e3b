// Single-file downloads end to end over a routed fake transport: cache
// layout, short circuits, offline and degraded modes, local-dir mode.
#include <gtest/gtest.h>

#include <filesystem>

#include "fakes.h"
#include "hubget/client.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using ::testing::_;
using testing::Canned;
using ::testing::HasSubstr;
using testing::kCommit;
using testing::kCommit2;
using testing::ReadFile;
using testing::Sha256Hex;

DownloadOptions AtRevision(const std::string& rev) {
  DownloadOptions o;
  o.revision = rev;
  return o;
}

class DownloadTest : public ::testing::Test {
 protected:
  DownloadTest() {
    ON_CALL(*transport, Send(_)).WillByDefault([this](const HttpRequest& r) {
      return routes.Handle(r);
    });
  }
  Client MakeClient(std::optional<std::string> token = {}) {
    ClientConfig c = testing::TestConfig(dir.path() + "/hub", std::move(token));
    c.offline = offline;
    return Client(c, transport, clock);
  }
  // A regular file served by the Hub itself, and an LFS file via the CDN.
  void ServeRegular(const std::string& rev, const std::string& commit = kCommit) {
    Headers h{{"X-Repo-Commit", commit},
              {"ETag", "\"" + git_etag + "\""},
              {"Content-Length", std::to_string(text.size())}};
    routes.Set("HEAD", base + rev + "/config.json", {200, h, "", {}});
    routes.Set("GET", base + rev + "/config.json", {200, h, text, {}});
  }
  void ServeLfs(const std::string& rev) {
    Headers h{{"X-Repo-Commit", kCommit},
              {"X-Linked-Etag", "\"" + lfs_sha + "\""},
              {"X-Linked-Size", std::to_string(lfs.size())},
              {"Location", "https://cdn.test/lfs?sig"}};
    routes.Set("HEAD", base + rev + "/model.bin", {302, h, "", {}});
    routes.Set("GET", "https://cdn.test/lfs?sig", {200, {}, lfs, {}});
  }

  testing::TempDir dir;
  std::shared_ptr<::testing::NiceMock<testing::MockTransport>> transport =
      std::make_shared<::testing::NiceMock<testing::MockTransport>>();
  std::shared_ptr<testing::FakeClock> clock = std::make_shared<testing::FakeClock>();
  testing::Routes routes;
  bool offline = false;
  std::string base = "https://hub.test/org/m/resolve/";
  std::string text = "{\"a\": 1}\n";
  std::string git_etag = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
  std::string lfs = std::string(1000, 'z');
  std::string lfs_sha = Sha256Hex(lfs);
  std::string repo_dir() const { return dir.path() + "/hub/models--org--m"; }
};

TEST_F(DownloadTest, WritesTheHuggingFaceHubCacheLayout) {
  ServeRegular("main");
  auto r = MakeClient().Download("org/m", "config.json");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->path, repo_dir() + "/snapshots/" + kCommit + "/config.json");
  EXPECT_EQ(ReadFile(r->path), text);
  EXPECT_EQ(ReadFile(repo_dir() + "/blobs/" + git_etag), text);
  EXPECT_EQ(fs::read_symlink(r->path).string(), "../../blobs/" + git_etag);
  EXPECT_EQ(ReadFile(repo_dir() + "/refs/main"), kCommit);
  EXPECT_TRUE(fs::exists(dir.path() + "/hub/CACHEDIR.TAG"));
  EXPECT_TRUE(fs::exists(dir.path() + "/hub/.locks/models--org--m/" + git_etag + ".lock"));
  EXPECT_FALSE(fs::exists(repo_dir() + "/blobs/" + git_etag + ".incomplete"));
}

TEST_F(DownloadTest, LfsFileIsVerifiedAndTheCdnGetsNoToken) {
  ServeLfs("main");
  auto r = MakeClient("hf_secret_token").Download("org/m", "model.bin");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->sha256, lfs_sha);
  for (const auto& s : routes.seen()) {
    if (s.url.rfind("https://cdn.test", 0) == 0) {
      EXPECT_FALSE(s.headers.Has("Authorization"));
    } else {
      EXPECT_EQ(s.headers.Get("Authorization"), "Bearer hf_secret_token");
    }
  }
}

TEST_F(DownloadTest, CachedCommitShaNeedsNoRequestAtAll) {
  ServeRegular(kCommit);
  Client c = MakeClient();
  ASSERT_TRUE(c.Download("org/m", "config.json", AtRevision(kCommit)));
  const auto before = routes.seen().size();
  auto r = c.Download("org/m", "config.json", AtRevision(kCommit));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->from_cache);
  EXPECT_EQ(routes.seen().size(), before);
}

TEST_F(DownloadTest, BranchRevisionStillHeadsButDoesNotGetTwice) {
  ServeRegular("main");
  Client c = MakeClient();
  ASSERT_TRUE(c.Download("org/m", "config.json"));
  ASSERT_TRUE(c.Download("org/m", "config.json"));
  EXPECT_EQ(routes.Count("HEAD"), 2);
  EXPECT_EQ(routes.Count("GET"), 1);
}

TEST_F(DownloadTest, BlobFromAnotherRevisionOnlyGetsANewSymlink) {
  ServeRegular("main");
  ServeRegular("dev", kCommit2);
  Client c = MakeClient();
  ASSERT_TRUE(c.Download("org/m", "config.json"));
  auto r = c.Download("org/m", "config.json", AtRevision("dev"));
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(routes.Count("GET"), 1);
  EXPECT_EQ(r->path, repo_dir() + "/snapshots/" + kCommit2 + "/config.json");
  EXPECT_EQ(ReadFile(repo_dir() + "/refs/dev"), kCommit2);
}

TEST_F(DownloadTest, OfflineModeMakesNoRequestAndAnswersFromRefs) {
  ServeRegular("main");
  ASSERT_TRUE(MakeClient().Download("org/m", "config.json"));
  const auto before = routes.seen().size();
  offline = true;
  auto r = MakeClient().Download("org/m", "config.json");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadFile(r->path), text);
  EXPECT_EQ(routes.seen().size(), before);
}

TEST_F(DownloadTest, OfflineModeWithoutCacheIsOfflineNotCached) {
  offline = true;
  EXPECT_CALL(*transport, Send(_)).Times(0);
  auto r = MakeClient().Download("org/m", "config.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kOfflineNotCached);
  EXPECT_THAT(r.error().Message(), HasSubstr("HF_HUB_OFFLINE"));
}

TEST_F(DownloadTest, InvalidTokenOnCachedFileReturnsItWithAWarningNamingTheCause) {
  ServeRegular("main");
  ASSERT_TRUE(MakeClient().Download("org/m", "config.json"));
  routes.Set("HEAD", base + "main/config.json",
             {401, {{"X-Error-Message", "Invalid credentials in Authorization header"}}, "", {}});
  Client c = MakeClient("hf_revoked_token");
  auto r = c.Download("org/m", "config.json");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->from_cache);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0], HasSubstr("rejected the token from the HF_TOKEN"));
}

TEST_F(DownloadTest, ServerErrorOnCachedFileDegradesWithoutRetrying) {
  ServeRegular("main");
  ASSERT_TRUE(MakeClient().Download("org/m", "config.json"));
  routes.Set("HEAD", base + "main/config.json", {503, {}, "", {}});
  Client c = MakeClient();
  const auto heads = routes.Count("HEAD");
  auto r = c.Download("org/m", "config.json");
  ASSERT_TRUE(r);
  EXPECT_EQ(routes.Count("HEAD"), heads + 1);  // one quick round, no backoff
  EXPECT_TRUE(clock->sleeps.empty());
  EXPECT_EQ(r->warnings.size(), 1u);
}

TEST_F(DownloadTest, EntryNotFoundWritesNoExistMarker) {
  routes.Add("HEAD", base + "main/missing.txt",
             {404, {{"X-Error-Code", "EntryNotFound"}, {"X-Repo-Commit", kCommit}}, "", {}});
  auto r = MakeClient().Download("org/m", "missing.txt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kEntryNotFound);
  EXPECT_TRUE(fs::exists(repo_dir() + "/.no_exist/" + kCommit + "/missing.txt"));
  EXPECT_EQ(ReadFile(repo_dir() + "/refs/main"), kCommit);
}

TEST_F(DownloadTest, ZeroByteFileNeedsNoGet) {
  const std::string empty_etag = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
  routes.Add(
      "HEAD", base + "main/empty.txt",
      {200, {{"X-Repo-Commit", kCommit}, {"ETag", empty_etag}, {"Content-Length", "0"}}, "", {}});
  auto r = MakeClient().Download("org/m", "empty.txt");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(routes.Count("GET"), 0);
  EXPECT_EQ(fs::file_size(r->path), 0u);
}

TEST_F(DownloadTest, IntegrityFailureLeavesNoBlobAndNoSnapshotLink) {
  ServeLfs("main");
  routes.Set("GET", "https://cdn.test/lfs?sig", {200, {}, std::string(1000, 'y'), {}});
  Client c = MakeClient();
  auto r2 = c.Download("org/m", "model.bin");
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().kind, Kind::kIntegrity);
  EXPECT_FALSE(fs::exists(repo_dir() + "/blobs/" + lfs_sha));
  EXPECT_FALSE(fs::exists(repo_dir() + "/blobs/" + lfs_sha + ".incomplete"));
  EXPECT_FALSE(fs::exists(repo_dir() + "/snapshots/" + kCommit + "/model.bin"));
}

TEST_F(DownloadTest, InterruptedDownloadIsResumedByTheNextCall) {
  ServeLfs("main");
  routes.Set("GET", "https://cdn.test/lfs?sig",
             {206, {{"Content-Range", "bytes 400-999/1000"}}, lfs.substr(400), {}});
  Client c = MakeClient();
  // A previous process left 400 bytes behind.
  testing::WriteFile(repo_dir() + "/blobs/" + lfs_sha + ".incomplete", lfs.substr(0, 400));
  auto r = c.Download("org/m", "model.bin");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->sha256, lfs_sha);
  const auto seen = routes.seen();
  EXPECT_EQ(seen.back().headers.Get("Range"), "bytes=400-");
}

TEST_F(DownloadTest, LocalDirPlacesFilesAndKeepsMetadata) {
  ServeRegular("main");
  DownloadOptions o;
  o.local_dir = dir.path() + "/out";
  Client c = MakeClient();
  auto r = c.Download("org/m", "config.json", o);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->path, dir.path() + "/out/config.json");
  EXPECT_EQ(ReadFile(r->path), text);
  const std::string meta =
      ReadFile(dir.path() + "/out/.cache/huggingface/download/config.json.metadata");
  EXPECT_EQ(meta.substr(0, 41 + git_etag.size() + 1),
            std::string(kCommit) + "\n" + git_etag + "\n");
  // Second call: HEAD only, same etag, no GET.
  ASSERT_TRUE(c.Download("org/m", "config.json", o));
  EXPECT_EQ(routes.Count("GET"), 1);
}

// After a CDN 403 the client asks the Hub for a fresh URL; if the file
// changed meanwhile, resuming would glue two versions: both modes refuse.
class DownloadRefreshTest : public DownloadTest, public ::testing::WithParamInterface<bool> {};

TEST_P(DownloadRefreshTest, FreshUrlForChangedContentIsRefusedInBothModes) {
  Headers first{{"X-Repo-Commit", kCommit},
                {"X-Linked-Etag", "\"" + lfs_sha + "\""},
                {"X-Linked-Size", std::to_string(lfs.size())},
                {"Location", "https://cdn.test/lfs?sig"}};
  Headers changed = first;
  changed.Set("X-Linked-Etag", "\"" + std::string(64, 'a') + "\"");
  routes.Add("HEAD", base + "main/model.bin", {302, first, "", {}});
  routes.Add("HEAD", base + "main/model.bin", {302, changed, "", {}});
  routes.Set("GET", "https://cdn.test/lfs?sig",
             {403, {}, "<Error>Request has expired</Error>", {}});
  DownloadOptions o;
  if (GetParam()) o.local_dir = dir.path() + "/out";
  Client c = MakeClient();
  auto r = c.Download("org/m", "model.bin", o);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().Message(), HasSubstr("the file changed on the Hub during the download"));
  EXPECT_EQ(routes.Count("GET"), 1);
}

INSTANTIATE_TEST_SUITE_P(Modes, DownloadRefreshTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "LocalDir" : "Cache"; });

TEST_F(DownloadTest, BadArgumentsAreRejectedBeforeAnyRequest) {
  EXPECT_CALL(*transport, Send(_)).Times(0);
  Client c = MakeClient();
  EXPECT_EQ(c.Download("a/b/c", "x").error().kind, Kind::kInvalidArgument);
  EXPECT_EQ(c.Download("org/m", "../etc/passwd").error().kind, Kind::kInvalidArgument);
  EXPECT_EQ(c.Download("org/m", "/abs").error().kind, Kind::kInvalidArgument);
  EXPECT_EQ(c.Download("org/m", "a\\b").error().kind, Kind::kInvalidArgument);
}

}  // namespace
}  // namespace hubget
