// Token resolution order and hygiene, with a fake environment and temp files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "fakes.h"
#include "hubget/environment.h"
#include "hubget/token.h"

namespace hubget {
namespace {

using testing::TempDir;
using testing::WriteFile;

class TokenResolverTest : public ::testing::Test {
 protected:
  TokenResolverTest() { env.Set("HOME", home.path()); }
  ResolvedToken Resolve(TokenOverrides o = {}) { return ResolveToken(env, o); }
  TempDir home;
  MapEnvironment env;
};

TEST_F(TokenResolverTest, NothingConfiguredSendsNoToken) {
  auto t = Resolve();
  EXPECT_FALSE(t.value);
  EXPECT_EQ(t.source.Name(), "none");
}

TEST_F(TokenResolverTest, ExplicitBeatsEnvironment) {
  env.Set("HF_TOKEN", "hf_env");
  auto t = Resolve({std::string("hf_explicit"), false});
  EXPECT_EQ(t.value, "hf_explicit");
  EXPECT_EQ(t.source.where, TokenSource::Where::kExplicit);
}

TEST_F(TokenResolverTest, HfTokenBeatsHuggingFaceHubToken) {
  env.Set("HF_TOKEN", "hf_a");
  env.Set("HUGGING_FACE_HUB_TOKEN", "hf_b");
  EXPECT_EQ(Resolve().value, "hf_a");
  env.Unset("HF_TOKEN");
  auto t = Resolve();
  EXPECT_EQ(t.value, "hf_b");
  EXPECT_EQ(t.source.Name(), "HUGGING_FACE_HUB_TOKEN");
}

TEST_F(TokenResolverTest, EnvVarBeatsTokenFile) {
  WriteFile(home.path() + "/.cache/huggingface/token", "hf_file");
  env.Set("HF_TOKEN", "hf_env");
  EXPECT_EQ(Resolve().value, "hf_env");
}

TEST_F(TokenResolverTest, DefaultTokenFileUnderHome) {
  WriteFile(home.path() + "/.cache/huggingface/token", "hf_file\n");
  auto t = Resolve();
  EXPECT_EQ(t.value, "hf_file");
  EXPECT_EQ(t.source.where, TokenSource::Where::kDefaultFile);
  EXPECT_EQ(t.source.file, home.path() + "/.cache/huggingface/token");
}

TEST_F(TokenResolverTest, HfHomeTokenFileBeatsDefault) {
  WriteFile(home.path() + "/.cache/huggingface/token", "hf_default");
  WriteFile(home.path() + "/hfhome/token", "hf_home");
  env.Set("HF_HOME", home.path() + "/hfhome");
  auto t = Resolve();
  EXPECT_EQ(t.value, "hf_home");
  EXPECT_EQ(t.source.where, TokenSource::Where::kHfHomeFile);
}

TEST_F(TokenResolverTest, TokenPathBeatsHfHome) {
  WriteFile(home.path() + "/hfhome/token", "hf_home");
  WriteFile(home.path() + "/elsewhere", "hf_path");
  env.Set("HF_HOME", home.path() + "/hfhome");
  env.Set("HF_TOKEN_PATH", home.path() + "/elsewhere");
  auto t = Resolve();
  EXPECT_EQ(t.value, "hf_path");
  EXPECT_EQ(t.source.Name(), "HF_TOKEN_PATH");
}

TEST_F(TokenResolverTest, WhitespaceAndNewlinesAreStripped) {
  env.Set("HF_TOKEN", "  hf_spaced\r\n");
  EXPECT_EQ(Resolve().value, "hf_spaced");
}

// A token file is a small regular file; anything else is skipped at once
// instead of blocking (a FIFO), never ending (/dev/zero) or filling memory.
TEST_F(TokenResolverTest, TokenPathThatIsNotASmallRegularFileGivesNoToken) {
  env.Set("HF_TOKEN_PATH", "/dev/zero");
  EXPECT_FALSE(Resolve().value);

  const std::string fifo = home.path() + "/token.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  env.Set("HF_TOKEN_PATH", fifo);
  EXPECT_FALSE(Resolve().value);  // returns: no writer needed

  const std::string big = home.path() + "/token.big";
  testing::WriteFile(big, "hf_" + std::string(100 * 1024, 'x'));
  env.Set("HF_TOKEN_PATH", big);
  EXPECT_FALSE(Resolve().value);

  const std::string ok = home.path() + "/token.ok";
  testing::WriteFile(ok, "hf_from_file\n");
  env.Set("HF_TOKEN_PATH", ok);
  EXPECT_EQ(Resolve().value, "hf_from_file");
}

TEST_F(TokenResolverTest, EmptyVariableCountsAsUnset) {
  env.Set("HF_TOKEN", "  \n");
  env.Set("HUGGING_FACE_HUB_TOKEN", "hf_b");
  EXPECT_EQ(Resolve().value, "hf_b");
}

TEST_F(TokenResolverTest, NoTokenSuppressesImplicitToken) {
  env.Set("HF_TOKEN", "hf_env");
  auto t = Resolve({std::nullopt, true});
  EXPECT_FALSE(t.value);
  EXPECT_TRUE(t.suppressed);
  EXPECT_TRUE(t.disabled);
}

TEST_F(TokenResolverTest, DisableImplicitTokenKeepsExplicitToken) {
  env.Set("HF_TOKEN", "hf_env");
  env.Set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "yes");
  EXPECT_FALSE(Resolve().value);
  EXPECT_EQ(Resolve({std::string("hf_x"), false}).value, "hf_x");
}

TEST_F(TokenResolverTest, HintShowsAtMostFourCharacters) {
  EXPECT_EQ(TokenHint("hf_abcdefgh"), "efgh");
  EXPECT_EQ(TokenHint("short"), "");
}

}  // namespace
}  // namespace hubget
