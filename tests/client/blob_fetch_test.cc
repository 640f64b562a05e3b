// The resumable, verified body GET: Range arithmetic, restarts, 416, mid-
// stream resume, integrity, CDN 403 refresh and the token-origin rule.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>

#include "fakes.h"
#include "fetch/blob_fetch.h"

namespace hubget {
namespace {

using ::testing::_;
using testing::Fail;
using testing::ReadFile;
using testing::Reply;
using testing::ReplyCut;
using testing::Sha256Hex;
using testing::WriteFile;

class BlobFetchTest : public ::testing::Test {
 protected:
  BlobFetchTest()
      : config(testing::TestConfig(dir.path(), "hf_secret_token")),
        session(config, transport, clock) {
    ON_CALL(transport, Send(_)).WillByDefault([this](const HttpRequest& r) {
      seen.push_back({r.method, r.url, r.headers});
      return next_(r);
    });
  }
  // Next answers, in order.
  void Answers(std::vector<std::function<Result<HttpResponse>(const HttpRequest&)>> a) {
    answers = std::move(a);
    next_ = [this](const HttpRequest& r) {
      auto f = answers.at(std::min(index++, answers.size() - 1));
      return f(r);
    };
  }
  Result<FetchResult> Fetch(const std::string& url, const std::string& etag) {
    FetchTarget t{url, etag, content.size(), partial};
    return FetchToPartial(session, t, hooks, {{"org/m", RepoType::kModel}, "main", "f.bin"});
  }
  std::string Range(std::size_t from) const {
    return "bytes " + std::to_string(from) + "-" + std::to_string(content.size() - 1) + "/" +
           std::to_string(content.size());
  }

  testing::TempDir dir;
  ClientConfig config;
  ::testing::NiceMock<testing::MockTransport> transport;
  testing::FakeClock clock;
  Session session;
  FetchHooks hooks;
  std::vector<testing::Seen> seen;
  std::vector<std::function<Result<HttpResponse>(const HttpRequest&)>> answers;
  std::size_t index = 0;
  std::function<Result<HttpResponse>(const HttpRequest&)> next_;
  std::string content = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string sha = Sha256Hex(content);
  std::string partial = dir.path() + "/blob.incomplete";
  std::string cdn = "https://cdn.test/blob?sig=1";
};

TEST_F(BlobFetchTest, FreshDownloadVerifiesSha256AndNeverSendsTokenToCdn) {
  Answers({Reply(200, {}, content)});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->sha256, sha);
  EXPECT_EQ(ReadFile(partial), content);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_FALSE(seen[0].headers.Has("Authorization"));
  EXPECT_EQ(seen[0].headers.Get("Accept-Encoding"), "identity");
  EXPECT_FALSE(seen[0].headers.Has("Range"));
}

TEST_F(BlobFetchTest, SameOriginGetCarriesToken) {
  Answers({Reply(200, {}, content)});
  ASSERT_TRUE(Fetch("https://hub.test/org/m/resolve/main/f.bin", "gitsha1"));
  EXPECT_EQ(seen[0].headers.Get("Authorization"), "Bearer hf_secret_token");
}

TEST_F(BlobFetchTest, ResumesPartialFileWithRangeAndIfRangeAndHashesThePrefix) {
  WriteFile(partial, content.substr(0, 10));
  Answers({Reply(206, {{"Content-Range", Range(10)}}, content.substr(10))});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(seen[0].headers.Get("Range"), "bytes=10-");
  EXPECT_EQ(seen[0].headers.Get("If-Range"), "\"" + sha + "\"");
  EXPECT_EQ(ReadFile(partial), content);
  EXPECT_EQ(r->sha256, sha);
}

TEST_F(BlobFetchTest, OkAnswerToRangeRequestRestartsFromZero) {
  WriteFile(partial, "XXXXXXXXXX");  // stale bytes that must not survive
  Answers({Reply(200, {}, content)});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadFile(partial), content);
}

TEST_F(BlobFetchTest, MisplacedContentRangeRestartsFromZeroInsteadOfAppending) {
  WriteFile(partial, content.substr(0, 10));
  Answers({Reply(206, {{"Content-Range", Range(5)}}, content.substr(5)), Reply(200, {}, content)});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[1].headers.Has("Range"));
  EXPECT_EQ(ReadFile(partial), content);
}

TEST_F(BlobFetchTest, RangeNotSatisfiableWithCompleteLocalFileVerifiesAndFinishes) {
  WriteFile(partial, content);
  Answers({Reply(416, {{"Content-Range", "bytes */" + std::to_string(content.size())}})});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(r->sha256, sha);
  EXPECT_EQ(r->transferred, 0u);
}

TEST_F(BlobFetchTest, RangeNotSatisfiableWithOtherSizeRestartsCleanly) {
  WriteFile(partial, content.substr(0, 20));
  Answers({Reply(416, {{"Content-Range", "bytes */5"}}), Reply(200, {}, content)});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_FALSE(seen[1].headers.Has("Range"));
}

TEST_F(BlobFetchTest, MidStreamDropResumesInProcessFromBytesWritten) {
  Answers({ReplyCut(200, {}, content, 14),
           Reply(206, {{"Content-Range", Range(14)}}, content.substr(14))});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].headers.Get("Range"), "bytes=14-");
  EXPECT_EQ(ReadFile(partial), content);
}

TEST_F(BlobFetchTest, GivesUpAfterAttemptsWithoutProgress) {
  Answers({Fail(Kind::kNetwork)});
  auto r = Fetch(cdn, sha);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kNetwork);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(config.retry.max_stalls + 1));
}

TEST_F(BlobFetchTest, Sha256MismatchIsIntegrityErrorAndDiscardsBytes) {
  std::string bad = content;
  bad[3] = '!';
  Answers({Reply(200, {}, bad)});
  auto r = Fetch(cdn, sha);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
  EXPECT_FALSE(std::filesystem::exists(partial));
}

TEST_F(BlobFetchTest, MoreBytesThanExpectedIsIntegrityError) {
  Answers({Reply(200, {}, content + "extra")});
  auto r = Fetch(cdn, "gitsha1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
}

TEST_F(BlobFetchTest, BodyEndingBeforeItsOwnContentLengthIsResumed) {
  // The transport reported no error, but fewer bytes than the response
  // announced arrived: the transfer was cut, the bytes so far are good.
  Answers({Reply(200, {{"Content-Length", std::to_string(content.size())}}, content.substr(0, 8)),
           Reply(206, {{"Content-Range", Range(8)}}, content.substr(8))});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].headers.Get("Range"), "bytes=8-");
  EXPECT_EQ(ReadFile(partial), content);
}

TEST_F(BlobFetchTest, CompleteShortBodyIsAnIntegrityErrorNotAResume) {
  // A mirror's HTML page with 200 and its own (correct) Content-Length, for a
  // regular file (git-sha1 etag, so no hash to catch it): the response is
  // complete, it is just not the file. Resuming after it would glue the real
  // tail behind the HTML and finalize a right-sized, wrong file.
  const std::string html = "<html>502 Bad Gateway</html>";
  ASSERT_LT(html.size(), content.size());
  Answers({Reply(200,
                 {{"Content-Length", std::to_string(html.size())},
                  {"Content-Type", "text/html; charset=utf-8"}},
                 html),
           Reply(206, {{"Content-Range", Range(html.size())}}, content.substr(html.size()))});
  auto r = Fetch("https://hub.test/org/m/resolve/main/f.bin", "gitsha1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
  EXPECT_THAT(r.error().Message(),
              ::testing::HasSubstr("file should be of size " + std::to_string(content.size()) +
                                   " but has size " + std::to_string(html.size())));
  EXPECT_THAT(r.error().Message(), ::testing::HasSubstr("text/html"));
  EXPECT_EQ(seen.size(), 1u);  // no Range request after the page
  EXPECT_FALSE(std::filesystem::exists(partial));
}

TEST_F(BlobFetchTest, CompleteShortBodyWithoutContentLengthIsAnIntegrityError) {
  // Chunked or close-delimited: the transport saw the body end cleanly.
  Answers({Reply(200, {}, content.substr(0, 8)),
           Reply(206, {{"Content-Range", Range(8)}}, content.substr(8))});
  auto r = Fetch(cdn, "gitsha1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(partial));
}

TEST_F(BlobFetchTest, CompleteShortResumeIsAnIntegrityErrorAndDiscardsThePartial) {
  WriteFile(partial, content.substr(0, 10));
  Answers(
      {Reply(206, {{"Content-Range", Range(10)}, {"Content-Length", "5"}}, content.substr(10, 5))});
  auto r = Fetch(cdn, "gitsha1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(partial));
}

TEST_F(BlobFetchTest, AnnouncedSubRangeIsFollowedByARequestForTheRest) {
  // A server may answer "bytes=10-" with a smaller range it announces as
  // such (Content-Range 10-19/36): that response is complete and correct.
  WriteFile(partial, content.substr(0, 10));
  const std::string total = "/" + std::to_string(content.size());
  Answers({Reply(206, {{"Content-Range", "bytes 10-19" + total}, {"Content-Length", "10"}},
                 content.substr(10, 10)),
           Reply(206, {{"Content-Range", Range(20)}}, content.substr(20))});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].headers.Get("Range"), "bytes=20-");
  EXPECT_EQ(ReadFile(partial), content);
}

TEST_F(BlobFetchTest, CdnForbiddenGoesBackToTheHubForAFreshUrlThenResumes) {
  WriteFile(partial, content.substr(0, 10));
  int refreshed = 0;
  hooks.refresh_location = [&]() -> Result<std::string> {
    ++refreshed;
    return std::string("https://cdn.test/blob?sig=2");
  };
  Answers({Reply(403, {}, "<Error>Request has expired</Error>"),
           Reply(206, {{"Content-Range", Range(10)}}, content.substr(10))});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(refreshed, 1);
  EXPECT_EQ(seen[1].url, "https://cdn.test/blob?sig=2");
  EXPECT_EQ(seen[1].headers.Get("Range"), "bytes=10-");
}

TEST_F(BlobFetchTest, CdnThatKeepsRefusingSaysTheSignedUrlWasRefusedNotTheHub) {
  // A token is configured, the CDN (another origin, no token sent) refuses
  // every signed URL: the message must not blame the Hub nor ask for a token.
  int refreshed = 0;
  hooks.refresh_location = [&]() -> Result<std::string> {
    ++refreshed;
    return std::string("https://cdn.test/blob?sig=") + std::to_string(refreshed + 1);
  };
  Answers({Reply(403, {{"Content-Type", "application/xml"}},
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                 "<Message>Request has expired</Message></Error>")});
  auto r = Fetch(cdn, sha);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kForbidden);
  EXPECT_EQ(refreshed, 3);
  for (const auto& s : seen) EXPECT_FALSE(s.headers.Has("Authorization")) << s.url;
  const std::string m = r.error().Message();
  EXPECT_THAT(m, ::testing::HasSubstr("cdn.test"));
  EXPECT_THAT(m, ::testing::HasSubstr("refused the signed URL"));
  EXPECT_THAT(m, ::testing::HasSubstr("expired"));
  EXPECT_THAT(m, ::testing::HasSubstr("AccessDenied: Request has expired"));
  EXPECT_THAT(m, ::testing::HasSubstr("fresh URL 3 times"));
  EXPECT_THAT(m, ::testing::Not(::testing::HasSubstr("Hub refused")));
  EXPECT_THAT(m, ::testing::Not(::testing::HasSubstr("Try with a token")));
  EXPECT_THAT(m, ::testing::Not(::testing::HasSubstr("sig=")));  // the signature stays out
  // Nothing had arrived: no empty .incomplete is left behind.
  EXPECT_FALSE(std::filesystem::exists(partial));
}

TEST_F(BlobFetchTest, CdnRefusalKeepsANonEmptyPartialForTheNextRun) {
  WriteFile(partial, content.substr(0, 10));
  hooks.refresh_location = []() -> Result<std::string> {
    return std::string("https://cdn.test/blob?sig=2");
  };
  Answers({Reply(403, {}, "Request has expired")});
  auto r = Fetch(cdn, sha);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kForbidden);
  EXPECT_EQ(ReadFile(partial), content.substr(0, 10));
  EXPECT_THAT(r.error().Message(), ::testing::HasSubstr("10 bytes already downloaded are kept"));
}

TEST_F(BlobFetchTest, NoEmptyPartialIsLeftAfterANetworkFailure) {
  Answers({Fail(Kind::kNetwork)});
  ASSERT_FALSE(Fetch(cdn, sha));
  EXPECT_FALSE(std::filesystem::exists(partial));
}

// The blocks ahead of the data are reserved (fallocate with KEEP_SIZE) while
// the fetch runs, but the partial's size stays the count of bytes received:
// it is the resume point, for hubget and for huggingface_hub alike. When the
// fetch stops, the blocks reserved past the data are given back.
TEST_F(BlobFetchTest, PartialKeepsItsReceivedSizeAndGivesBackItsReservationWhenItStops) {
  content = std::string(1 << 20, 'm');
  sha = Sha256Hex(content);
  long long reserved_while_fetching = -1;
  Answers({[&](const HttpRequest& r) {
             struct stat st {};
             if (::stat(partial.c_str(), &st) == 0) {
               reserved_while_fetching = static_cast<long long>(st.st_blocks) * 512;
             }
             return testing::Play(r, {200, {}, content, 100});
           },
           Fail(Kind::kNetwork)});
  ASSERT_FALSE(Fetch(cdn, sha));

  struct stat st {};
  ASSERT_EQ(::stat(partial.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 100);
  EXPECT_LT(static_cast<long long>(st.st_blocks) * 512, 1 << 20);
  // Does this file system reserve at all? Ask it the same way on a scratch file.
  const std::string probe = dir.path() + "/probe";
  const int fd = ::open(probe.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  const bool reserves = ::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 1 << 20) == 0;
  ::close(fd);
  if (reserves) {
    EXPECT_GE(reserved_while_fetching, 1 << 20);
  } else {
    EXPECT_LT(reserved_while_fetching, 1 << 20);
  }
}

// At most half the free space is reserved: the disk's last free blocks are
// not handed to a file before its bytes arrive.
TEST_F(BlobFetchTest, ReservationIsAtMostHalfTheFreeSpace) {
  const int fd = ::open(partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  struct statvfs fs {};
  ASSERT_EQ(::fstatvfs(fd, &fs), 0);
  const auto free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  EXPECT_EQ(ReservableBytes(fd, 1 << 20), std::uint64_t{1} << 20);
  // Quarters and doubles: other processes may write while the test runs.
  EXPECT_EQ(ReservableBytes(fd, free_bytes / 4), free_bytes / 4);
  EXPECT_LE(ReservableBytes(fd, free_bytes * 2 + 1), free_bytes / 2 + (free_bytes / 8));
  EXPECT_LE(ReservableBytes(fd, std::uint64_t{1} << 60), free_bytes);  // an exbibyte
  ::close(fd);
  EXPECT_EQ(ReservableBytes(-1, 1), 0u);  // cannot tell: no reservation
}

TEST_F(BlobFetchTest, HubForbiddenKeepsTheTokenAdvice) {
  Answers({Reply(403, {}, "")});
  auto r = Fetch("https://hub.test/org/m/resolve/main/f.bin", sha);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kForbidden);
  EXPECT_THAT(r.error().Message(), ::testing::HasSubstr("the Hub refused access (403)"));
  EXPECT_THAT(r.error().Message(), ::testing::HasSubstr("HF_TOKEN environment variable"));
}

TEST_F(BlobFetchTest, GetRedirectToAnotherOriginDropsTheToken) {
  Answers({Reply(302, {{"Location", "https://cdn.test/other"}}), Reply(200, {}, content)});
  auto r = Fetch("https://hub.test/org/m/resolve/main/f.bin", sha);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[0].headers.Has("Authorization"));
  EXPECT_EQ(seen[1].url, "https://cdn.test/other");
  EXPECT_FALSE(seen[1].headers.Has("Authorization"));
}

TEST_F(BlobFetchTest, TransientStatusIsRetriedWithBackoff) {
  Answers({Reply(503), Reply(200, {}, content)});
  auto r = Fetch(cdn, sha);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(clock.sleeps.size(), 1u);
}

TEST_F(BlobFetchTest, CancelFlagStopsTheTransfer) {
  std::atomic<bool> cancel{true};
  hooks.cancel = &cancel;
  Answers({Reply(200, {}, content)});
  auto r = Fetch(cdn, sha);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kCancelled);
}

// A wait longer than the cap is not slept: the fetch gives up at once and
// says how long the server asked for (it used to sleep for a day).
TEST_F(BlobFetchTest, RetryAfterLongerThanTheCapGivesUpWithoutSleeping) {
  Answers({Reply(503, {{"Retry-After", "86400"}}), Reply(200, {}, content)});
  auto r = Fetch(cdn, sha);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kServerError);
  EXPECT_EQ(r.error().reply.retry_after_seconds, 86400);
  EXPECT_THAT(r.error().Message(), ::testing::HasSubstr("asked to wait 86400 s"));
  EXPECT_TRUE(clock.sleeps.empty());
  EXPECT_EQ(seen.size(), 1u);
}

// Waits the server asks for within the cap are honoured, until together
// they would pass the deadline: then the fetch gives up instead.
TEST_F(BlobFetchTest, WaitsTogetherStayWithinTheDeadline) {
  config.retry.total_deadline = std::chrono::seconds(100);
  Answers({Reply(503, {{"Retry-After", "40"}})});
  auto r = Fetch(cdn, sha);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kServerError);
  EXPECT_EQ(clock.sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(40),
                                                                  std::chrono::seconds(40)}));
  EXPECT_EQ(seen.size(), 3u);
}

// hubget asks for identity; a body in another encoding is not the file,
// even when its length matches.
TEST_F(BlobFetchTest, ContentEncodingOtherThanIdentityIsNotAHubAndNotStored) {
  const std::string etag = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";  // no sha256 to check
  for (const std::string encoding : {"gzip", "br", "deflate, gzip", "GZIP"}) {
    seen.clear();
    index = 0;
    Answers({Reply(200, {{"Content-Encoding", encoding}}, content)});
    auto r = Fetch(cdn, etag);
    ASSERT_FALSE(r) << encoding;
    EXPECT_EQ(r.error().kind, Kind::kNotAHub) << encoding;
    EXPECT_THAT(r.error().Message(), ::testing::HasSubstr("Content-Encoding: " + encoding));
    EXPECT_FALSE(std::filesystem::exists(partial)) << encoding;
    EXPECT_EQ(seen.size(), 1u) << encoding;
    EXPECT_EQ(seen[0].headers.Get("Accept-Encoding"), "identity");
  }
  Answers({Reply(200, {{"Content-Encoding", "identity"}}, content)});
  EXPECT_TRUE(Fetch(cdn, etag));
}

}  // namespace
}  // namespace hubget
