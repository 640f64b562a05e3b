// The Xet chunk format without sockets: headers, BG4 regrouping for every
// n % 4, LZ4 frames made by liblz4, and the term decoder's trimming, length
// checks and messages for each kind of damage (xet-protocol.md §5).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "xet/xet_chunks.h"
#include "xet/xet_lz4.h"
#include "xet_fixtures.h"

namespace hubget {
namespace {

using testing::EncodeChunk;
using ::testing::HasSubstr;
using testing::TextLike;

// Decodes `range` for the term [first, end) of a range starting at chunk
// `range_first`, keeping `take` bytes after `skip`.
struct Decoded {
  Status status = OkStatus();
  std::string bytes;
};
Decoded DecodeTerm(const std::string& range, std::uint64_t range_first, std::uint64_t first,
                   std::uint64_t end, std::uint64_t unpacked, std::uint64_t skip = 0,
                   std::uint64_t take = ~0ull, std::size_t piece = 5) {
  Decoded out;
  TermSlice slice{
      "xorb0", range_first, first, end, unpacked, skip, take == ~0ull ? unpacked - skip : take};
  TermDecoder decoder(slice, [&](const char* d, std::size_t n) {
    out.bytes.append(d, n);
    return OkStatus();
  });
  for (std::size_t i = 0; i < range.size() && out.status.ok(); i += piece) {
    out.status = decoder.Feed(range.data() + i, std::min(piece, range.size() - i));
  }
  if (out.status.ok()) out.status = decoder.Finish();
  return out;
}

TEST(XetChunkHeaderTest, ReadsLittleEndianThreeByteLengths) {
  const std::string h = testing::ChunkHeaderBytes(0, 0x030201, 2, 0x0a0b0c);
  const ChunkHeader parsed = ParseChunkHeader(reinterpret_cast<const unsigned char*>(h.data()));
  EXPECT_EQ(parsed.version, 0u);
  EXPECT_EQ(parsed.compressed_length, 0x030201u);
  EXPECT_EQ(parsed.scheme, 2u);
  EXPECT_EQ(parsed.uncompressed_length, 0x0a0b0cu);
}

TEST(XetChunkHeaderTest, NamesWhatCannotBeDecoded) {
  EXPECT_EQ(ChunkHeaderProblem({1, 10, 0, 10}), "unsupported chunk version 1");
  EXPECT_EQ(ChunkHeaderProblem({0, 10, 177, 10}), "unsupported compression scheme 177");
  EXPECT_THAT(ChunkHeaderProblem({0, 10, 1, (128u << 10) + 1}), HasSubstr("131072-byte limit"));
  EXPECT_THAT(ChunkHeaderProblem({0, 9, 0, 10}), HasSubstr("lengths disagree"));
  EXPECT_EQ(ChunkHeaderProblem({0, 10, 1, 100}), "");
}

class Bg4Test : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Bg4Test, RegroupUndoesTheSplit) {
  const std::string data = TextLike(GetParam(), 7);
  const std::string grouped = testing::Bg4Split(data);
  if (data.size() > 4) {
    ASSERT_NE(grouped, data);  // four bytes are their own groups
  }
  std::string out(data.size(), '\0');
  Bg4Regroup(grouped.data(), grouped.size(), out.data());
  EXPECT_EQ(out, data);
}

// n % 4 = 0, 1, 2, 3, and the smallest sizes.
INSTANTIATE_TEST_SUITE_P(Sizes, Bg4Test, ::testing::Values(4, 5, 6, 7, 4096, 4097, 4098, 4099));

TEST(Bg4Test, GroupSizesFollowTheRemainder) {
  // "abcdefg": groups a e | b f | c g | d (sizes 2, 2, 2, 1).
  char out[7];
  Bg4Regroup("aebfcgd", 7, out);
  EXPECT_EQ(std::string(out, 7), "abcdefg");
}

TEST(XetLz4Test, DecodesAFrameFromLiblz4) {
  const std::string data = TextLike(65536, 1);
  const std::string frame = testing::Lz4Frame(data);
  ASSERT_LT(frame.size(), data.size());
  std::string out(data.size(), '\0');
  Lz4FrameDecoder lz4;
  ASSERT_TRUE(lz4.Decode(frame.data(), frame.size(), out.data(), out.size()).ok());
  EXPECT_EQ(out, data);
}

TEST(XetLz4Test, DecodesAFrameWithAContentSizeAndNoChecksum) {
  const std::string data = TextLike(1000, 2);
  const std::string frame = testing::Lz4Frame(data, false, true);
  std::string out(data.size(), '\0');
  Lz4FrameDecoder lz4;
  ASSERT_TRUE(lz4.Decode(frame.data(), frame.size(), out.data(), out.size()).ok());
  EXPECT_EQ(out, data);
}

TEST(XetLz4Test, RefusesWrongSizesBadChecksumsAndTrailingBytes) {
  const std::string data = TextLike(5000, 3);
  const std::string frame = testing::Lz4Frame(data);
  Lz4FrameDecoder lz4;
  std::string out(data.size() + 1, '\0');
  auto longer = lz4.Decode(frame.data(), frame.size(), out.data(), data.size() + 1);
  ASSERT_FALSE(longer.ok());
  EXPECT_THAT(longer.error().detail, HasSubstr("decodes to 5000 bytes"));
  auto shorter = lz4.Decode(frame.data(), frame.size(), out.data(), data.size() - 1);
  ASSERT_FALSE(shorter.ok());
  EXPECT_THAT(shorter.error().detail, HasSubstr("more than the 4999 bytes"));
  std::string damaged = frame;
  damaged[damaged.size() - 2] ^= 0x55;  // the content checksum
  EXPECT_FALSE(lz4.Decode(damaged.data(), damaged.size(), out.data(), data.size()).ok());
  const std::string trailing = frame + "x";
  auto extra = lz4.Decode(trailing.data(), trailing.size(), out.data(), data.size());
  ASSERT_FALSE(extra.ok());
  EXPECT_THAT(extra.error().detail, HasSubstr("follow the LZ4 frame"));
  auto cut = lz4.Decode(frame.data(), frame.size() - 6, out.data(), data.size());
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().kind, Kind::kIntegrity);
  const std::string garbage = "not a frame at all";
  EXPECT_FALSE(lz4.Decode(garbage.data(), garbage.size(), out.data(), data.size()).ok());
}

TEST(XetTermDecoderTest, DecodesEverySchemeInOneRange) {
  const std::string a = TextLike(3000, 1), b = TextLike(2500, 2), c = TextLike(1001, 3);
  const std::string range = EncodeChunk(a, 0) + EncodeChunk(b, 1) + EncodeChunk(c, 2);
  for (const std::size_t piece :
       {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{100000}}) {
    const Decoded d = DecodeTerm(range, 0, 0, 3, a.size() + b.size() + c.size(), 0, ~0ull, piece);
    ASSERT_TRUE(d.status.ok()) << d.status.error().detail;
    EXPECT_EQ(d.bytes, a + b + c) << "pieces of " << piece;
  }
}

TEST(XetTermDecoderTest, KeepsOnlyTheTermsChunksAndTheWantedBytes) {
  const std::string a = TextLike(1000, 1), b = TextLike(1000, 2), c = TextLike(1000, 3);
  // The range holds chunks 4-6 of the xorb; the term is chunks 5-6.
  const std::string range = EncodeChunk(a, 1) + EncodeChunk(b, 2) + EncodeChunk(c, 0);
  const Decoded d = DecodeTerm(range, 4, 5, 7, 2000, 1500, 300);
  ASSERT_TRUE(d.status.ok()) << d.status.error().detail;
  EXPECT_EQ(d.bytes, c.substr(500, 300));
}

TEST(XetTermDecoderTest, IgnoresChunksAfterTheTerm) {
  const std::string a = TextLike(1000, 1);
  const std::string range = EncodeChunk(a, 0) + "garbage that is never parsed";
  const Decoded d = DecodeTerm(range, 0, 0, 1, 1000);
  ASSERT_TRUE(d.status.ok()) << d.status.error().detail;
  EXPECT_EQ(d.bytes, a);
}

TEST(XetTermDecoderTest, UnsupportedSchemeNamesTheChunkAndTheXorb) {
  std::string range = EncodeChunk(TextLike(100, 1), 0) + EncodeChunk(TextLike(100, 2), 1);
  range[108 + 4] = static_cast<char>(177);
  const Decoded d = DecodeTerm(range, 3, 3, 5, 200);
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.error().kind, Kind::kIntegrity);
  EXPECT_EQ(d.status.error().detail, "chunk 4 of xorb xorb0: unsupported compression scheme 177");
}

TEST(XetTermDecoderTest, UnsupportedVersionIsAnIntegrityError) {
  std::string range = EncodeChunk(TextLike(100, 1), 0);
  range[0] = 1;
  const Decoded d = DecodeTerm(range, 0, 0, 1, 100);
  ASSERT_FALSE(d.status.ok());
  EXPECT_EQ(d.status.error().detail, "chunk 0 of xorb xorb0: unsupported chunk version 1");
}

TEST(XetTermDecoderTest, TruncatedHeaderAndPayloadSayWhereTheRangeEnded) {
  const std::string one = EncodeChunk(TextLike(100, 1), 0);
  const std::string two = EncodeChunk(TextLike(100, 2), 1);
  const Decoded header = DecodeTerm(one + two.substr(0, 5), 0, 0, 2, 200);
  ASSERT_FALSE(header.status.ok());
  EXPECT_THAT(header.status.error().detail,
              HasSubstr("ended inside the header of chunk 1 of xorb xorb0 (5 of 8 bytes)"));
  const Decoded payload = DecodeTerm(one + two.substr(0, 12), 0, 0, 2, 200);
  ASSERT_FALSE(payload.status.ok());
  EXPECT_THAT(payload.status.error().detail, HasSubstr("ended inside chunk 1 of xorb xorb0 (4 of"));
  const Decoded boundary = DecodeTerm(one, 0, 0, 2, 200);
  ASSERT_FALSE(boundary.status.ok());
  EXPECT_THAT(boundary.status.error().detail, HasSubstr("ended before chunk 1"));
}

TEST(XetTermDecoderTest, ATermOfTheWrongLengthNamesExpectedAndGot) {
  const std::string range = EncodeChunk(TextLike(100, 1), 2) + EncodeChunk(TextLike(50, 2), 0);
  const Decoded shorter = DecodeTerm(range, 0, 0, 2, 151);
  ASSERT_FALSE(shorter.status.ok());
  EXPECT_EQ(shorter.status.error().kind, Kind::kIntegrity);
  EXPECT_THAT(shorter.status.error().detail,
              HasSubstr("decoded to 150 bytes, expected its unpacked_length 151"));
  const Decoded longer = DecodeTerm(range, 0, 0, 2, 120);
  ASSERT_FALSE(longer.status.ok());
  EXPECT_THAT(longer.status.error().detail,
              HasSubstr("decodes to more than its unpacked_length 120"));
  // Nothing past the declared length reached the file.
  EXPECT_EQ(longer.bytes.size(), 100u);
}

TEST(XetTermDecoderTest, ADamagedLz4PayloadNamesTheChunk) {
  std::string range = EncodeChunk(TextLike(4000, 1), 1);
  range[20] ^= 0x7f;
  const Decoded d = DecodeTerm(range, 9, 9, 10, 4000);
  ASSERT_FALSE(d.status.ok());
  EXPECT_THAT(d.status.error().detail, HasSubstr("chunk 9 of xorb xorb0: "));
}

TEST(XetTermDecoderTest, AnEmitErrorStopsTheDecoder) {
  const std::string range = EncodeChunk(TextLike(100, 1), 0) + EncodeChunk(TextLike(100, 2), 0);
  int calls = 0;
  TermDecoder decoder({"x", 0, 0, 2, 200, 0, 200}, [&](const char*, std::size_t) {
    ++calls;
    return Status(MakeError(Kind::kIo, "disk full"));
  });
  auto s = decoder.Feed(range.data(), range.size());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, Kind::kIo);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace hubget
