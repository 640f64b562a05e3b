// Hostile and malformed text from a server (and from the environment) through
// every parser hubget has. Each parser gets a table of hand-picked nasty
// inputs with the exact answer expected, then a seeded, bounded mutation loop
// over valid samples that asks only for no exception, no sanitizer report and
// the parser's own invariants. Deterministic: fixed seeds, a fixed number of
// iterations, no network, no sleeping, no real clock. It is meant to run
// under asan/ubsan as well: that is where undefined behaviour shows.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fakes.h"
#include "hub/api_json.h"
#include "hub/metadata.h"
#include "hub/session.h"
#include "hubget/cache.h"
#include "hubget/clock.h"
#include "hubget/environment.h"
#include "hubget/patterns.h"
#include "hubget/repo.h"
#include "hubget/retry.h"
#include "hubget/token.h"
#include "hubget/url.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::_;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;
using testing::kCommit;

constexpr int kIterations = 20000;
constexpr long long kMaxWaitSeconds = 999999999;  // the largest Retry-After hubget keeps
constexpr std::int64_t kYear9999End = 253402300800;
constexpr std::uint64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
const std::string kMegabyte(1 << 20, 'a');

// Byte-level mutations of valid samples: bit flips, inserted and deleted
// bytes, duplicated chunks, truncation, and splices of the tokens parsers
// trip over (huge and negative numbers, separators, NUL, broken UTF-8).
// mt19937 is specified exactly, so a seed gives the same inputs everywhere.
class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : rng_(seed) {}

  std::string Mutate(const std::vector<std::string>& samples) {
    std::string s = samples[Below(samples.size())];
    const std::size_t edits = 1 + Below(4);
    for (std::size_t i = 0; i < edits; ++i) Edit(s);
    return s;
  }
  std::size_t Below(std::size_t n) { return n == 0 ? 0 : rng_() % n; }

 private:
  void Edit(std::string& s) {
    static const std::vector<std::string> kTokens = {"99999999999999999999",
                                                     "9223372036854775807",
                                                     "9223372036854775808",
                                                     "18446744073709551616",
                                                     "4294967338",
                                                     "-1",
                                                     "-",
                                                     "0",
                                                     "1e400",
                                                     "nan",
                                                     "*",
                                                     "/",
                                                     ",",
                                                     ";",
                                                     "=",
                                                     ":",
                                                     " ",
                                                     "\t",
                                                     "\r\n",
                                                     "\0"s,
                                                     "\xff",
                                                     "\xc3",
                                                     "\xe2\x82\xac",
                                                     "\"",
                                                     "{",
                                                     "}",
                                                     "[",
                                                     "]",
                                                     "<",
                                                     ">",
                                                     "@",
                                                     "?",
                                                     "#",
                                                     "%",
                                                     "\\",
                                                     "../",
                                                     "//",
                                                     "[::1]",
                                                     "W/",
                                                     "null",
                                                     "true"};
    const std::size_t pos = Below(s.size() + 1);
    switch (Below(7)) {
      case 0:  // flip one bit
        if (!s.empty()) s[Below(s.size())] ^= static_cast<char>(1u << Below(8));
        break;
      case 1:  // insert a random byte
        s.insert(pos, 1, static_cast<char>(Below(256)));
        break;
      case 2:  // delete a short run
        if (!s.empty()) s.erase(Below(s.size()), 1 + Below(4));
        break;
      case 3:  // splice a token
        s.insert(pos, kTokens[Below(kTokens.size())]);
        break;
      case 4: {  // replace a run of digits by a token
        const auto d = s.find_first_of("0123456789", pos);
        if (d == std::string::npos) break;
        const auto e = s.find_first_not_of("0123456789", d);
        s.replace(d, (e == std::string::npos ? s.size() : e) - d, kTokens[Below(kTokens.size())]);
        break;
      }
      case 5:  // duplicate a chunk
        if (!s.empty()) s.insert(pos, s.substr(Below(s.size()), 1 + Below(16)));
        break;
      default:  // truncate
        s.resize(pos);
    }
  }
  std::mt19937 rng_;
};

// The input as a C++ literal would show it, cut short, for failure messages.
std::string Show(const std::string& s) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < 160; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  if (s.size() > 160) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out + "\"";
}

bool IsValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xE  ? 3
                          : (c >> 3) == 0x1E ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string Repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

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

class HostileSessionTest : public ::testing::Test {
 protected:
  HostileSessionTest() : config(testing::TestConfig("/nonexistent")) {}
  Error Map(int status, Headers headers, std::string body = "") {
    Session s(config, transport, clock);
    HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return s.ErrorFor(r, "https://hub.test/org/m/resolve/main/f.bin",
                      {{"org/m", RepoType::kModel}, "main", "f.bin"});
  }
  ClientConfig config;
  ::testing::NiceMock<testing::MockTransport> transport;
  testing::FakeClock clock;
};

TEST_F(HostileSessionTest, RateLimitResetAndRetryAfterAreReadStrictly) {
  struct Case {
    std::string rate_limit, retry_after;
    int want;
  };
  const std::vector<Case> cases = {
      {"\"resolvers\";r=0;t=42", "", 42},
      {"\"r\";t=5;r=0", "", 5},
      {"\"r\";r=0;t=999999999", "", 999999999},
      {"\"r\";r=0;t=1000000000", "", -1},
      {"\"r\";r=0;t=-5", "", -1},
      {"\"r\";r=0;t=4294967338", "", -1},
      {"\"r\";r=0;t=99999999999999999999", "", -1},
      {"\"r\";r=0;t=", "", -1},
      {"\"r\";r=abc;t=5", "", -1},
      {"\"r\";r=1;t=5", "", -1},
      {"", "7", 7},
      {"", "99999999999999999999", -1},
      {"", "Fri, 31 Dec 9999 23:59:59 GMT", 999999999},
      {"", "Sun, 06 Nov 300000 08:49:37 GMT", -1},
  };
  for (const auto& c : cases) {
    Headers h;
    if (!c.rate_limit.empty()) h.Add("RateLimit", c.rate_limit);
    if (!c.retry_after.empty()) h.Add("Retry-After", c.retry_after);
    const Error e = Map(429, h);
    EXPECT_EQ(e.kind, Kind::kRateLimited);
    EXPECT_EQ(e.reply.retry_after_seconds, c.want)
        << Show(c.rate_limit) << " " << Show(c.retry_after);
  }
}

TEST_F(HostileSessionTest, RetryAfterInTheYear300000IsIgnoredNotOverflowed) {
  EXPECT_CALL(transport, Send(_))
      .Times(6)
      .WillRepeatedly(testing::Reply(503, {{"Retry-After", "Sun, 06 Nov 300000 08:49:37 GMT"}}));
  Session s(config, transport, clock);
  const auto res = s.SendWithRetry(s.NewRequest("GET", "https://hub.test/x"), RetryPolicy{});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(clock.sleeps, (std::vector<milliseconds>{seconds(1), seconds(2), seconds(4), seconds(8),
                                                     seconds(8)}));
}

TEST_F(HostileSessionTest, RetryAfterPastTheDeadlineGivesUpWithoutSleeping) {
  EXPECT_CALL(transport, Send(_))
      .Times(1)
      .WillRepeatedly(testing::Reply(503, {{"Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"}}));
  Session s(config, transport, clock);
  const auto res = s.SendWithRetry(s.NewRequest("GET", "https://hub.test/x"), RetryPolicy{});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST_F(HostileSessionTest, CdnXmlErrorTextIsCutAtACharacterBoundary) {
  // 1 + 2 * 150 bytes: byte 200 is in the middle of a two-byte character.
  const std::string text = "a" + Repeat("\xc3\xa9", 150);
  const Error e =
      Map(403, {}, "<Error><Code>AccessDenied</Code><Message>" + text + "</Message></Error>");
  EXPECT_TRUE(IsValidUtf8(e.reply.message)) << Show(e.reply.message);
  EXPECT_LE(e.reply.message.size(), std::string("AccessDenied: ").size() + 200);
  EXPECT_EQ(e.reply.message.rfind("AccessDenied: a\xc3\xa9", 0), 0u);
}

TEST_F(HostileSessionTest, MalformedXmlErrorDocumentsGiveNoText) {
  EXPECT_EQ(Map(403, {}, "<Error><Code>X").reply.message, "");
  EXPECT_EQ(Map(403, {}, "<Error></Code><Code>").reply.message, "");
  EXPECT_EQ(Map(403, {}, "<Error><Message></Message>").reply.message, "");
  EXPECT_EQ(Map(403, {}, Repeat("<Error><Code>", 100000)).reply.message, "");
}

TEST_F(HostileSessionTest, MutatedAnswersMapToAnErrorWithSaneFields) {
  Mutator m(500);
  const std::vector<std::string> rate = {"\"resolvers\";r=0;t=42", "\"api\";r=10;t=300"};
  const std::vector<std::string> retry = {"7", "Thu, 01 Jan 2026 00:00:30 GMT"};
  const std::vector<std::string> bodies = {
      "{\"error\":\"Repository not found\"}", "{\"error\":[\"a\",\"b\"]}",
      "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"};
  const int statuses[] = {401, 403, 404, 408, 429, 500, 503};
  for (int i = 0; i < kIterations; ++i) {
    const int status = statuses[m.Below(7)];
    const std::string body = m.Mutate(bodies);
    const Error e =
        Map(status, {{"RateLimit", m.Mutate(rate)}, {"Retry-After", m.Mutate(retry)}}, body);
    ASSERT_EQ(e.reply.status, status);
    ASSERT_GE(e.reply.retry_after_seconds, -1);
    ASSERT_LE(e.reply.retry_after_seconds, kMaxWaitSeconds);
    if (IsValidUtf8(body)) {
      ASSERT_TRUE(IsValidUtf8(e.reply.message)) << Show(body);
    }
    ASSERT_FALSE(e.Message().empty());
  }
}

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

// --- Token ---------------------------------------------------------------

TEST(HostileTokenTest, StripAndHintHandleOddInput) {
  EXPECT_EQ(StripWhitespace(""), "");
  EXPECT_EQ(StripWhitespace(" \t\r\n\v\f"), "");
  EXPECT_EQ(StripWhitespace("\0hf\0"s), "\0hf\0"s);
  EXPECT_EQ(StripWhitespace(" a b "), "a b");
  EXPECT_EQ(TokenHint(""), "");
  EXPECT_EQ(TokenHint("1234567"), "");
  EXPECT_EQ(TokenHint("12345678"), "5678");
  EXPECT_EQ(TokenHint(kMegabyte), "aaaa");
}

TEST(HostileTokenTest, TokenFilesAreStrippedAndOddOnesGiveNoToken) {
  testing::TempDir dir;
  const std::string file = dir.path() + "/token";
  auto read = [&](const std::string& path) {
    return ResolveToken(MapEnvironment({{"HF_TOKEN_PATH", path}}), {}).value;
  };
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {"hf_abc\n", "hf_abc"},   {"\r\n\t hf_abc \r\n", "hf_abc"},
      {"", std::nullopt},       {"\n\n \t", std::nullopt},
      {"hf_a\0b"s, "hf_a\0b"s}, {kMegabyte, std::nullopt},  // over 64 KiB: not a token file
  };
  for (const auto& [content, want] : cases) {
    testing::WriteFile(file, content);
    EXPECT_EQ(read(file), want) << Show(content);
  }
  EXPECT_EQ(read(dir.path()), std::nullopt);  // a directory
  EXPECT_EQ(read(dir.path() + "/missing"), std::nullopt);
}

TEST(HostileTokenTest, MutatedTokensAreStrippedOrAbsent) {
  testing::TempDir dir;
  Mutator m(8);
  const std::vector<std::string> samples = {"hf_abcdefghijklmnop", " hf_x\n"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string t = m.Mutate(samples);
    const auto r = ResolveToken(
        MapEnvironment({{"HF_TOKEN", t}, {"HF_TOKEN_PATH", dir.path() + "/none"}}), {});
    if (!r.value) continue;
    ASSERT_FALSE(r.value->empty());
    ASSERT_EQ(StripWhitespace(*r.value), *r.value) << Show(t);
  }
}

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

// --- Configuration from the environment ------------------------------------------

class HostileConfigTest : public ::testing::Test {
 protected:
  ClientConfig Resolve(std::map<std::string, std::string> vars) {
    vars["HF_TOKEN_PATH"] = dir.path() + "/none";
    vars["HF_HOME"] = dir.path();
    return ResolveConfig(MapEnvironment(std::move(vars)), {});
  }
  testing::TempDir dir;
  const ClientConfig defaults = ClientConfig{};
};

TEST_F(HostileConfigTest, OutOfRangeRetryKnobsKeepTheDefaults) {
  for (const std::string& v : {"9999999999999999999"s, "99999999999999999999"s, "-1"s, "1e3"s,
                               "nan"s, ""s, "86400001"s, "1152921504606846976"s}) {
    const ClientConfig c = Resolve({{"HUBGET_RETRY_BASE_MS", v}});
    EXPECT_EQ(c.retry.base_wait, defaults.retry.base_wait) << Show(v);
    EXPECT_EQ(c.retry.max_wait, defaults.retry.max_wait) << Show(v);
  }
  const ClientConfig day = Resolve({{"HUBGET_RETRY_BASE_MS", "86400000"}});
  EXPECT_EQ(day.retry.base_wait, milliseconds(86400000));
  EXPECT_EQ(day.retry.max_wait, milliseconds(8 * 86400000LL));
  for (const std::string& v : {"99999999999"s, "4294967301"s, "1001"s, "-1"s, "x"s}) {
    EXPECT_EQ(Resolve({{"HUBGET_MAX_RETRIES", v}}).retry.max_retries, defaults.retry.max_retries)
        << Show(v);
  }
  EXPECT_EQ(Resolve({{"HUBGET_MAX_RETRIES", "1000"}}).retry.max_retries, 1000);
}

TEST_F(HostileConfigTest, TimeoutsThatRoundToZeroBecomeOneMillisecond) {
  EXPECT_EQ(Resolve({{"HF_HUB_ETAG_TIMEOUT", "0.0001"}}).etag_timeout, milliseconds(1));
  EXPECT_EQ(Resolve({{"HF_HUB_DOWNLOAD_TIMEOUT", "1e-300"}}).idle_timeout, milliseconds(1));
  for (const std::string& v : {"nan"s, "inf"s, "1e400"s, "-5"s, "0"s, "86400.5"s, "10s"s}) {
    EXPECT_EQ(Resolve({{"HF_HUB_ETAG_TIMEOUT", v}}).etag_timeout, defaults.etag_timeout) << v;
  }
}

TEST_F(HostileConfigTest, MutatedEnvironmentsGiveBoundedSettings) {
  Mutator m(86400);
  const std::vector<std::string> numbers = {"5", "1000", "10", "0.5"};
  const std::vector<std::string> endpoints = {"https://hub.test/", "http://127.0.0.1:8080"};
  for (int i = 0; i < kIterations; ++i) {
    const ClientConfig c = Resolve({{"HUBGET_RETRY_BASE_MS", m.Mutate(numbers)},
                                    {"HUBGET_MAX_RETRIES", m.Mutate(numbers)},
                                    {"HF_HUB_ETAG_TIMEOUT", m.Mutate(numbers)},
                                    {"HF_HUB_DOWNLOAD_TIMEOUT", m.Mutate(numbers)},
                                    {"HF_ENDPOINT", m.Mutate(endpoints)}});
    ASSERT_TRUE(c.retry.max_retries >= 0 && c.retry.max_retries <= 1000);
    ASSERT_TRUE(c.retry.base_wait.count() >= 0 && c.retry.base_wait.count() <= 86400000);
    ASSERT_EQ(c.retry.max_wait, 8 * c.retry.base_wait);
    for (const auto t : {c.etag_timeout, c.idle_timeout}) {
      ASSERT_TRUE(t.count() >= 1 && t.count() <= 86400000) << t.count();
    }
    ASSERT_TRUE(c.endpoint.empty() || c.endpoint.back() != '/');
    for (int retry = 1; retry <= 8; ++retry) {
      const milliseconds wait = BackoffDelay(c.retry, retry);
      ASSERT_TRUE(wait.count() >= 0 && wait <= c.retry.max_wait);
    }
  }
}

}  // namespace
}  // namespace hubget
