// The one redirect follower: Location resolution, one hop limit, and the
// caller's rule for another origin (refuse, stop, follow http(s)).
#include <gtest/gtest.h>

#include "http/redirects.h"

namespace hubget {
namespace {

HttpResponse Redirect(int status, const std::string& location) {
  HttpResponse r;
  r.status = status;
  if (!location.empty()) r.headers.Add("Location", location);
  return r;
}

const std::string kFrom = "https://hub.test/org/m/resolve/main/f.bin";

TEST(RedirectsTest, FollowsTheStatusesHttpxFollows) {
  for (int s : {301, 302, 303, 307, 308}) EXPECT_TRUE(IsRedirectStatus(s)) << s;
  for (int s : {200, 300, 304, 305, 306, 309, 400}) EXPECT_FALSE(IsRedirectStatus(s)) << s;
}

TEST(RedirectsTest, RelativeLocationResolvesAgainstTheRequestKeepingTheQuery) {
  for (OtherOrigin rule : {OtherOrigin::kRefuse, OtherOrigin::kStop, OtherOrigin::kFollow}) {
    auto hop = NextHop(kFrom, Redirect(307, "/new/m/resolve/main/f.bin?x=1"), rule, 0);
    ASSERT_TRUE(hop) << hop.error().Message();
    EXPECT_EQ(hop->url, "https://hub.test/new/m/resolve/main/f.bin?x=1");
    EXPECT_FALSE(hop->stop);
  }
}

TEST(RedirectsTest, MissingLocationIsNotAHubWithTheStatus) {
  auto hop = NextHop(kFrom, Redirect(302, ""), OtherOrigin::kFollow, 0);
  ASSERT_FALSE(hop);
  EXPECT_EQ(hop.error().kind, Kind::kNotAHub);
  EXPECT_EQ(hop.error().reply.status, 302);
  EXPECT_NE(hop.error().detail.find("Location"), std::string::npos);
}

TEST(RedirectsTest, UnresolvableLocationIsNotAHub) {
  auto hop = NextHop(kFrom, Redirect(302, "//:99999/x"), OtherOrigin::kFollow, 0);
  ASSERT_FALSE(hop);
  EXPECT_EQ(hop.error().kind, Kind::kNotAHub);
}

TEST(RedirectsTest, AnotherOriginIsRefusedForTheApi) {
  for (const char* elsewhere :
       {"https://evil.test/x", "http://hub.test/x", "https://hub.test:1/x"}) {
    auto hop = NextHop(kFrom, Redirect(302, elsewhere), OtherOrigin::kRefuse, 0);
    ASSERT_FALSE(hop) << elsewhere;
    EXPECT_EQ(hop.error().kind, Kind::kHttp);
    EXPECT_NE(hop.error().detail.find("another origin"), std::string::npos);
  }
}

TEST(RedirectsTest, AnotherOriginIsWhereAHeadStops) {
  auto hop = NextHop(kFrom, Redirect(302, "https://cdn.test/b?sig=1"), OtherOrigin::kStop, 0);
  ASSERT_TRUE(hop);
  EXPECT_TRUE(hop->stop);
  EXPECT_EQ(hop->url, "https://cdn.test/b?sig=1");
}

TEST(RedirectsTest, BodyGetFollowsAnyHttpOriginButNoOtherScheme) {
  auto cdn = NextHop(kFrom, Redirect(302, "http://cdn.test/b"), OtherOrigin::kFollow, 0);
  ASSERT_TRUE(cdn);
  EXPECT_FALSE(cdn->stop);
  auto ftp = NextHop(kFrom, Redirect(302, "ftp://cdn.test/b"), OtherOrigin::kFollow, 0);
  ASSERT_FALSE(ftp);
  EXPECT_EQ(ftp.error().kind, Kind::kHttp);
}

TEST(RedirectsTest, OneLimitForEveryCaller) {
  for (OtherOrigin rule : {OtherOrigin::kRefuse, OtherOrigin::kStop, OtherOrigin::kFollow}) {
    EXPECT_TRUE(NextHop(kFrom, Redirect(307, "/a"), rule, kMaxRedirects - 1));
    auto hop = NextHop(kFrom, Redirect(307, "/a"), rule, kMaxRedirects);
    ASSERT_FALSE(hop);
    EXPECT_EQ(hop.error().kind, Kind::kHttp);
    EXPECT_NE(hop.error().detail.find("redirects"), std::string::npos);
  }
}

}  // namespace
}  // namespace hubget
