// The huggingface_hub cache layout, byte for byte where Python reads it.
#include <gtest/gtest.h>

#include <filesystem>

#include "fakes.h"
#include "hubget/cache.h"
#include "hubget/environment.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using testing::kCommit;
using testing::ReadFile;

TEST(CacheLayoutTest, RepoFolderNamesFollowHuggingFaceHub) {
  EXPECT_EQ(RepoFolderName({"org/name", RepoType::kModel}), "models--org--name");
  EXPECT_EQ(RepoFolderName({"x", RepoType::kDataset}), "datasets--x");
  EXPECT_EQ(RepoFolderName({"o/n", RepoType::kSpace}), "spaces--o--n");
}

TEST(CacheLayoutTest, RefIsWrittenWithoutTrailingNewline) {
  testing::TempDir dir;
  CacheLayout cache(dir.path());
  const RepoId repo{"org/m", RepoType::kModel};
  ASSERT_TRUE(cache.WriteRef(repo, "main", kCommit));
  EXPECT_EQ(ReadFile(dir.path() + "/models--org--m/refs/main"), kCommit);
  EXPECT_EQ(cache.ReadRef(repo, "main"), kCommit);
}

TEST(CacheLayoutTest, PullRequestRefLivesUnderRefsRefs) {
  testing::TempDir dir;
  CacheLayout cache(dir.path());
  ASSERT_TRUE(cache.WriteRef({"org/m", RepoType::kModel}, "refs/pr/1", kCommit));
  EXPECT_EQ(ReadFile(dir.path() + "/models--org--m/refs/refs/pr/1"), kCommit);
}

TEST(CacheLayoutTest, SnapshotSymlinkIsRelativeToTheBlob) {
  testing::TempDir dir;
  CacheLayout cache(dir.path());
  const RepoId repo{"org/m", RepoType::kModel};
  testing::WriteFile(cache.BlobPath(repo, "abc"), "data");
  ASSERT_TRUE(cache.LinkSnapshot(repo, kCommit, "a/b/c.txt", "abc"));
  const fs::path link = cache.SnapshotPath(repo, kCommit, "a/b/c.txt");
  ASSERT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link).string(), "../../../../blobs/abc");
  EXPECT_EQ(ReadFile(link.string()), "data");
  ASSERT_TRUE(cache.LinkSnapshot(repo, kCommit, "top.txt", "abc"));
  EXPECT_EQ(fs::read_symlink(cache.SnapshotPath(repo, kCommit, "top.txt")).string(),
            "../../blobs/abc");
}

TEST(CacheLayoutTest, LockAndNoExistPaths) {
  CacheLayout cache("/c");
  const RepoId repo{"org/m", RepoType::kDataset};
  EXPECT_EQ(cache.LockPath(repo, "e1"), "/c/.locks/datasets--org--m/e1.lock");
  EXPECT_EQ(cache.NoExistPath(repo, kCommit, "x/y"),
            std::string("/c/datasets--org--m/.no_exist/") + kCommit + "/x/y");
  EXPECT_EQ(cache.IncompletePath(repo, "e1"), "/c/datasets--org--m/blobs/e1.incomplete");
}

TEST(CacheLayoutTest, CacheDirTagCarriesTheStandardSignature) {
  testing::TempDir dir;
  CacheLayout cache(dir.path());
  ASSERT_TRUE(cache.EnsureCacheDirTag());
  EXPECT_EQ(ReadFile(dir.path() + "/CACHEDIR.TAG")
                .rfind("Signature: 8a477f597d28d172789f06886806bc55", 0),
            0u);
}

TEST(CacheLayoutTest, EtagNormalisationStripsWeakPrefixAndQuotes) {
  EXPECT_EQ(NormalizeEtag("W/\"abc\""), "abc");
  EXPECT_EQ(NormalizeEtag("\"abc\""), "abc");
  EXPECT_EQ(NormalizeEtag("abc"), "abc");
}

TEST(CacheLayoutTest, CacheDirComesFromTheEnvironment) {
  MapEnvironment env;
  env.Set("HOME", "/home/u");
  EXPECT_EQ(DefaultCacheDir(env), "/home/u/.cache/huggingface/hub");
  env.Set("XDG_CACHE_HOME", "/xdg");
  EXPECT_EQ(DefaultCacheDir(env), "/xdg/huggingface/hub");
  env.Set("HF_HOME", "/hf");
  EXPECT_EQ(DefaultCacheDir(env), "/hf/hub");
  env.Set("HF_HUB_CACHE", "/cache");
  EXPECT_EQ(DefaultCacheDir(env), "/cache");
}

}  // namespace
}  // namespace hubget
