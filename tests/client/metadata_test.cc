// The metadata HEAD: same-origin redirects followed with the token,
// cross-origin redirects read in place, missing headers named.
#include <gtest/gtest.h>

#include "fakes.h"
#include "hub/metadata.h"

namespace hubget {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using testing::kCommit;
using testing::Reply;

class HeadFileTest : public ::testing::Test {
 protected:
  HeadFileTest()
      : config(testing::TestConfig("/nonexistent", "hf_secret_token")),
        session(config, transport, clock) {}
  Result<FileMetadata> Head(std::string* missing = nullptr) {
    return HeadFile(session, url, {{"org/m", RepoType::kModel}, "main", "f.bin"},
                    RetryPolicy::None(), missing);
  }
  Headers Meta(std::initializer_list<std::pair<std::string, std::string>> extra = {}) {
    Headers h{{"X-Repo-Commit", kCommit}, {"ETag", "\"abc123\""}, {"Content-Length", "10"}};
    for (const auto& kv : extra) h.Set(kv.first, kv.second);
    return h;
  }
  ClientConfig config;
  ::testing::StrictMock<testing::MockTransport> transport;
  testing::FakeClock clock;
  Session session;
  std::string url = "https://hub.test/org/m/resolve/main/f.bin";
  std::vector<HttpRequest> seen;
};

TEST_F(HeadFileTest, SendsHeadWithIdentityEncodingAndToken) {
  EXPECT_CALL(transport, Send(_)).WillOnce([&](const HttpRequest& r) {
    seen.push_back(r);
    return Reply(200, Meta())(r);
  });
  auto m = Head();
  ASSERT_TRUE(m) << m.error().Message();
  EXPECT_EQ(seen[0].method, "HEAD");
  EXPECT_EQ(seen[0].headers.Get("Accept-Encoding"), "identity");
  EXPECT_EQ(seen[0].headers.Get("Authorization"), "Bearer hf_secret_token");
  EXPECT_EQ(m->commit, kCommit);
  EXPECT_EQ(m->etag, "abc123");
  EXPECT_EQ(m->size, 10u);
  EXPECT_EQ(m->location, url);
}

TEST_F(HeadFileTest, FollowsRelativeRedirectKeepingTokenAndQuery) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce([&](const HttpRequest& r) {
        seen.push_back(r);
        return Reply(307, {{"Location", "/new-org/m/resolve/main/f.bin?x=1"}})(r);
      })
      .WillOnce([&](const HttpRequest& r) {
        seen.push_back(r);
        return Reply(200, Meta())(r);
      });
  auto m = Head();
  ASSERT_TRUE(m) << m.error().Message();
  EXPECT_EQ(seen[1].url, "https://hub.test/new-org/m/resolve/main/f.bin?x=1");
  EXPECT_EQ(seen[1].headers.Get("Authorization"), "Bearer hf_secret_token");
  EXPECT_EQ(m->location, "https://hub.test/new-org/m/resolve/main/f.bin?x=1");
}

TEST_F(HeadFileTest, StopsAtCrossOriginRedirectAndReadsMetadataThere) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce(Reply(302, Meta({{"Location", "https://cdn.test/blob?sig=1"},
                                 {"X-Linked-Etag", "\"" + std::string(64, 'a') + "\""},
                                 {"X-Linked-Size", "99"}})));
  auto m = Head();
  ASSERT_TRUE(m) << m.error().Message();
  EXPECT_EQ(m->location, "https://cdn.test/blob?sig=1");
  EXPECT_EQ(m->etag, std::string(64, 'a'));
  EXPECT_EQ(m->size, 99u);
}

TEST_F(HeadFileTest, DifferentPortIsAnotherOrigin) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce(
          Reply(302, Meta({{"Location", "https://hub.test:8443/x"}, {"X-Linked-Size", "5"}})));
  auto m = Head();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->location, "https://hub.test:8443/x");
}

TEST_F(HeadFileTest, MissingRepoCommitIsNotAHubNamingTheHeader) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce(Reply(200, {{"ETag", "\"x\""}, {"Content-Length", "1"}}));
  auto m = Head();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, Kind::kNotAHub);
  EXPECT_THAT(m.error().Message(), HasSubstr("X-Repo-Commit"));
}

TEST_F(HeadFileTest, MissingEtagIsNotAHub) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce(Reply(200, {{"X-Repo-Commit", kCommit}, {"Content-Length", "1"}}));
  auto m = Head();
  ASSERT_FALSE(m);
  EXPECT_THAT(m.error().Message(), HasSubstr("ETag"));
}

TEST_F(HeadFileTest, ContentLengthOfARedirectIsNotTheFileSize) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce(Reply(302, Meta({{"Location", "https://cdn.test/b"}})));  // no X-Linked-Size
  auto m = Head();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, Kind::kNotAHub);
  EXPECT_THAT(m.error().Message(), HasSubstr("X-Linked-Size"));
}

TEST_F(HeadFileTest, WeakEtagIsNormalised) {
  EXPECT_CALL(transport, Send(_)).WillOnce(Reply(200, Meta({{"ETag", "W/\"abc\""}})));
  auto m = Head();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->etag, "abc");
}

TEST_F(HeadFileTest, EntryNotFoundReportsTheCommitForNoExist) {
  EXPECT_CALL(transport, Send(_))
      .WillOnce(Reply(404, {{"X-Error-Code", "EntryNotFound"}, {"X-Repo-Commit", kCommit}}));
  std::string missing;
  auto m = Head(&missing);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, Kind::kEntryNotFound);
  EXPECT_EQ(missing, kCommit);
}

TEST_F(HeadFileTest, EtagThatIsNotAFileNameIsRefused) {
  EXPECT_CALL(transport, Send(_)).WillOnce(Reply(200, Meta({{"ETag", "\"../../evil\""}})));
  auto m = Head();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, Kind::kNotAHub);
}

}  // namespace
}  // namespace hubget
