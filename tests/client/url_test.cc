// URL encoding like huggingface_hub, origin comparison, Location resolution.
#include <gtest/gtest.h>

#include "hub/metadata.h"
#include "hubget/url.h"

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

// Only http(s) comes out of the resolver: another scheme is refused, and so
// is an absolute URL that lost part of its scheme ("http//h/x", "http:/x"),
// which would otherwise read as a relative path.
TEST(UrlTest, LocationOfAnotherSchemeOrAMalformedAbsoluteOneDoesNotResolve) {
  const std::string base = "https://hub.test/org/m/resolve/main/f.bin";
  for (const std::string loc :
       {"file:///etc/passwd", "file://localhost/etc/passwd", "gopher://127.0.0.1:70/_x",
        "dict://127.0.0.1:2628/d:x", "ftp://cdn.test/x", "javascript:alert(1)", "data:,x",
        "http//cdn.test/x", "https//cdn.test/x", "HTTP//cdn.test/x", "http:/x", "https:x",
        "https://", "https:///x", "http://:80/x", "http://cdn .test/x", "//cdn .test/x"}) {
    EXPECT_EQ(ResolveLocation(base, loc), std::nullopt) << loc;
  }
}

TEST(UrlTest, RawSpacesInALocationArePercentEncoded) {
  const std::string base = "https://hub.test/org/m/resolve/main/f.bin";
  EXPECT_EQ(ResolveLocation(base, "https://cdn.test/a b/c d?x=1 2"),
            "https://cdn.test/a%20b/c%20d?x=1%202");
  EXPECT_EQ(ResolveLocation(base, "/a b"), "https://hub.test/a%20b");
  EXPECT_EQ(ResolveLocation(base, "x y"), "https://hub.test/org/m/resolve/main/x%20y");
  EXPECT_EQ(ResolveLocation(base, "HTTPS://cdn.test/x"), "HTTPS://cdn.test/x");
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
