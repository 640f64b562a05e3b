// The CDN's object store (object_store.h): look-ups by repo and sha256, and
// the property it exists for: nothing hashes a file nobody asked for.
#include "mockhub/world/object_store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hub_fixture.h"

namespace mockhub::testing {
namespace {

constexpr std::uint64_t k2GiB = 2ull << 30;

World WorldOf(const std::string& text) {
  auto loaded = WorldFromJson(nlohmann::json::parse(text), "test.json");
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().ToString());
  return loaded.ok() ? std::move(loaded.value()) : World{};
}

const Content& FileOf(const World& w, const std::string& repo, const std::string& path,
                      const std::string& rev = "main", RepoType type = RepoType::kModel) {
  return *w.FindRepo(type, repo)->Resolve(rev)->files.at(path).content;
}

// The sha256 of synthetic content, computed on a copy so that the world's
// own object stays unhashed.
std::string Sha256Of(std::uint64_t size, std::uint64_t seed) {
  return Content::Synthetic(size, seed)->Sha256();
}

const char* kTwoRepos = R"({
  "repos": {
    "org/a": {"files": {"w1.bin": {"size": 4096, "seed": 1}, "w2.bin": {"size": 4096, "seed": 2},
                        "config.json": "{}", "small.txt": {"text": "lfs text", "lfs": true}}},
    "org/b": {"files": {"w1.bin": {"size": 4096, "seed": 3}}},
    "datasets/org/a": {"files": {"w1.bin": {"size": 4096, "seed": 4}}}
  }
})";

TEST(ObjectStoreTest, IndexesEveryLfsFileWhenTheWorldLoads) {
  World w = WorldOf(kTwoRepos);
  ASSERT_TRUE(w.objects);
  EXPECT_EQ(w.objects->lfs_objects(), 5u);  // 3 in org/a, 1 in org/b, 1 in the dataset
}

TEST(ObjectStoreTest, FindsAnObjectByRepoAndSha256) {
  World w = WorldOf(kTwoRepos);
  const Content& w2 = FileOf(w, "org/a", "w2.bin");
  const std::string sha = w2.Sha256();  // as the hub does when it signs the URL
  auto found = w.objects->FindLfs(RepoType::kModel, "org/a", sha, "w2.bin");
  EXPECT_EQ(found.get(), &w2);
}

TEST(ObjectStoreTest, FindsAnObjectWhoseHashIsKnownWhateverTheFileNameHint) {
  World w = WorldOf(kTwoRepos);
  const Content& w2 = FileOf(w, "org/a", "w2.bin");
  const std::string sha = w2.Sha256();
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/a", sha, "").get(), &w2);
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/a", sha, "renamed.bin").get(), &w2);
}

TEST(ObjectStoreTest, UnknownSha256IsNotFound) {
  World w = WorldOf(kTwoRepos);
  FileOf(w, "org/a", "w1.bin").Sha256();
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/a", std::string(64, '0'), "w1.bin"), nullptr);
}

TEST(ObjectStoreTest, UnknownRepoIsNotFound) {
  World w = WorldOf(kTwoRepos);
  const std::string sha = FileOf(w, "org/a", "w1.bin").Sha256();
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/ghost", sha, "w1.bin"), nullptr);
}

TEST(ObjectStoreTest, AnObjectOfAnotherRepoIsNotFoundUnderThisOne) {
  World w = WorldOf(kTwoRepos);
  const std::string sha_a = FileOf(w, "org/a", "w1.bin").Sha256();
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/b", sha_a, "w1.bin"), nullptr);
  // Same id, another repo type.
  EXPECT_EQ(w.objects->FindLfs(RepoType::kDataset, "org/a", sha_a, "w1.bin"), nullptr);
}

TEST(ObjectStoreTest, RegularFilesAreNotObjectsLfsTextFilesAre) {
  World w = WorldOf(kTwoRepos);
  const Content& config = FileOf(w, "org/a", "config.json");
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/a", config.Sha256(), "config.json"), nullptr);
  const Content& text = FileOf(w, "org/a", "small.txt");
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/a", text.Sha256(), "small.txt").get(), &text);
}

TEST(ObjectStoreTest, SameFileInTwoRevisionsIsOneObject) {
  World w = WorldOf(R"({"repos": {"org/m": {
      "commits": {"c1": {"files": {"w.bin": {"size": 100, "seed": 5}}},
                  "c2": {"parent": "c1", "files": {"extra.bin": {"size": 100, "seed": 6}}}},
      "branches": {"main": "c2", "old": "c1"}}}})");
  EXPECT_EQ(w.objects->lfs_objects(), 2u);
  const Content& in_c1 = FileOf(w, "org/m", "w.bin", "old");
  const Content& in_c2 = FileOf(w, "org/m", "w.bin", "main");
  EXPECT_EQ(&in_c1, &in_c2);
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/m", in_c1.Sha256(), "w.bin").get(), &in_c1);
}

TEST(ObjectStoreTest, SameBytesUnderTwoNamesAreFoundUnderEither) {
  World w = WorldOf(R"({"repos": {"org/m": {"files": {
      "x/a.bin": {"size": 100, "seed": 7}, "y/b.bin": {"size": 100, "seed": 7}}}}})");
  const std::string sha = Sha256Of(100, 7);
  for (const char* hint : {"a.bin", "b.bin"}) {
    auto found = w.objects->FindLfs(RepoType::kModel, "org/m", sha, hint);
    ASSERT_NE(found, nullptr) << hint;
    EXPECT_EQ(found->Sha256(), sha) << hint;
  }
}

TEST(ObjectStoreTest, UrlSignedByAnEarlierProcessIsFoundThroughItsFileName) {
  // No hash is known in this process: the store hashes the candidates of
  // the signed file name, and only those.
  World w = WorldOf(kTwoRepos);
  auto found = w.objects->FindLfs(RepoType::kModel, "org/a", Sha256Of(4096, 2), "w2.bin");
  EXPECT_EQ(found.get(), &FileOf(w, "org/a", "w2.bin"));
  EXPECT_EQ(FileOf(w, "org/a", "w1.bin").Sha256IfKnown(), nullptr);
}

TEST(ObjectStoreTest, UnknownHashWithTheWrongFileNameIsNotFoundAndHashesNothing) {
  World w = WorldOf(kTwoRepos);
  EXPECT_EQ(w.objects->FindLfs(RepoType::kModel, "org/a", Sha256Of(4096, 2), "other.bin"), nullptr);
  EXPECT_EQ(FileOf(w, "org/a", "w1.bin").Sha256IfKnown(), nullptr);
  EXPECT_EQ(FileOf(w, "org/a", "w2.bin").Sha256IfKnown(), nullptr);
}

// --- the key property, through the hub and the CDN site ------------------------

class NothingHashedUnaskedTest : public HubTest {
 protected:
  void Load(const std::string& text) { world_ = WorldOf(text); }
  const Content& File(const std::string& path) { return FileOf(world_, "org/big", path); }
  // HEAD /resolve of `path` at the hub, then GET of the signed URL at the CDN.
  HttpResponse FetchThroughCdn(const std::string& path) {
    HttpResponse head = Head("/org/big/resolve/main/" + path);
    EXPECT_EQ(head.status, 302) << head.body;
    return Cdn(head.Get("Location"));
  }
};

const char* kBigWorld = R"({"repos": {"org/big": {"files": {
    "big-1.safetensors": {"size": 2147483648, "seed": 1},
    "big-2.safetensors": {"size": 2147483648, "seed": 2},
    "small.bin": {"size": 1024, "seed": 3}}}}})";

TEST_F(NothingHashedUnaskedTest, LoadingTheWorldHashesNothing) {
  Load(kBigWorld);
  ASSERT_EQ(File("big-1.safetensors").size(), k2GiB);
  EXPECT_EQ(File("big-1.safetensors").Sha256IfKnown(), nullptr);
  EXPECT_EQ(File("big-2.safetensors").Sha256IfKnown(), nullptr);
  EXPECT_EQ(File("small.bin").Sha256IfKnown(), nullptr);
}

TEST_F(NothingHashedUnaskedTest, ServingASmallFileLeavesTheBigFilesOfItsRepoUnhashed) {
  Load(kBigWorld);
  HttpResponse r = FetchThroughCdn("small.bin");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r), File("small.bin").ReadAll());
  EXPECT_EQ(r.Get("ETag"), "\"" + Sha256Of(1024, 3) + "\"");
  EXPECT_EQ(File("big-1.safetensors").Sha256IfKnown(), nullptr);
  EXPECT_EQ(File("big-2.safetensors").Sha256IfKnown(), nullptr);
}

TEST_F(NothingHashedUnaskedTest, EvenABigFileOfTheSameNameInAnotherFolderStaysUnhashed) {
  Load(R"({"repos": {"org/big": {"files": {
      "a/weights.bin": {"size": 2147483648, "seed": 1},
      "b/weights.bin": {"size": 2147483648, "seed": 2},
      "c/weights.bin": {"size": 1024, "seed": 3}}}}})");
  HttpResponse r = FetchThroughCdn("c/weights.bin");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_length, 1024u);
  EXPECT_EQ(File("a/weights.bin").Sha256IfKnown(), nullptr);
  EXPECT_EQ(File("b/weights.bin").Sha256IfKnown(), nullptr);
}

TEST_F(NothingHashedUnaskedTest, ARangeOfTheSmallFileLeavesTheBigFilesUnhashedToo) {
  Load(kBigWorld);
  HttpResponse head = Head("/org/big/resolve/main/small.bin");
  HttpResponse r = Cdn(head.Get("Location"), {{"Range", "bytes=1000-"}});
  ASSERT_EQ(r.status, 206) << r.body;
  EXPECT_EQ(r.Get("Content-Range"), "bytes 1000-1023/1024");
  EXPECT_EQ(File("big-1.safetensors").Sha256IfKnown(), nullptr);
  EXPECT_EQ(File("big-2.safetensors").Sha256IfKnown(), nullptr);
}

}  // namespace
}  // namespace mockhub::testing
