// Snapshots: revision -> commit, paged tree listing, filters, parallel
// downloads, unsafe server paths, first error wins, offline answers.
#include <gtest/gtest.h>

#include <filesystem>

#include "fakes.h"
#include "hubget/client.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using ::testing::_;
using testing::kCommit;
using testing::ReadFile;

class SnapshotTest : public ::testing::Test {
 protected:
  SnapshotTest() {
    ON_CALL(*transport, Send(_)).WillByDefault([this](const HttpRequest& r) {
      return routes.Handle(r);
    });
    routes.Set("GET", "https://hub.test/api/models/org/m/revision/main",
               {200, {}, std::string("{\"id\":\"org/m\",\"sha\":\"") + kCommit + "\"}", {}});
    routes.Set("GET", tree + "?recursive=true&expand=false",
               {200,
                {{"Link", "<" + tree + "?recursive=true&expand=false&cursor=2>; rel=\"next\""}},
                R"([{"type":"file","oid":"x","size":2,"path":"a.json"},
                    {"type":"directory","oid":"y","size":0,"path":"sub"}])",
                {}});
    routes.Set("GET", tree + "?recursive=true&expand=false&cursor=2",
               {200,
                {},
                R"([{"type":"file","oid":"z","size":2,"path":"sub/b.txt"},
                             {"type":"file","oid":"w","size":2,"path":"c.json"}])",
                {}});
    for (const char* f : {"a.json", "sub/b.txt", "c.json"}) ServeFile(f);
  }
  void ServeFile(const std::string& path) {
    const std::string etag = std::string(39, 'e') + static_cast<char>('0' + (n_++ % 10));
    Headers h{{"X-Repo-Commit", kCommit}, {"ETag", "\"" + etag + "\""}, {"Content-Length", "2"}};
    const std::string url = std::string("https://hub.test/org/m/resolve/") + kCommit + "/" + path;
    routes.Set("HEAD", url, {200, h, "", {}});
    routes.Set("GET", url, {200, h, "ok", {}});
  }
  Client MakeClient() {
    ClientConfig c = testing::TestConfig(dir.path());
    c.offline = offline;
    return Client(c, transport, clock);
  }

  testing::TempDir dir;
  std::shared_ptr<::testing::NiceMock<testing::MockTransport>> transport =
      std::make_shared<::testing::NiceMock<testing::MockTransport>>();
  std::shared_ptr<testing::FakeClock> clock = std::make_shared<testing::FakeClock>();
  testing::Routes routes;
  bool offline = false;
  int n_ = 0;
  std::string tree = std::string("https://hub.test/api/models/org/m/tree/") + kCommit;
};

TEST_F(SnapshotTest, FollowsLinkPagesAndDownloadsEveryFileAtTheCommit) {
  auto r = MakeClient().Snapshot("org/m");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->commit, kCommit);
  EXPECT_EQ(r->folder, dir.path() + "/models--org--m/snapshots/" + kCommit);
  ASSERT_EQ(r->files.size(), 3u);
  EXPECT_EQ(r->files[1].path, "sub/b.txt");
  EXPECT_EQ(ReadFile(r->folder + "/sub/b.txt"), "ok");
  EXPECT_EQ(ReadFile(dir.path() + "/models--org--m/refs/main"), kCommit);
  EXPECT_EQ(routes.Count("HEAD"), 3);
  EXPECT_EQ(routes.Count("GET", "https://hub.test/org/m/resolve/"), 3);
}

TEST_F(SnapshotTest, IncludeAndExcludeFilterTheListing) {
  SnapshotOptions o;
  o.include = {"*.json"};
  o.exclude = {"c.*"};
  auto r = MakeClient().Snapshot("org/m", o);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_EQ(r->files[0].path, "a.json");
  EXPECT_EQ(routes.Count("HEAD"), 1);
}

TEST_F(SnapshotTest, UnsafeServerPathIsRefusedBeforeAnyDownload) {
  routes.Set("GET", tree + "?recursive=true&expand=false&cursor=2",
             {200, {}, R"([{"type":"file","oid":"z","size":2,"path":"../../escape"}])", {}});
  auto r = MakeClient().Snapshot("org/m");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kInvalidArgument);
  EXPECT_EQ(routes.Count("HEAD"), 0);
}

TEST_F(SnapshotTest, FirstHardErrorStopsTheSnapshotAndIsReported) {
  routes.Set("HEAD", std::string("https://hub.test/org/m/resolve/") + kCommit + "/sub/b.txt",
             {403, {{"X-Error-Code", "GatedRepo"}}, "", {}});
  SnapshotOptions o;
  o.max_workers = 1;
  auto r = MakeClient().Snapshot("org/m", o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kGatedNotAuthorized);
  EXPECT_EQ(routes.Count("HEAD"), 2);  // c.json never started
}

TEST_F(SnapshotTest, OfflineSnapshotIsServedFromTheCacheWithNoRequest) {
  ASSERT_TRUE(MakeClient().Snapshot("org/m"));
  const auto before = routes.seen().size();
  offline = true;
  auto r = MakeClient().Snapshot("org/m");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->files.size(), 3u);
  EXPECT_EQ(routes.seen().size(), before);
}

TEST_F(SnapshotTest, OfflineSnapshotNotCached) {
  offline = true;
  auto r = MakeClient().Snapshot("org/m");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kOfflineNotCached);
  EXPECT_TRUE(routes.seen().empty());
}

TEST_F(SnapshotTest, RevisionNotFoundIsReported) {
  routes.Set("GET", "https://hub.test/api/models/org/m/revision/nope",
             {404, {{"X-Error-Code", "RevisionNotFound"}}, "", {}});
  SnapshotOptions o;
  o.revision = "nope";
  auto r = MakeClient().Snapshot("org/m", o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kRevisionNotFound);
}

TEST_F(SnapshotTest, SnapshotByARenamedRepoOldIdFollowsEveryRelativeRedirect) {
  // org/old was renamed org/m: every route under the old id answers a
  // relative 307 to the same route under the new id.
  routes.Set("GET", "https://hub.test/api/models/org/old/revision/main",
             {307, {{"Location", "/api/models/org/m/revision/main"}}, "", {}});
  const std::string old_tree = std::string("https://hub.test/api/models/org/old/tree/") + kCommit;
  const std::string new_tree = std::string("/api/models/org/m/tree/") + kCommit;
  routes.Set("GET", old_tree + "?recursive=true&expand=false",
             {307, {{"Location", new_tree + "?recursive=true&expand=false"}}, "", {}});
  for (const char* f : {"a.json", "sub/b.txt", "c.json"}) {
    const std::string tail = std::string("/resolve/") + kCommit + "/" + f;
    routes.Set("HEAD", "https://hub.test/org/old" + tail,
               {307, {{"Location", "/org/m" + tail}}, "", {}});
  }
  auto r = MakeClient().Snapshot("org/old");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->commit, kCommit);
  EXPECT_EQ(r->folder, dir.path() + "/models--org--old/snapshots/" + kCommit);
  ASSERT_EQ(r->files.size(), 3u);
  EXPECT_EQ(ReadFile(r->folder + "/sub/b.txt"), "ok");
  EXPECT_EQ(ReadFile(dir.path() + "/models--org--old/refs/main"), kCommit);
}

}  // namespace
}  // namespace hubget
