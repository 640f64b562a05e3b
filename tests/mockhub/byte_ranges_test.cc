// Range, If-Range and Content-Disposition (byte_ranges.h), the one place
// every site that serves bytes decides what a range means.
#include "mockhub/http/byte_ranges.h"

#include <gtest/gtest.h>

namespace mockhub {
namespace {

constexpr std::uint64_t kSize = 1000;
const std::string kEtag = "\"0123abcd\"";
const std::string kLastModified = "Thu, 01 Jan 2026 00:00:00 GMT";

HttpRequest WithHeaders(const HeaderList& headers) { return HttpRequest{"GET", "/f", headers, ""}; }

ByteRange Decide(const std::string& range, std::uint64_t size = kSize) {
  return DecideRange(WithHeaders({{"Range", range}}), size, {kEtag, kLastModified});
}

// A 200 answer streaming `size` bytes of content, as sites build it.
HttpResponse WholeBody(std::uint64_t size = kSize) {
  HttpResponse res;
  res.content = Content::Synthetic(size, 1);
  res.content_length = size;
  res.Set("ETag", kEtag);
  return res;
}

::testing::AssertionResult IsRange(const ByteRange& r, std::uint64_t first, std::uint64_t last) {
  if (r.kind != ByteRange::Kind::kSatisfiable)
    return ::testing::AssertionFailure()
           << "not satisfiable (kind " << static_cast<int>(r.kind) << ")";
  if (r.first != first || r.last != last)
    return ::testing::AssertionFailure() << "range " << r.first << "-" << r.last;
  return ::testing::AssertionSuccess();
}

// --- DecideRange --------------------------------------------------------------

TEST(DecideRange, NoRangeHeaderMeansTheWholeBody) {
  EXPECT_EQ(DecideRange(WithHeaders({}), kSize, {kEtag}).kind, ByteRange::Kind::kNone);
}

TEST(DecideRange, FirstToLastIsThoseBytesInclusive) {
  EXPECT_TRUE(IsRange(Decide("bytes=0-99"), 0, 99));
  EXPECT_TRUE(IsRange(Decide("bytes=999-999"), 999, 999));
}

TEST(DecideRange, OpenEndedRangeRunsToTheLastByte) {
  EXPECT_TRUE(IsRange(Decide("bytes=500-"), 500, 999));
  EXPECT_TRUE(IsRange(Decide("bytes=0-"), 0, 999));
}

TEST(DecideRange, SuffixRangeIsTheLastNBytes) {
  EXPECT_TRUE(IsRange(Decide("bytes=-100"), 900, 999));
}

TEST(DecideRange, SuffixLongerThanTheBodyIsTheWholeBody) {
  EXPECT_TRUE(IsRange(Decide("bytes=-5000"), 0, 999));
}

TEST(DecideRange, LastBeyondTheEndIsClampedToTheLastByte) {
  EXPECT_TRUE(IsRange(Decide("bytes=990-5000"), 990, 999));
}

TEST(DecideRange, FirstAtOrBeyondTheEndIsUnsatisfiable) {
  EXPECT_EQ(Decide("bytes=1000-").kind, ByteRange::Kind::kUnsatisfiable);
  EXPECT_EQ(Decide("bytes=1000-2000").kind, ByteRange::Kind::kUnsatisfiable);
  EXPECT_EQ(Decide("bytes=5000-").kind, ByteRange::Kind::kUnsatisfiable);
}

TEST(DecideRange, ZeroLengthSuffixIsUnsatisfiable) {
  EXPECT_EQ(Decide("bytes=-0").kind, ByteRange::Kind::kUnsatisfiable);
}

TEST(DecideRange, AnyRangeOfAnEmptyBodyIsUnsatisfiable) {
  for (const char* range : {"bytes=0-", "bytes=0-0", "bytes=-1"})
    EXPECT_EQ(Decide(range, 0).kind, ByteRange::Kind::kUnsatisfiable) << range;
}

TEST(DecideRange, SpacesAroundThePartsAreIgnored) {
  EXPECT_TRUE(IsRange(Decide("  bytes= 10 - 19 "), 10, 19));
}

TEST(DecideRange, MalformedHeadersMeanTheWholeBody) {
  for (const char* range :
       {"bytes=abc", "bytes=", "bytes=-", "0-99", "items=0-99", "bytes 0-99", "bytes=5-2",
        "bytes=1-2-3", "bytes=+1-2", "bytes=0x10-", "bytes=99999999999999999999-"}) {
    EXPECT_EQ(Decide(range).kind, ByteRange::Kind::kNone) << range;
  }
}

TEST(DecideRange, MultipleRangesMeanTheWholeBody) {
  // RFC 9110 allows ignoring a multi-range request; S3 does, and so do we.
  for (const char* range : {"bytes=0-1,5-6", "bytes=0-1, 5-6", "bytes=-1,0-", "bytes=0-99,"})
    EXPECT_EQ(Decide(range).kind, ByteRange::Kind::kNone) << range;
}

TEST(DecideRange, IfRangeMatchingTheEtagKeepsTheRange) {
  HttpRequest req = WithHeaders({{"Range", "bytes=10-"}, {"If-Range", kEtag}});
  EXPECT_TRUE(IsRange(DecideRange(req, kSize, {kEtag, kLastModified}), 10, 999));
}

TEST(DecideRange, IfRangeMatchingAnyValidatorKeepsTheRange) {
  HttpRequest req = WithHeaders({{"Range", "bytes=10-"}, {"If-Range", kLastModified}});
  EXPECT_TRUE(IsRange(DecideRange(req, kSize, {kEtag, kLastModified}), 10, 999));
}

TEST(DecideRange, IfRangeMatchingNoValidatorMeansTheWholeCurrentBody) {
  for (const std::string& stale :
       {std::string("\"something-else\""), "W/" + kEtag, std::string("0123abcd"),
        std::string("Fri, 02 Jan 2026 00:00:00 GMT")}) {
    HttpRequest req = WithHeaders({{"Range", "bytes=10-"}, {"If-Range", stale}});
    EXPECT_EQ(DecideRange(req, kSize, {kEtag, kLastModified}).kind, ByteRange::Kind::kNone)
        << stale;
  }
}

TEST(DecideRange, IfRangeThatMatchesNothingAlsoSparesAnUnsatisfiableRange) {
  HttpRequest req = WithHeaders({{"Range", "bytes=5000-"}, {"If-Range", "\"old\""}});
  EXPECT_EQ(DecideRange(req, kSize, {kEtag}).kind, ByteRange::Kind::kNone);
}

TEST(DecideRange, IfRangeWithoutRangeChangesNothing) {
  HttpRequest req = WithHeaders({{"If-Range", kEtag}});
  EXPECT_EQ(DecideRange(req, kSize, {kEtag}).kind, ByteRange::Kind::kNone);
}

TEST(DecideRange, HeaderNamesAreCaseInsensitive) {
  HttpRequest req = WithHeaders({{"range", "bytes=1-2"}, {"if-range", kEtag}});
  EXPECT_TRUE(IsRange(DecideRange(req, kSize, {kEtag}), 1, 2));
}

// --- ApplyRange -----------------------------------------------------------------

TEST(ApplyRange, SatisfiableRangeIs206WithTheSliceAndAnExactContentRange) {
  HttpResponse res = WholeBody();
  ApplyRange(Decide("bytes=100-199"), kSize, res);
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(res.content_offset, 100u);
  EXPECT_EQ(res.content_length, 100u);
  EXPECT_EQ(res.Get("Content-Range"), "bytes 100-199/1000");
  ASSERT_TRUE(res.content);
  EXPECT_EQ(res.BodyLength(), 100u);
}

TEST(ApplyRange, SuffixRangeNamesItsAbsoluteBytes) {
  HttpResponse res = WholeBody();
  ApplyRange(Decide("bytes=-1"), kSize, res);
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(res.content_offset, 999u);
  EXPECT_EQ(res.content_length, 1u);
  EXPECT_EQ(res.Get("Content-Range"), "bytes 999-999/1000");
}

TEST(ApplyRange, BeyondTheEndIs416WithoutContentAndContentRangeStarSize) {
  HttpResponse res = WholeBody();
  ApplyRange(Decide("bytes=1000-"), kSize, res);
  EXPECT_EQ(res.status, 416);
  EXPECT_FALSE(res.content);
  EXPECT_EQ(res.content_length, 0u);
  EXPECT_EQ(res.BodyLength(), 0u);
  EXPECT_EQ(res.Get("Content-Range"), "bytes */1000");
}

TEST(ApplyRange, NoRangeLeavesTheAnswerAlone) {
  for (const char* range : {"bytes=0-1,5-6", "bytes=abc"}) {
    HttpResponse res = WholeBody();
    ApplyRange(Decide(range), kSize, res);
    EXPECT_EQ(res.status, 200) << range;
    EXPECT_EQ(res.content_offset, 0u) << range;
    EXPECT_EQ(res.content_length, kSize) << range;
    EXPECT_FALSE(res.Has("Content-Range")) << range;
  }
}

TEST(ApplyRange, ReplacesAContentRangeAlreadySet) {
  HttpResponse res = WholeBody();
  res.Set("Content-Range", "bytes 0-0/1");
  ApplyRange(Decide("bytes=1-2"), kSize, res);
  EXPECT_EQ(res.Get("Content-Range"), "bytes 1-2/1000");
  int n = 0;
  for (const auto& h : res.headers) n += HeaderNameEquals(h.first, "Content-Range") ? 1 : 0;
  EXPECT_EQ(n, 1);
}

// --- ContentDisposition, Basename ---------------------------------------------------

TEST(ContentDisposition, GivesTheEncodedAndTheQuotedNameAsTheHubDoes) {
  EXPECT_EQ(ContentDisposition("model.safetensors"),
            "inline; filename*=UTF-8''model.safetensors; filename=\"model.safetensors\";");
}

TEST(ContentDisposition, PercentEncodesSpacesAndReservedCharactersInFilenameStar) {
  EXPECT_EQ(ContentDisposition("my file;v=2.bin"),
            "inline; filename*=UTF-8''my%20file%3Bv%3D2.bin; filename=\"my file;v=2.bin\";");
}

TEST(ContentDisposition, PercentEncodesNonAsciiAsUtf8BytesInFilenameStar) {
  const std::string name = "mod\xc3\xa8le-\xe6\xa8\xa1\xe5\x9e\x8b.bin";  // "modèle-模型.bin"
  const std::string cd = ContentDisposition(name);
  EXPECT_EQ(cd.substr(0, cd.find(';', 8)),
            "inline; filename*=UTF-8''mod%C3%A8le-%E6%A8%A1%E5%9E%8B.bin");
}

TEST(ContentDisposition, KeepsTheUnreservedCharactersOfPythonsQuote) {
  EXPECT_EQ(ContentDisposition("a-b_c.d~e"),
            "inline; filename*=UTF-8''a-b_c.d~e; filename=\"a-b_c.d~e\";");
}

TEST(ContentDisposition, EscapesQuotesAndBackslashesInTheQuotedName) {
  EXPECT_EQ(ContentDisposition("a\"b\\c.bin"),
            "inline; filename*=UTF-8''a%22b%5Cc.bin; filename=\"a\\\"b\\\\c.bin\";");
}

TEST(ContentDisposition, NeverCarriesAControlCharacter) {
  const std::string cd = ContentDisposition("x\r\nSet-Cookie: y");
  EXPECT_EQ(cd.find('\r'), std::string::npos) << cd;
  EXPECT_EQ(cd.find('\n'), std::string::npos) << cd;
  EXPECT_NE(cd.find("filename=\"x__Set-Cookie: y\""), std::string::npos) << cd;
}

TEST(Basename, IsTheLastSegmentOfARepoPath) {
  EXPECT_EQ(Basename("a/b/c.bin"), "c.bin");
  EXPECT_EQ(Basename("c.bin"), "c.bin");
  EXPECT_EQ(Basename(".gitattributes"), ".gitattributes");
  EXPECT_EQ(Basename("dir/"), "");
  EXPECT_EQ(Basename(""), "");
}

}  // namespace
}  // namespace mockhub
