// URL encoding like huggingface_hub, origin comparison, Location resolution.
#include <gtest/gtest.h>

#include "hubget/url.h"
#include "metadata.h"

namespace hubget {
namespace {

TEST(UrlTest, RevisionIsFullyEncoded) { EXPECT_EQ(QuoteAll("refs/pr/1"), "refs%2Fpr%2F1"); }

TEST(UrlTest, PathKeepsSlashesAndEncodesTheRest) {
  EXPECT_EQ(QuotePath("subfolder/to?/awful?filename%you:should,never.give"),
            "subfolder/to%3F/awful%3Ffilename%25you%3Ashould%2Cnever.give");
  EXPECT_EQ(QuotePath("sub dir/a~b_c-d.e"), "sub%20dir/a~b_c-d.e");
}

TEST(UrlTest, ResolveUrlMatchesHuggingFaceHub) {
  EXPECT_EQ(ResolveUrl("https://h", {"org/model", RepoType::kDataset}, "refs/pr/1",
                       "sub dir/a?b%c:d,e.txt"),
            "https://h/datasets/org/model/resolve/refs%2Fpr%2F1/sub%20dir/a%3Fb%25c%3Ad%2Ce.txt");
  EXPECT_EQ(ResolveUrl("https://h", {"m", RepoType::kModel}, "main", "config.json"),
            "https://h/m/resolve/main/config.json");
}

TEST(UrlTest, SameOriginComparesSchemeHostAndPort) {
  EXPECT_TRUE(SameOrigin("https://Hub.test/a", "https://hub.test:443/b?x"));
  EXPECT_FALSE(SameOrigin("https://hub.test/a", "http://hub.test/a"));
  EXPECT_FALSE(SameOrigin("http://127.0.0.1:80/a", "http://127.0.0.1:81/a"));
  EXPECT_FALSE(SameOrigin("http://127.0.0.1/a", "http://127.0.0.2/a"));
  EXPECT_FALSE(SameOrigin("not a url", "not a url"));
}

TEST(UrlTest, RelativeLocationKeepsItsQuery) {
  EXPECT_EQ(*ResolveLocation("https://hub.test/org/m/resolve/main/c.json",
                             "/api/resolve-cache/models/org/m/abc/c.json?etag=1"),
            "https://hub.test/api/resolve-cache/models/org/m/abc/c.json?etag=1");
  EXPECT_EQ(*ResolveLocation("http://127.0.0.1:8080/a/b/c", "../d?q"),
            "http://127.0.0.1:8080/a/d?q");
  EXPECT_EQ(*ResolveLocation("https://hub.test/a", "https://cdn.test/x?sig=1"),
            "https://cdn.test/x?sig=1");
  EXPECT_EQ(*ResolveLocation("https://hub.test/a", "//cdn.test/x"), "https://cdn.test/x");
}

TEST(UrlTest, ParseKeepsPortAndTarget) {
  auto u = ParseUrl("http://127.0.0.2:9000/p/q?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.2");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->target, "/p/q?x=1");
  EXPECT_EQ(u->Query(), "x=1");
}

}  // namespace
}  // namespace hubget
