// Hostile Hub API JSON: repo info, tree pages, the tree cache, whoami and
// error bodies with wrong types and deep nesting, then seeded mutations.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "fakes.h"
#include "hostile_input.h"
#include "hub/api_json.h"
#include "hubget/cache.h"
#include "hubget/repo.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using testing::IsValidUtf8;
using testing::kCommit;
using testing::kIterations;
using testing::Mutator;
using testing::Repeat;
using testing::Show;

// --- Hub API JSON ----------------------------------------------------------------

std::string Nested(const std::string& open, const std::string& close, std::size_t depth,
                   const std::string& inner = "") {
  return Repeat(open, depth) + inner + Repeat(close, depth);
}

TEST(HostileJsonTest, RepoInfoRejectsNonObjectsAndIgnoresWrongTypes) {
  for (const std::string& body :
       {""s, "null"s, "[]"s, "\"x\""s, "1e400"s, "{"s, "{\"id\":\"a\"}x"s, Nested("[", "]", 10000),
        Repeat("[", 10000), "{\"id\":\"\xff\"}"s, "\0"s}) {
    const auto r = ParseRepoInfo(body);
    ASSERT_FALSE(r) << Show(body);
    EXPECT_EQ(r.error().kind, Kind::kNotAHub);
  }
  const auto r = ParseRepoInfo(
      R"({"id":5,"sha":["x"],"private":"true","gated":true,"disabled":1,
          "siblings":[{"rfilename":"a"},1,null,{"rfilename":2},[]]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "");
  EXPECT_EQ(r->sha, "");
  EXPECT_FALSE(r->is_private);
  EXPECT_EQ(r->gated, "");
  EXPECT_FALSE(r->disabled);
  EXPECT_EQ(r->files, (std::vector<std::string>{"a", ""}));
  EXPECT_TRUE(ParseRepoInfo(R"({"siblings":{"rfilename":"a"}})"));
  EXPECT_TRUE(ParseRepoInfo(Nested("{\"a\":", "}", 10000, "1")));
}

TEST(HostileJsonTest, TreePageKeepsOnlyWellFormedFileEntries) {
  for (const std::string& body : {""s, "{}"s, "null"s, Repeat("[", 10000)}) {
    const auto r = ParseTreePage(body);
    ASSERT_FALSE(r) << Show(body);
    EXPECT_EQ(r.error().kind, Kind::kNotAHub);
  }
  const auto deep = ParseTreePage(Nested("[", "]", 10000));
  ASSERT_TRUE(deep);
  EXPECT_TRUE(deep->empty());
  const auto r = ParseTreePage(R"([1,"a",null,[],{"type":"directory","path":"d"},
      {"type":"file","path":"neg","size":-1,"lfs":{"oid":5,"size":-1}},
      {"type":"file","path":"float","size":1.5,"lfs":[]},
      {"type":"file","path":"max","size":18446744073709551615},
      {"type":"file","path":"over","size":18446744073709551616},
      {"type":"file","path":7,"oid":{"x":1}}])");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0].path, "neg");
  EXPECT_EQ((*r)[0].size, 0u);
  EXPECT_EQ((*r)[0].lfs_sha256, "");
  EXPECT_EQ((*r)[0].lfs_size, 0u);
  EXPECT_EQ((*r)[1].size, 0u);
  EXPECT_EQ((*r)[2].size, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ((*r)[3].size, 0u);
  EXPECT_EQ((*r)[4].path, "");
  EXPECT_EQ((*r)[4].blob_id, "");
}

TEST(HostileJsonTest, TreeCacheWithWrongTypesIsUnreadableNotAnException) {
  for (const std::string& body :
       {""s, "[]"s, R"({"format_version":"1","files":{}})"s,
        R"({"format_version":1.0,"files":{}})"s, R"({"format_version":1e300,"files":{}})"s,
        R"({"format_version":2,"files":{}})"s, R"({"format_version":1,"files":[]})"s,
        R"({"format_version":1,"files":{"a":1}})"s,
        R"({"format_version":1,"files":{"a":{"size":"10"}}})"s,
        R"({"format_version":1,"files":{"a":{"size":-1}}})"s,
        R"({"format_version":1,"files":{"a":{"size":1e300}}})"s,
        R"({"format_version":1,"files":{"a":{"blob_id":5}}})"s,
        R"({"format_version":1,"files":{"a":{"lfs_sha256":null}}})"s,
        R"({"format_version":1,"files":{"a":{"lfs_size":[1]}}})"s,
        "{\"format_version\":1,\"files\":{\"a\":" + Nested("[", "]", 10000) + "}}"}) {
    EXPECT_EQ(ParseTreeCache(body), std::nullopt) << Show(body);
  }
  const auto ok = ParseTreeCache(R"({"format_version":1,"files":{"a":{},"b":{"size":3}}})");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].size, 3u);
}

TEST(HostileJsonTest, WhoamiAndErrorBodiesIgnoreWrongTypes) {
  for (const std::string& body : {""s, "[]"s, "null"s, Nested("[", "]", 10000)}) {
    EXPECT_FALSE(ParseWhoami(body)) << Show(body);
  }
  const auto w = ParseWhoami(R"({"name":1,"orgs":{"name":"x"},"auth":{"accessToken":"tok"}})");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->name, "");
  EXPECT_TRUE(w->orgs.empty());
  EXPECT_EQ(w->token_name, "");
  const auto w2 = ParseWhoami(R"({"orgs":[{"name":"a"},"b",{"name":3}],"auth":[]})");
  ASSERT_TRUE(w2);
  EXPECT_EQ(w2->orgs, (std::vector<std::string>{"a", ""}));

  const std::vector<std::pair<std::string, std::string>> errors = {
      {"{\"error\":\"x\"}", "x"}, {"{\"error\":[\"y\",1]}", "y"}, {"{\"error\":[1]}", ""},
      {"{\"error\":[]}", ""},     {"{\"error\":5}", ""},          {"[\"error\"]", ""},
      {"not json", ""},           {Nested("[", "]", 10000), ""},
  };
  for (const auto& [body, want] : errors) EXPECT_EQ(ParseJsonErrorMessage(body), want) << body;
}

const std::vector<std::string> kRepoInfoBodies = {
    R"({"id":"org/m","sha":"0123456789abcdef0123456789abcdef01234567","private":false,)"
    R"("gated":"manual","disabled":false,"siblings":[{"rfilename":"config.json"}]})"};
const std::vector<std::string> kTreePageBodies = {
    R"([{"type":"file","oid":"x","size":2,"path":"a.json"},{"type":"directory","path":"d"},)"
    R"({"type":"file","oid":"y","size":9,"path":"w.bin","lfs":{"oid":"ab","size":9}}])"};
const std::vector<std::string> kTreeCacheBodies = {
    R"({"format_version":1,"files":{"a.json":{"size":2,"blob_id":"x"},)"
    R"("w.bin":{"size":9,"blob_id":"y","lfs_sha256":"ab","lfs_size":9}}})"};
const std::vector<std::string> kWhoamiBodies = {
    R"({"name":"alice","type":"user","orgs":[{"name":"o"}],)"
    R"("auth":{"accessToken":{"displayName":"laptop","role":"read"}}})",
    R"({"error":"Invalid credentials in Authorization header"})", R"({"error":["a","b"]})"};

TEST(HostileJsonTest, MutatedRepoInfoNeverThrows) {
  Mutator m(0x1);
  for (int i = 0; i < kIterations; ++i) {
    const std::string body = m.Mutate(kRepoInfoBodies);
    const auto r = ParseRepoInfo(body);
    ASSERT_TRUE(r || r.error().kind == Kind::kNotAHub) << Show(body);
  }
}

TEST(HostileJsonTest, MutatedTreePagesRoundTripThroughTheTreeCache) {
  Mutator m(0x2);
  for (int i = 0; i < kIterations; ++i) {
    const std::string body = m.Mutate(kTreePageBodies);
    const auto page = ParseTreePage(body);
    if (!page) continue;
    for (const auto& e : *page) ASSERT_TRUE(IsValidUtf8(e.path)) << Show(body);
    ASSERT_TRUE(ParseTreeCache(TreeCacheJson(*page))) << Show(body);
  }
}

TEST(HostileJsonTest, MutatedTreeCachesAreReadOrRefusedNeverThrown) {
  Mutator m(0x3);
  for (int i = 0; i < kIterations; ++i) {
    const std::string body = m.Mutate(kTreeCacheBodies);
    const auto entries = ParseTreeCache(body);
    if (!entries) continue;
    ASSERT_TRUE(ParseTreeCache(TreeCacheJson(*entries))) << Show(body);
  }
}

TEST(HostileJsonTest, MutatedWhoamiAndErrorBodiesNeverThrow) {
  Mutator m(0x4);
  for (int i = 0; i < kIterations; ++i) {
    const std::string body = m.Mutate(kWhoamiBodies);
    (void)ParseWhoami(body);
    ASSERT_TRUE(IsValidUtf8(ParseJsonErrorMessage(body))) << Show(body);
  }
}

TEST(HostileJsonTest, SnapshotWithAWrongTypedTreeCacheIsServedOffline) {
  testing::TempDir dir;
  ClientConfig c = testing::TestConfig(dir.path());
  c.offline = true;
  const RepoId repo{"org/m", RepoType::kModel};
  CacheLayout cache(dir.path());
  ASSERT_TRUE(cache.WriteTree(repo, kCommit, R"({"format_version":"1","files":{"a":{}}})"));
  fs::create_directories(cache.SnapshotDir(repo, kCommit));
  testing::WriteFile(cache.SnapshotDir(repo, kCommit) + "/a", "x");
  Client client(c, std::make_shared<::testing::StrictMock<testing::MockTransport>>(),
                std::make_shared<testing::FakeClock>());
  SnapshotOptions o;
  o.revision = kCommit;
  const auto r = client.Snapshot("org/m", o);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->commit, kCommit);
}

}  // namespace
}  // namespace hubget
