// The bounds of a world's values (issue 12, W5): numbers the server would
// later overflow on (a TTL or a clock near the int64 limits, a page size of
// -1) and keys given twice in one object are refused with their pointer;
// a long parent chain loads without recursion.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "mockhub/world/world_json.h"

namespace mockhub {
namespace {

struct Case {
  const char* name;
  const char* world;
  const char* pointer;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.world; }

class WorldLimitsTest : public ::testing::TestWithParam<Case> {};

TEST_P(WorldLimitsTest, IsRefusedAtItsPointer) {
  auto doc = ParseJsonText(GetParam().world, "w.json");
  Loaded<World> w = doc ? WorldFromJson(*doc, "w.json") : Loaded<World>(doc.error());
  ASSERT_FALSE(w.ok()) << GetParam().world << " was accepted";
  EXPECT_EQ(w.error().file, "w.json");
  EXPECT_EQ(w.error().pointer, GetParam().pointer) << w.error().ToString();
}

constexpr const char* kUser = R"("users": {"u": {}}, )";

INSTANTIATE_TEST_SUITE_P(
    Values, WorldLimitsTest,
    ::testing::Values(
        Case{"ClockAtInt64Max", R"({"clock": 9223372036854775807})", "/clock"},
        Case{"ClockPastInt64", R"({"clock": 18446744073709551615})", "/clock"},
        Case{"ClockNegative", R"({"clock": -1})", "/clock"},
        Case{"ClockYear10000", R"({"clock": "10000-01-01T00:00:00Z"})", "/clock"},
        Case{"CdnTtlAtInt64Max", R"({"cdn": {"url_ttl_seconds": 9223372036854775807}})",
             "/cdn/url_ttl_seconds"},
        Case{"CdnTtlPastInt64", R"({"cdn": {"url_ttl_seconds": 18446744073709551615}})",
             "/cdn/url_ttl_seconds"},
        Case{"CdnTtlZero", R"({"cdn": {"url_ttl_seconds": 0}})", "/cdn/url_ttl_seconds"},
        Case{"XetTokenTtlHuge", R"({"xet": {"token_ttl_seconds": 9223372036854775807}})",
             "/xet/token_ttl_seconds"},
        Case{"XetUrlTtlPastInt64", R"({"xet": {"url_ttl_seconds": 18446744073709551615}})",
             "/xet/url_ttl_seconds"},
        Case{"PageSizeMinusOne", R"({"hub": {"tree_page_size": -1}})", "/hub/tree_page_size"},
        Case{"PageSizeZero", R"({"hub": {"tree_page_size": 0}})", "/hub/tree_page_size"},
        Case{"PageSizeHuge", R"({"hub": {"tree_page_size": 18446744073709551615}})",
             "/hub/tree_page_size"},
        Case{"PageSizeFraction", R"({"hub": {"tree_page_size": 1.5}})", "/hub/tree_page_size"},
        Case{
            "TokenExpiryHuge",
            R"({"users": {"u": {}}, "tokens": {"hf_t": {"user": "u", "expires_at": 9223372036854775807}}})",
            "/tokens/hf_t/expires_at"},
        Case{"CommitDateNegative", R"({"repos": {"a/b": {"commits": {"c1": {"date": -5}}}}})",
             "/repos/a~1b/commits/c1/date"},
        Case{"FileSizeHuge",
             R"({"repos": {"a/b": {"files": {"x": {"size": 18446744073709551615}}}}})",
             "/repos/a~1b/files/x/size"},
        Case{"DuplicateUser", R"({"users": {"a": {}, "a": {"fullname": "x"}}})", "/users/a"},
        Case{"DuplicateFile", R"({"repos": {"a/b": {"files": {"x": "1", "x": "2"}}}})",
             "/repos/a~1b/files/x"},
        Case{"DuplicateInArray", R"({"users": {"u": {"orgs": ["o"]}}, "x": [{"k": 1, "k": 2}]})",
             "/x/0/k"}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

TEST(WorldLimitsEdgeTest, ValuesAtTheBoundsLoad) {
  const std::string world = std::string(R"({"clock": 253402300799, )") + kUser +
                            R"("cdn": {"url_ttl_seconds": 315360000},
      "hub": {"tree_page_size": 100000},
      "repos": {"a/b": {"files": {"x": {"size": 281474976710656}}}}})";
  auto doc = ParseJsonText(world, "w.json");
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  auto w = WorldFromJson(*doc, "w.json");
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().ToString());
}

// Commits are built in parent order without recursion: 200,000 of them, each
// the parent of the next, load (a recursive walk would exhaust the stack).
// ThreadSanitizer makes the build ~60x slower (beyond ctest's 300 s), and
// it looks for races, not stack depth: there the chain is 50,000 long; the
// ci and asan builds load all 200,000.
#if defined(__SANITIZE_THREAD__)
constexpr int kChainCommits = 50000;
#else
constexpr int kChainCommits = 200000;
#endif

TEST(WorldLimitsEdgeTest, AParentChainOf200000CommitsLoads) {
  nlohmann::json commits = nlohmann::json::object();
  constexpr int kCommits = kChainCommits;
  for (int i = 0; i < kCommits; ++i) {
    nlohmann::json c = {{"files", {{"f", std::to_string(i)}}}};
    if (i > 0) c["parent"] = "c" + std::to_string(i - 1);
    commits["c" + std::to_string(i)] = std::move(c);
  }
  nlohmann::json doc = {
      {"repos",
       {{"a/b",
         {{"commits", commits}, {"branches", {{"main", "c" + std::to_string(kCommits - 1)}}}}}}}};
  auto w = WorldFromJson(doc, "chain.json");
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  EXPECT_EQ(w->FindRepo(RepoType::kModel, "a/b")->commits.size(),
            static_cast<std::size_t>(kCommits));
}

}  // namespace
}  // namespace mockhub
