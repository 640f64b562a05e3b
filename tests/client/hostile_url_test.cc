// Hostile URLs and server-listed paths: what parses, which origins count as
// the endpoint, where a Location leads, which repo paths are refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes.h"
#include "hostile_input.h"
#include "hubget/cache.h"
#include "hubget/repo.h"
#include "hubget/url.h"

namespace hubget {
namespace {

using namespace std::string_literals;
using testing::kIterations;
using testing::kMegabyte;
using testing::Mutator;
using testing::Repeat;
using testing::Show;

// --- URLs ----------------------------------------------------------------

TEST(HostileUrlTest, MalformedUrlsDoNotParse) {
  for (const std::string& in :
       {""s, "://x"s, "http://"s, "http://:80/"s, "http://h:99999/"s, "http://h:65536/"s,
        "http://h:123456/"s, "http://h:-1/"s, "http://h:8o/"s, "http://[::1/"s, "hub.test/x"s,
        "http://u@/x"s, kMegabyte}) {
    EXPECT_FALSE(ParseUrl(in)) << Show(in);
  }
}

TEST(HostileUrlTest, OddButValidUrlsParseToTheirParts) {
  struct Case {
    std::string in, scheme, host;
    int port;
    std::string target;
  };
  const std::vector<Case> cases = {
      {"HTTP://HUB.Test", "http", "hub.test", 80, "/"},
      {"https://h:65535/a?b#c", "https", "h", 65535, "/a?b"},
      {"https://h:/a", "https", "h", 443, "/a"},
      {"http://[::1]:8080/x", "http", "[::1]", 8080, "/x"},
      {"https://u:p@h/x", "https", "h", 443, "/x"},
      {"https://hub.test@evil.test/x", "https", "evil.test", 443, "/x"},
      {"https://evil.test?@hub.test/", "https", "evil.test", 443, "/?@hub.test/"},
      {"https://h?q", "https", "h", 443, "/?q"},
      {"ftp://h/x", "ftp", "h", 0, "/x"},
  };
  for (const auto& c : cases) {
    const auto u = ParseUrl(c.in);
    ASSERT_TRUE(u) << Show(c.in);
    EXPECT_EQ(u->scheme, c.scheme);
    EXPECT_EQ(u->host, c.host);
    EXPECT_EQ(u->port, c.port);
    EXPECT_EQ(u->target, c.target);
  }
}

TEST(HostileUrlTest, LookalikeOriginsAreNotTheEndpoint) {
  const std::string ep = "https://hub.test";
  EXPECT_TRUE(SameOrigin(ep, "https://HUB.TEST:443/x"));
  for (const std::string& other :
       {"http://hub.test/"s, "https://hub.test:444/"s, "https://hub.test.evil.test/"s,
        "https://hub.test@evil.test/"s, "https://evil.test?@hub.test/"s, "https://hub.test./"s,
        "https://hub.test\0.evil.test/"s, "https://hub.test:99999/"s, ""s, "hub.test"s}) {
    EXPECT_FALSE(SameOrigin(ep, other)) << Show(other);
    EXPECT_FALSE(SameOrigin(other, ep)) << Show(other);
  }
  EXPECT_FALSE(SameOrigin("garbage", "garbage"));
}

TEST(HostileUrlTest, LocationsResolveToAParseableUrlOrNothing) {
  const std::string base = "https://hub.test/a/b?x=1";
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {"c", "https://hub.test/a/c"},
      {"../../../../../x", "https://hub.test/x"},
      {"//cdn.test/y", "https://cdn.test/y"},
      {"//", std::nullopt},
      {"//:80/x", std::nullopt},
      {"//h:99999/x", std::nullopt},
      {"", "https://hub.test/a/b?x=1"},
      {"?q", "https://hub.test/a/b?q"},
      {"#f", "https://hub.test/a/b"},
      {"https://cdn.test/z?sig=1", "https://cdn.test/z?sig=1"},
      {Repeat("../", 300000) + "x", "https://hub.test/x"},
  };
  for (const auto& [loc, want] : cases) EXPECT_EQ(ResolveLocation(base, loc), want) << Show(loc);
  EXPECT_EQ(ResolveLocation("not a url", "x"), std::nullopt);
  EXPECT_EQ(ResolveLocation("http://h:99999/", "x"), std::nullopt);
}

TEST(HostileUrlTest, MutatedUrlsKeepTheOriginRules) {
  Mutator m(443);
  const std::vector<std::string> bases = {"https://hub.test/org/m/resolve/main/f.bin",
                                          "http://127.0.0.1:8080/api/models/org/m/tree/main",
                                          "https://[::1]:8443/x?y"};
  const std::vector<std::string> locations = {"https://cdn.test/blobs/abc?Expires=1&Signature=x",
                                              "/org/m/resolve/abc/f.bin", "//cdn.test/x",
                                              "../x?y=1", "?cursor=2"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string a = m.Mutate(bases);
    const std::string loc = m.Mutate(locations);
    const auto u = ParseUrl(a);
    if (u) {
      ASSERT_TRUE(u->port >= 0 && u->port <= 65535) << Show(a);
      ASSERT_EQ(u->target.front(), '/') << Show(a);
    }
    ASSERT_EQ(SameOrigin(a, a), u.has_value()) << Show(a);
    ASSERT_EQ(SameOrigin(a, loc), SameOrigin(loc, a)) << Show(a) << " " << Show(loc);
    const auto resolved = ResolveLocation(a, loc);
    ASSERT_TRUE(!resolved || ParseUrl(*resolved)) << Show(a) << " + " << Show(loc);
  }
}

// --- Server-listed paths ---------------------------------------------------------

TEST(HostileRepoPathTest, UnsafePathsAreRefused) {
  for (const std::string& p : {""s, ".."s, "a/../b"s, "a/.."s, "./a"s, "a//b"s, "a/"s,
                               "/etc/passwd"s, "C:x"s, "a\\b"s, "a\0b"s, Repeat("a/", 100000)}) {
    EXPECT_FALSE(ValidateRepoPath(p)) << Show(p);
  }
  for (const std::string& p :
       {"a"s, "a/b.json"s, "..a/b.."s, "\xc3\xa9/\xc3\xbc.bin"s, Repeat("a/", 100000) + "b"}) {
    EXPECT_TRUE(ValidateRepoPath(p)) << Show(p);
  }
}

TEST(HostileRepoPathTest, MutatedPathsThatPassHaveNoEscapingSegment) {
  Mutator m(22);
  const std::vector<std::string> samples = {"unet/diffusion_pytorch_model.safetensors",
                                            "a/b/c.json", "tokenizer.json"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string p = m.Mutate(samples);
    if (!ValidateRepoPath(p)) continue;
    ASSERT_NE(p.front(), '/') << Show(p);
    ASSERT_EQ(p.find('\0'), std::string::npos) << Show(p);
    ASSERT_EQ(("/" + p + "/").find("/../"), std::string::npos) << Show(p);
  }
}

}  // namespace
}  // namespace hubget
