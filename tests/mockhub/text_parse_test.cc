// The mock's one decimal parser, one trim and one Range parser
// (text_parse.h, byte_ranges.h), with the syntax each site has always
// accepted: RFC 9110 whitespace for hub files and CDN objects, spaces
// before specs for xorbs, nothing loose (but u64::MAX) for the CAS.
#include "mockhub/base/text_parse.h"

#include <gtest/gtest.h>

#include <string>

#include "mockhub/http/byte_ranges.h"

namespace mockhub {
namespace {

TEST(TextParseTest, ParseDigitsTakesBoundedDigitsThatFitInSixtyFourBits) {
  EXPECT_EQ(ParseDigits("0", 19), 0u);
  EXPECT_EQ(ParseDigits("007", 3), 7u);
  EXPECT_EQ(ParseDigits("1234", 3), std::nullopt);
  EXPECT_EQ(ParseDigits("", 19), std::nullopt);
  EXPECT_EQ(ParseDigits("-1", 19), std::nullopt);
  EXPECT_EQ(ParseDigits("+1", 19), std::nullopt);
  EXPECT_EQ(ParseDigits(" 1", 19), std::nullopt);
  EXPECT_EQ(ParseDigits("1a", 19), std::nullopt);
  EXPECT_EQ(ParseDigits("18446744073709551615", 20), UINT64_MAX);
  EXPECT_EQ(ParseDigits("18446744073709551616", 20), std::nullopt);
  EXPECT_EQ(ParseDigits("99999999999999999999", 20), std::nullopt);
}

TEST(TextParseTest, TrimStripsTheGivenCharactersAtBothEndsOrTheStart) {
  EXPECT_EQ(Trim(" \t a b \t "), "a b");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim("\r\nx\n", " \t\r\n"), "x");
  EXPECT_EQ(Trim("\nx\n"), "\nx\n");
  EXPECT_EQ(TrimStart("  x  ", " "), "x  ");
}

// The specs as "a-b,-n,a-", or "none".
std::string Specs(const std::string& header, RangeSyntax syntax) {
  const auto specs = ParseRangeSpecs(header, syntax);
  if (!specs) return "none";
  std::string out;
  for (const RangeSpec& s : *specs) {
    if (!out.empty()) out += ",";
    out +=
        (s.first ? std::to_string(*s.first) : "") + "-" + (s.last ? std::to_string(*s.last) : "");
  }
  return out;
}

// Each site's syntax: hub files and CDN objects allow whitespace around
// every part, xorbs spaces before each spec only, the CAS no blank at all but
// twenty digits.
TEST(RangeSpecsTest, EachSiteKeepsTheSyntaxItAlwaysAccepted) {
  struct Row {
    const char* header;
    RangeSyntax syntax;
    const char* specs;
  };
  const Row kRows[] = {
      {" bytes= 0 - 5 \t", kRangeSyntaxOws, "0-5"},
      {"bytes=-5", kRangeSyntaxOws, "-5"},
      {"bytes=5-", kRangeSyntaxOws, "5-"},
      {"bytes=0-1, 4-5", kRangeSyntaxOws, "0-1,4-5"},
      {"bytes=-", kRangeSyntaxOws, "none"},
      {"bytes=0-1,", kRangeSyntaxOws, "none"},
      {"bytes=a-1", kRangeSyntaxOws, "none"},
      {"bytes=1 2-3", kRangeSyntaxOws, "none"},
      {"items=0-1", kRangeSyntaxOws, "none"},
      {"bytes=0-18446744073709551615", kRangeSyntaxOws, "none"},
      {"bytes=0-5, 7-9", kRangeSyntaxXorbs, "0-5,7-9"},
      {"bytes= 0-5", kRangeSyntaxXorbs, "0-5"},
      {"bytes=0-5 ,7-9", kRangeSyntaxXorbs, "none"},
      {"bytes=\t0-5", kRangeSyntaxXorbs, "none"},
      {" bytes=0-5", kRangeSyntaxXorbs, "none"},
      {"bytes=0-18446744073709551615", kRangeSyntaxCas, "0-18446744073709551615"},
      {"bytes=0-18446744073709551616", kRangeSyntaxCas, "none"},
      {"bytes= 0-5", kRangeSyntaxCas, "none"},
      {"bytes=0-5 ", kRangeSyntaxCas, "none"},
  };
  for (const Row& row : kRows) {
    EXPECT_EQ(Specs(row.header, row.syntax), row.specs)
        << "\"" << row.header << "\" with blanks " << static_cast<int>(row.syntax.blanks);
  }
}

TEST(RangeSpecsTest, ParseRangeServesWholeBodiesForMultiRangesAndClampsTheLast) {
  EXPECT_EQ(ParseRange("bytes=0-1,4-5", 10).kind, ByteRange::Kind::kNone);
  const ByteRange r = ParseRange("bytes=8-100", 10);
  EXPECT_EQ(r.kind, ByteRange::Kind::kSatisfiable);
  EXPECT_EQ(r.first, 8u);
  EXPECT_EQ(r.last, 9u);
  EXPECT_EQ(ParseRange("bytes=-0", 10).kind, ByteRange::Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=10-", 10).kind, ByteRange::Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=5-4", 10).kind, ByteRange::Kind::kNone);
}

}  // namespace
}  // namespace mockhub
