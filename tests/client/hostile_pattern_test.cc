// Hostile --include/--exclude patterns: edge cases against Python's fnmatch,
// linear time on long paths, and mutations checked against a reference matcher.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hostile_input.h"
#include "hubget/patterns.h"

namespace hubget {
namespace {

using namespace std::string_literals;
using testing::kIterations;
using testing::Mutator;
using testing::Repeat;
using testing::Show;

// --- Patterns ------------------------------------------------------------

// The recursive matcher hubget had before (exponential in the number of
// '*'), kept as the oracle on small inputs.
bool ReferenceMatch(const std::string& p, std::size_t pi, const std::string& s, std::size_t si) {
  while (pi < p.size()) {
    if (p[pi] == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      if (pi == p.size()) return true;
      for (std::size_t k = si; k <= s.size(); ++k) {
        if (ReferenceMatch(p, pi, s, k)) return true;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (p[pi] == '[') {
      std::size_t j = pi + 1;
      const bool negate = j < p.size() && p[j] == '!';
      if (negate) ++j;
      std::size_t k = j;
      if (k < p.size() && p[k] == ']') ++k;
      while (k < p.size() && p[k] != ']') ++k;
      if (k < p.size()) {
        bool found = false;
        for (std::size_t i = j; i < k; ++i) {
          if (i + 2 < k && p[i + 1] == '-') {
            found = found || (p[i] <= s[si] && s[si] <= p[i + 2]);
            i += 2;
            continue;
          }
          found = found || p[i] == s[si];
        }
        if (found == negate) return false;
        pi = k + 1;
        ++si;
        continue;
      }
    }
    if (p[pi] != '?' && p[pi] != s[si]) return false;
    ++pi;
    ++si;
  }
  return si == s.size();
}

TEST(HostilePatternTest, EdgeCasesMatchLikePythonFnmatch) {
  struct Case {
    std::string pattern, name;
    bool want;
  };
  const std::vector<Case> cases = {
      {"", "", true},
      {"", "a", false},
      {"*", "", true},
      {"?", "", false},
      {"[", "[", true},
      {"[]", "[]", true},
      {"[]]", "]", true},
      {"[!]]", "a", true},
      {"[!]]", "]", false},
      {"[a-]", "-", true},
      {"[z-a]", "m", false},
      {"[!", "[!", true},
      {"a\0b"s, "a\0b"s, true},
      {"a*"s, "a\0"s, true},
      {"**", "x", true},
      {"*a*a*a*a*a*a*a*a*a*a*b", std::string(100, 'a'), false},
      {"*a*a*a*a*a*a*a*a*a*a*", std::string(100, 'a'), true},
      {Repeat("*a", 200000), std::string(200000, 'a'), true},
      {Repeat("*a", 200000) + "b", std::string(200000, 'a'), false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FnMatch(c.pattern, c.name), c.want) << Show(c.pattern) << " ~ " << Show(c.name);
  }
}

TEST(HostilePatternTest, AServerPathOfManySegmentsIsFilteredInLinearTime) {
  const std::string path = Repeat("a/", 100000) + "x.bin";
  EXPECT_FALSE(PathSelected(path, {"*/*/*.json"}, {}));
  EXPECT_TRUE(PathSelected(path, {"*/*/*.bin"}, {}));
  EXPECT_FALSE(PathSelected(path, {}, {"*/*/*.bin"}));
}

TEST(HostilePatternTest, MutatedPatternsAgreeWithTheReferenceMatcher) {
  Mutator m(0xF17E);
  const std::vector<std::string> patterns = {"*.json",    "onnx/*",     "model-0000?.bin",
                                             "[ab]*.txt", "[!ab]*.txt", "*/*.bin",
                                             "[0-9].txt", "unet/"};
  const std::vector<std::string> names = {"config.json", "onnx/model.onnx", "model-00001.bin",
                                          "b.txt",       "sub/dir/b.txt",   "7.txt",
                                          "unet/a.bin"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string p = m.Mutate(patterns);
    const std::string s = m.Mutate(names);
    (void)PathSelected(s, {p}, {p});
    std::size_t stars = 0;
    for (std::size_t k = 0; k < p.size(); ++k) stars += p[k] == '*' && (k == 0 || p[k - 1] != '*');
    if (stars > 3) continue;  // the reference is exponential
    ASSERT_EQ(FnMatch(p, s), ReferenceMatch(p, 0, s, 0)) << Show(p) << " ~ " << Show(s);
  }
}

}  // namespace
}  // namespace hubget
