// Hostile response headers through hubget's header parsers: Content-Range,
// plain decimals, Link, HTTP-date, Retry-After and the HEAD metadata
// (X-Repo-Commit, ETag, X-Linked-Size): nasty tables, then seeded mutations.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fakes.h"
#include "hostile_input.h"
#include "hub/metadata.h"
#include "hub/session.h"
#include "hubget/cache.h"
#include "hubget/retry.h"
#include "hubget/url.h"

namespace hubget {
namespace {

using namespace std::string_literals;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::_;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;
using testing::kCommit;
using testing::kInt64Max;
using testing::kIterations;
using testing::kMaxWaitSeconds;
using testing::kMegabyte;
using testing::kYear9999End;
using testing::Mutator;
using testing::Repeat;
using testing::Show;

// --- Content-Range -------------------------------------------------------

AssertionResult RangeIsCoherent(const std::string& in, const ContentRange& r) {
  const bool ok = r.start >= -1 && r.end >= -1 && r.total >= -1 && (r.start < 0) == (r.end < 0) &&
                  (r.start < 0 || r.end >= r.start) &&
                  (r.start < 0 || r.total < 0 || r.end < r.total);
  if (ok) return AssertionSuccess();
  return AssertionFailure() << Show(in) << " gave start " << r.start << ", end " << r.end
                            << ", total " << r.total;
}

TEST(HostileContentRangeTest, MalformedValuesGiveMinusOneEverywhere) {
  struct Case {
    std::string in;
    long long start, end, total;
  };
  const std::vector<Case> cases = {
      {"", -1, -1, -1},
      {"bytes 0-9/10", 0, 9, 10},
      {"bytes 0-0/1", 0, 0, 1},
      {"bytes */10", -1, -1, 10},
      {"bytes */0", -1, -1, 0},
      {"bytes 0-9/*", 0, 9, -1},
      {"bytes 999999999999999998-999999999999999999/*", 999999999999999998, 999999999999999999, -1},
      {"bytes 5-3/2", -1, -1, -1},
      {"bytes 5-3/10", -1, -1, -1},
      {"bytes 0-10/10", -1, -1, -1},
      {"bytes */-1", -1, -1, -1},
      {"bytes */-5", -1, -1, -1},
      {"bytes -5-3/10", -1, -1, -1},
      {"bytes 5-/10", -1, -1, -1},
      {"bytes -/10", -1, -1, -1},
      {"bytes 1-2-3/10", -1, -1, -1},
      {"bytes 0-9/10/20", -1, -1, -1},
      {"bytes 0-9/", -1, -1, -1},
      {"bytes */*", -1, -1, -1},
      {"bytes 99999999999999999999-99999999999999999999/*", -1, -1, -1},
      {"bytes 0-9/99999999999999999999", -1, -1, -1},
      {"bytes 0-9/9223372036854775808", -1, -1, -1},
      {"bytes 0-9/10\0junk"s, -1, -1, -1},
      {"bytes  0-9/10", -1, -1, -1},
      {"bytes +0-+9/+10", -1, -1, -1},
      {"bytes 0x0-0x9/16", -1, -1, -1},
      {"bytes nan-nan/nan", -1, -1, -1},
      {"bytes \xd9\xa3-\xd9\xa4/\xd9\xa1\xd9\xa0", -1, -1, -1},  // Arabic-Indic digits
      {"BYTES 0-9/10", -1, -1, -1},
      {"bytes " + std::string(1 << 20, '9') + "-1/2", -1, -1, -1},
      {kMegabyte, -1, -1, -1},
  };
  for (const auto& c : cases) {
    const ContentRange r = ParseContentRange(c.in);
    EXPECT_EQ(r.start, c.start) << Show(c.in);
    EXPECT_EQ(r.end, c.end) << Show(c.in);
    EXPECT_EQ(r.total, c.total) << Show(c.in);
  }
}

TEST(HostileContentRangeTest, MutatedValuesStayCoherent) {
  Mutator m(0xC0FFEE);
  const std::vector<std::string> samples = {"bytes 0-9/10", "bytes */2097152",
                                            "bytes 1048576-2097151/2097152", "bytes 0-0/*"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string in = m.Mutate(samples);
    ASSERT_TRUE(RangeIsCoherent(in, ParseContentRange(in)));
  }
}

// --- Link ----------------------------------------------------------------

// Content-Length and Content-Range numbers: plain digits, 18 at most.
TEST(HostilePlainDecimalTest, OnlyPlainDigitsUpTo18Parse) {
  EXPECT_EQ(PlainDecimal("0"), 0);
  EXPECT_EQ(PlainDecimal("1073741824"), 1073741824LL);
  EXPECT_EQ(PlainDecimal("999999999999999999"), 999999999999999999LL);
  for (const std::string bad : {"", "-1", "+1", " 1", "1 ", "1e3", "0x10", "1.0",
                                "1000000000000000000", "99999999999999999999999"}) {
    EXPECT_EQ(PlainDecimal(bad), -1) << bad;
  }
}

TEST(HostileLinkTest, MalformedLinkHeadersGiveNoNextPage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},
      {"<https://h/t?cursor=2>; rel=\"next\"", "https://h/t?cursor=2"},
      {"<https://h/p>; rel=\"prev\", <https://h/n>; rel=next", "https://h/n"},
      {"<https://h/a>", ""},
      {"https://h/a; rel=\"next\"", ""},
      {"<https://h/a; rel=\"next\"", ""},
      {">; rel=\"next\" <", ""},
      {"<a>, rel=\"next\"", ""},
      {"<>; rel=\"next\"", ""},
      {"<\0>; rel=next"s, "\0"s},
      {std::string(1 << 20, '<'), ""},
      {Repeat("<a>, ", 100000), ""},
      {"<" + kMegabyte + ">; rel=next", kMegabyte},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(NextLink(in), want) << Show(in);
}

TEST(HostileLinkTest, MutatedLinkHeadersGiveABracketedPartOfTheInput) {
  Mutator m(7);
  const std::vector<std::string> samples = {
      "<https://hub.test/api/models/org/m/tree/main?cursor=abc>; rel=\"next\"",
      "<https://h/p>; rel=\"prev\", <https://h/n>; rel=next"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string in = m.Mutate(samples);
    const std::string next = NextLink(in);
    if (next.empty()) continue;
    ASSERT_NE(in.find("<" + next + ">"), std::string::npos) << Show(in);
    ASSERT_EQ(next.find('>'), std::string::npos) << Show(in);
  }
}

// --- HTTP-date, Retry-After, RateLimit ---------------------------------------

TEST(HostileHttpDateTest, OnlyRealImfFixdatesParse) {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {"Sun, 06 Nov 1994 08:49:37 GMT", 784111777},
      {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
      {"Fri, 31 Dec 9999 23:59:59 GMT", kYear9999End - 1},
      {"", -1},
      {"Sun, 06 Nov 1994 08:49:37 UTC", -1},
      {"Sun, 06 Nov 1969 08:49:37 GMT", -1},
      {"Sun, 06 Xyz 1994 08:49:37 GMT", -1},
      {"Sun, 00 Nov 1994 08:49:37 GMT", -1},
      {"Sun, 32 Nov 1994 08:49:37 GMT", -1},
      {"Sun, 06 Nov 1994 24:00:00 GMT", -1},
      {"Sun, 06 Nov 1994 -1:49:37 GMT", -1},
      {"Sun, 06 Nov 1994 08:-1:37 GMT", -1},
      {"Sun, 06 Nov 1994 08:49:-1 GMT", -1},
      {"Sun, 06 Nov 10000 08:49:37 GMT", -1},
      {"Sun, 06 Nov 300000 08:49:37 GMT", -1},
      {"Sun, 06 Nov 2147483647 08:49:37 GMT", -1},
      {"Sun, 06 Nov 99999999999999999999 08:49:37 GMT", -1},
      {"Sun, 99999999999999999999 Nov 1994 08:49:37 GMT", -1},
      {"nan", -1},
      {kMegabyte, -1},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(ParseHttpDate(in), want) << Show(in);
}

TEST(HostileHttpDateTest, MutatedDatesParseToNothingOrAFourDigitYear) {
  Mutator m(1994);
  const std::vector<std::string> samples = {"Sun, 06 Nov 1994 08:49:37 GMT",
                                            "Fri, 31 Dec 9999 23:59:59 GMT"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string in = m.Mutate(samples);
    const std::int64_t t = ParseHttpDate(in);
    ASSERT_TRUE(t == -1 || (t >= 0 && t <= kYear9999End)) << Show(in) << " gave " << t;
  }
}

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z, as FakeClock

TEST(HostileRetryAfterTest, NastyValuesAreIgnoredOrCapped) {
  const std::vector<std::pair<std::string, std::optional<milliseconds>>> cases = {
      {"7", seconds(7)},
      {" 7\t", seconds(7)},
      {"0", milliseconds(0)},
      {"999999999", seconds(kMaxWaitSeconds)},
      {"1000000000", std::nullopt},
      {"99999999999999999999", std::nullopt},
      {"-1", std::nullopt},
      {"+5", std::nullopt},
      {"1.5", std::nullopt},
      {"nan", std::nullopt},
      {"", std::nullopt},
      {"7\0"s, std::nullopt},
      {"Thu, 01 Jan 2026 00:00:30 GMT", seconds(30)},
      {"Wed, 31 Dec 2025 00:00:00 GMT", milliseconds(0)},
      {"Fri, 31 Dec 9999 23:59:59 GMT", seconds(kMaxWaitSeconds)},
      {"Sun, 06 Nov 300000 08:49:37 GMT", std::nullopt},
      {kMegabyte, std::nullopt},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(ParseRetryAfter(in, kNow), want) << Show(in);
}

TEST(HostileRetryAfterTest, MutatedValuesGiveABoundedWait) {
  Mutator m(429);
  const std::vector<std::string> samples = {"7", "120", "Thu, 01 Jan 2026 00:00:30 GMT"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string in = m.Mutate(samples);
    const auto wait = ParseRetryAfter(in, kNow);
    ASSERT_TRUE(!wait || (wait->count() >= 0 && *wait <= seconds(kMaxWaitSeconds))) << Show(in);
  }
}

// --- HEAD metadata: X-Repo-Commit, ETag, X-Linked-Size ------------------------

TEST(HostileEtagTest, NormalisationStripsOnlyTheWeakPrefixAndQuotes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"abc\"", "abc"}, {"W/\"abc\"", "abc"},   {"", ""},
      {"\"", ""},         {"\"\"", ""},           {"WWW///", ""},
      {"W/", ""},         {"\"Wabc\"", "Wabc"},   {"\"a\"b\"", "a\"b"},
      {"\0"s, "\0"s},     {kMegabyte, kMegabyte},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(NormalizeEtag(in), want) << Show(in);
}

class HostileHeadFileTest : public ::testing::Test {
 protected:
  HostileHeadFileTest()
      : config(testing::TestConfig("/nonexistent")), session(config, transport, clock) {
    ON_CALL(transport, Send(_)).WillByDefault([this](const HttpRequest& r) {
      return testing::Play(r, {status, headers, "", std::nullopt});
    });
  }
  Result<FileMetadata> Head() {
    return HeadFile(session, "https://hub.test/org/m/resolve/main/f.bin",
                    {{"org/m", RepoType::kModel}, "main", "f.bin"}, RetryPolicy::None());
  }
  Headers Meta(const std::string& name, const std::string& value) {
    Headers h{{"X-Repo-Commit", kCommit}, {"ETag", "\"abc123\""}, {"Content-Length", "10"}};
    if (value.empty()) {
      h.Remove(name);
    } else {
      h.Set(name, value);
    }
    return h;
  }

  ClientConfig config;
  ::testing::NiceMock<testing::MockTransport> transport;
  testing::FakeClock clock;
  Session session;
  int status = 200;
  Headers headers;
};

TEST_F(HostileHeadFileTest, NastySizesAreNotAHubOrExact) {
  const std::vector<std::pair<std::string, std::optional<std::uint64_t>>> cases = {
      {"10", 10},
      {"0", 0},
      {"9223372036854775807", kInt64Max},
      {"9223372036854775808", std::nullopt},
      {"9999999999999999999", std::nullopt},
      {"18446744073709551615", std::nullopt},
      {"99999999999999999999", std::nullopt},
      {"-1", std::nullopt},
      {"1e3", std::nullopt},
      {" 10", std::nullopt},
      {"0x10", std::nullopt},
      {"10\0"s, std::nullopt},
      {"\xd9\xa1\xd9\xa0", std::nullopt},
      {"", std::nullopt},
      {kMegabyte, std::nullopt},
  };
  for (const auto& [size, want] : cases) {
    headers = Meta("X-Linked-Size", size);
    headers.Remove("Content-Length");
    const auto m = Head();
    if (want) {
      ASSERT_TRUE(m) << Show(size) << ": " << m.error().Message();
      EXPECT_EQ(m->size, *want);
    } else {
      ASSERT_FALSE(m) << Show(size);
      EXPECT_EQ(m.error().kind, Kind::kNotAHub) << Show(size);
    }
  }
}

TEST_F(HostileHeadFileTest, UnusableEtagsAndCommitsAreNotAHub) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ETag", "\"../../etc/passwd\""},
      {"ETag", "\".hidden\""},
      {"ETag", "\"a/b\""},
      {"ETag", "\"\xc3\xa9\""},
      {"ETag", "\"\""},
      {"ETag", "W/"},
      {"ETag", "\"" + std::string(129, 'a') + "\""},
      {"ETag", "\"a\0b\""s},
      {"ETag", ""},
      {"X-Repo-Commit", std::string(40, 'A')},
      {"X-Repo-Commit", std::string(41, 'a')},
      {"X-Repo-Commit", "../../../../etc/passwd"},
      {"X-Repo-Commit", ""},
  };
  for (const auto& [name, value] : cases) {
    headers = Meta(name, value);
    const auto m = Head();
    ASSERT_FALSE(m) << name << ": " << Show(value);
    EXPECT_EQ(m.error().kind, Kind::kNotAHub) << name << ": " << Show(value);
  }
}

TEST_F(HostileHeadFileTest, MutatedHeadersGiveUsableMetadataOrAnError) {
  Mutator m(404);
  const std::vector<std::string> etags = {"\"abc123\"", "W/\"" + std::string(64, 'e') + "\""};
  const std::vector<std::string> sizes = {"10", "2097152", "9223372036854775807"};
  const std::vector<std::string> commits = {kCommit};
  const std::vector<std::string> locations = {"https://cdn.test/x?sig=1", "/org/m/resolve/c/f"};
  const int statuses[] = {200, 302, 307, 404, 500};
  for (int i = 0; i < kIterations; ++i) {
    status = statuses[m.Below(5)];
    headers = Headers{{"X-Repo-Commit", m.Mutate(commits)},
                      {"X-Linked-Etag", m.Mutate(etags)},
                      {"X-Linked-Size", m.Mutate(sizes)},
                      {"Location", m.Mutate(locations)}};
    const auto r = Head();
    if (!r) continue;
    ASSERT_TRUE(IsCommitSha(r->commit)) << Show(r->commit);
    ASSERT_TRUE(!r->etag.empty() && r->etag.size() <= 128 && r->etag[0] != '.' &&
                r->etag.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789-_.") == std::string::npos)
        << Show(r->etag);
    ASSERT_LE(r->size, kInt64Max);
    ASSERT_TRUE(ParseUrl(r->location)) << Show(r->location);
  }
}

}  // namespace
}  // namespace hubget
