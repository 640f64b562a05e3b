// The Xet chunk stream (xet-protocol.md §5): a xorb byte range is a run of
// chunks, each an 8-byte header (version 0, 3-byte little-endian compressed
// length, compression scheme, 3-byte uncompressed length) and its payload:
// raw (scheme 0), one LZ4 frame (1), or one LZ4 frame of the byte-grouped
// data (2, BG4). A TermDecoder walks the range as the bytes arrive and emits
// the decoded bytes of one reconstruction term, trimmed to what the file
// needs, checking every header and the term's unpacked_length on the way;
// it holds at most one chunk (≤ 256 KiB compressed, ≤ 128 KiB decoded),
// whatever the range's size. Every error is an integrity error naming the
// chunk and the xorb. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "hubget/result.h"
#include "xet/xet_lz4.h"

namespace hubget {

inline constexpr std::size_t kChunkHeaderSize = 8;
inline constexpr std::uint32_t kMaxChunkDecoded = 128u << 10;  // hf_xet refuses larger
inline constexpr std::uint32_t kMaxChunkPayload = 256u << 10;

enum ChunkScheme : unsigned { kSchemeNone = 0, kSchemeLz4 = 1, kSchemeBg4Lz4 = 2 };

struct ChunkHeader {
  unsigned version = 0;
  std::uint32_t compressed_length = 0;
  unsigned scheme = 0;
  std::uint32_t uncompressed_length = 0;
};

ChunkHeader ParseChunkHeader(const unsigned char* bytes);

// Why a header cannot be decoded ("unsupported compression scheme 177"),
// or "" when it can.
std::string ChunkHeaderProblem(const ChunkHeader& h);

// BG4: `n` bytes stored as four groups (group g holds the bytes at
// positions ≡ g mod 4, sizes n/4 + (n%4 > g)) back into their order.
void Bg4Regroup(const char* grouped, std::size_t n, char* out);

// Decodes one chunk's payload into `out` (its uncompressed length). An
// integrity error with the reason; `scratch` is reused between calls.
Status DecodeChunkPayload(const ChunkHeader& h, const char* payload, Lz4FrameDecoder& lz4,
                          std::string& scratch, std::string* out);

// One reconstruction term as the fetched byte range carries it.
struct TermSlice {
  std::string xorb;               // its hash, for messages
  std::uint64_t range_first = 0;  // chunk index the fetched byte range starts at
  std::uint64_t first = 0;        // the term's chunks: [first, end)
  std::uint64_t end = 0;
  std::uint64_t unpacked = 0;  // their decoded length (unpacked_length)
  std::uint64_t skip = 0;      // decoded bytes of the term to drop at its front
  std::uint64_t take = 0;      // bytes to emit after those
};

// Receives the term's kept bytes in order; an error stops the decoder.
using EmitBytes = std::function<Status(const char* data, std::size_t n)>;

class TermDecoder {
 public:
  TermDecoder(TermSlice slice, EmitBytes emit);

  // The next bytes of the fetched range. Bytes after the term's last
  // chunk are ignored.
  Status Feed(const char* data, std::size_t n);
  // The range's body ended: an error unless every chunk of the term came.
  Status Finish() const;
  bool complete() const { return index_ >= slice_.end; }

 private:
  Status StartChunk();                   // header_ complete
  Status EndChunk(const char* payload);  // the payload is whole
  Status EmitDecoded(const char* data, std::size_t n);
  Error Fail(const std::string& why) const;

  TermSlice slice_;
  EmitBytes emit_;
  Lz4FrameDecoder lz4_;
  std::uint64_t index_;  // the chunk being read
  unsigned char header_[kChunkHeaderSize] = {};
  std::size_t header_have_ = 0;
  ChunkHeader current_;
  bool in_payload_ = false;
  std::size_t payload_have_ = 0;
  std::string payload_;  // a payload that arrived in pieces
  std::string decoded_;
  std::string scratch_;
  std::uint64_t term_pos_ = 0;  // decoded bytes of the term so far
};

}  // namespace hubget
