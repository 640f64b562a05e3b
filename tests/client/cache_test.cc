// The huggingface_hub cache layout, byte for byte where Python reads it.
#include <gtest/gtest.h>

#include <filesystem>

#include "fakes.h"
#include "hubget/cache.h"
#include "hubget/environment.h"
#include "hubget/token.h"

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

// A revision is a git ref name: one that climbs out of refs/ (or is no ref
// name at all) is refused, and nothing is written anywhere.
TEST(CacheLayoutTest, RevisionThatIsNotARefNameIsNeverWritten) {
  testing::TempDir dir;
  const std::string root = dir.path() + "/cache";
  CacheLayout cache(root);
  const RepoId repo{"org/m", RepoType::kModel};
  for (const std::string rev : {"../x",
                                "../../../evil",
                                "refs/../../x",
                                "/etc/x",
                                "a//b",
                                "-x",
                                "a.lock",
                                "a/",
                                "a.",
                                "a@{1}",
                                "@",
                                "a b",
                                "a~1",
                                "a^",
                                "a:b",
                                "a?",
                                "a*",
                                "a[",
                                "a\\b",
                                "a\x1b",
                                ".hidden",
                                "a/.b",
                                ""}) {
    const Status s = cache.WriteRef(repo, rev, kCommit);
    ASSERT_FALSE(s) << rev;
    EXPECT_EQ(s.error().kind, Kind::kInvalidArgument) << rev;
    EXPECT_EQ(cache.ReadRef(repo, rev), std::nullopt) << rev;
  }
  EXPECT_FALSE(fs::exists(dir.path() + "/evil"));
  EXPECT_FALSE(fs::exists(root + "/models--org--m/x"));
  EXPECT_FALSE(fs::exists(root + "/models--org--m/refs"));
}

// What a ref holds comes from X-Repo-Commit or the repo info: a commit id
// or nothing.
TEST(CacheLayoutTest, RefContentThatIsNotACommitIsNotAHub) {
  testing::TempDir dir;
  CacheLayout cache(dir.path());
  const Status s = cache.WriteRef({"org/m", RepoType::kModel}, "main", "../../evil");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, Kind::kNotAHub);
  EXPECT_FALSE(fs::exists(dir.path() + "/models--org--m/refs/main"));
}

TEST(CacheLayoutTest, RefNamesGitAcceptsAreWritten) {
  testing::TempDir dir;
  CacheLayout cache(dir.path());
  const RepoId repo{"org/m", RepoType::kModel};
  for (const std::string rev : {"main", "refs/pr/1", "v1.0", "feature/x-y_z", "a.b/c", "ÅÄÖ"}) {
    ASSERT_TRUE(cache.WriteRef(repo, rev, kCommit)) << rev;
    EXPECT_EQ(cache.ReadRef(repo, rev), kCommit) << rev;
  }
}

TEST(CacheLayoutTest, ContainmentIsLexicalAfterNormalisation) {
  for (const auto& [root, path] :
       std::vector<std::pair<std::string, std::string>>{{"/c", "/c/x"},
                                                        {"/c/", "/c/x"},
                                                        {"/c", "/c/a/../b"},
                                                        {"out", "out/a"},
                                                        {"cache/x/..", "cache/y"},
                                                        {"/c", "/c//x/./y"},
                                                        {".", "./a"},
                                                        {"/", "/a"}}) {
    EXPECT_TRUE(CheckContained(root, path)) << root << " " << path;
  }
  for (const auto& [root, path] :
       std::vector<std::pair<std::string, std::string>>{{"/c", "/c"},
                                                        {"/c", "/c/"},
                                                        {"/c", "/c/../x"},
                                                        {"/c", "/cx/y"},
                                                        {"/c", "/"},
                                                        {"/c", "/c/a/../../x"},
                                                        {"out", "out/../b"},
                                                        {"out", "/out/a"},
                                                        {"/c", "c/x"}}) {
    const Status s = CheckContained(root, path);
    ASSERT_FALSE(s) << root << " " << path;
    EXPECT_EQ(s.error().kind, Kind::kInvalidArgument);
    EXPECT_NE(s.error().detail.find("'" + path + "'"), std::string::npos) << s.error().detail;
  }
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

// The cache and the token file hang off the same HF_HOME, read in one place.
TEST(CacheLayoutTest, CacheAndTokenFileShareOneHfHome) {
  const std::vector<std::map<std::string, std::string>> envs = {
      {{"HOME", "/home/u"}},
      {{"HOME", "/home/u"}, {"XDG_CACHE_HOME", "/xdg"}},
      {{"HOME", "/home/u"}, {"XDG_CACHE_HOME", "/xdg"}, {"HF_HOME", "/hf"}},
      {{"HOME", "/home/u"}, {"HF_HOME", ""}, {"XDG_CACHE_HOME", ""}},
  };
  for (const auto& vars : envs) {
    const MapEnvironment env(vars);
    const HfHome home = ResolveHfHome(env);
    EXPECT_EQ(DefaultCacheDir(env), home.dir + "/hub");
    TokenSource source;
    EXPECT_EQ(TokenFilePath(env, &source), home.dir + "/token");
    EXPECT_EQ(source.where == TokenSource::Where::kHfHomeFile, home.from_hf_home) << home.dir;
  }
}

TEST(CacheLayoutTest, LocalDirLayoutIsHuggingFaceHubs) {
  const LocalDirLayout layout("/out");
  EXPECT_EQ(layout.FilePath("sub/f.bin"), "/out/sub/f.bin");
  EXPECT_EQ(layout.MetadataPath("sub/f.bin"),
            "/out/.cache/huggingface/download/sub/f.bin.metadata");
  EXPECT_EQ(layout.LockPath("sub/f.bin"), "/out/.cache/huggingface/download/sub/f.bin.lock");
  EXPECT_EQ(layout.IncompletePath("sub/f.bin", "abc"),
            "/out/.cache/huggingface/download/sub/f.bin.abc.incomplete");
}

TEST(CacheLayoutTest, LocalDirMetadataRoundTripsCommitAndEtag) {
  testing::TempDir dir;
  const LocalDirLayout layout(dir.path());
  EXPECT_EQ(layout.ReadMetadata("a/b.json"), std::nullopt);
  ASSERT_TRUE(layout.WriteMetadata("a/b.json", kCommit, "etag1"));
  const auto m = layout.ReadMetadata("a/b.json");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->commit, kCommit);
  EXPECT_EQ(m->etag, "etag1");
}

}  // namespace
}  // namespace hubget
