// --include / --exclude semantics of huggingface_hub's filter_repo_objects.
#include <gtest/gtest.h>

#include "hubget/patterns.h"

namespace hubget {
namespace {

TEST(PatternTest, StarCrossesSlash) {
  EXPECT_TRUE(FnMatch("*.json", "sub/dir/config.json"));
  EXPECT_TRUE(FnMatch("onnx/*", "onnx/a/b.onnx"));
}

TEST(PatternTest, MatchingIsCaseSensitive) {
  EXPECT_FALSE(FnMatch("*.JSON", "config.json"));
  EXPECT_TRUE(FnMatch("*.JSON", "CONFIG.JSON"));
}

TEST(PatternTest, QuestionMarkAndSets) {
  EXPECT_TRUE(FnMatch("model-0000?.bin", "model-00001.bin"));
  EXPECT_TRUE(FnMatch("[ab]*.txt", "b.txt"));
  EXPECT_FALSE(FnMatch("[!ab]*.txt", "b.txt"));
  EXPECT_TRUE(FnMatch("[0-9].txt", "7.txt"));
  EXPECT_TRUE(FnMatch("[x", "[x"));  // unclosed set is literal
}

// Python's fnmatch works on str: '?' is one character, not one byte.
TEST(PatternTest, QuestionMarkIsOneCharacterNotOneByte) {
  EXPECT_TRUE(FnMatch("?.txt", "\xc3\xa9.txt"));  // é, 2 bytes
  EXPECT_FALSE(FnMatch("??.txt", "\xc3\xa9.txt"));
  EXPECT_TRUE(FnMatch("model-?.bin", "model-\xe2\x82\xac.bin"));  // €, 3 bytes
  EXPECT_TRUE(FnMatch("*?", "\xf0\x9f\x98\x80"));                 // one emoji, 4 bytes
  EXPECT_FALSE(FnMatch("*??", "\xf0\x9f\x98\x80"));
  EXPECT_TRUE(FnMatch("a?c",
                      "a\xff"
                      "c"));  // a stray byte counts as one
}

TEST(PatternTest, TrailingSlashMeansFolder) {
  EXPECT_TRUE(PathSelected("onnx/model.onnx", {"onnx/"}, {}));
  EXPECT_FALSE(PathSelected("onnx.json", {"onnx/"}, {}));
}

TEST(PatternTest, IncludeThenExclude) {
  const std::vector<std::string> inc{"*.json", "*.safetensors"};
  const std::vector<std::string> exc{"tokenizer*"};
  EXPECT_TRUE(PathSelected("config.json", inc, exc));
  EXPECT_FALSE(PathSelected("tokenizer.json", inc, exc));
  EXPECT_FALSE(PathSelected("README.md", inc, exc));
  EXPECT_TRUE(PathSelected("README.md", {}, exc));
}

}  // namespace
}  // namespace hubget
