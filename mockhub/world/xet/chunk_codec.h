// Xet chunks as a xorb serves them (xet-protocol.md §5): an 8-byte header
// (version 0, 3-byte little-endian compressed length, scheme byte, 3-byte
// uncompressed length) and the payload: raw (scheme 0), an LZ4 frame (1), or
// the bytes regrouped by position mod 4 (BG4) and then LZ4-framed (2). The
// only file that includes lz4frame.h is chunk_codec.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mockhub/world/world.h"

namespace mockhub::xet {

inline constexpr std::size_t kChunkHeaderSize = 8;
inline constexpr std::size_t kMaxChunkSize = std::size_t{128} * 1024;

enum class Scheme : std::uint8_t { kNone = 0, kLz4 = 1, kBg4Lz4 = 2 };

// One serialized chunk of `data` (at most kMaxChunkSize bytes). kAuto keeps
// the smallest of LZ4 and BG4 where it shrinks the chunk, else raw. With
// `compressible` false (synthetic bytes, uniformly random by construction)
// nothing is tried: auto stores raw, and lz4 / bg4 write the LZ4 frame of
// uncompressed blocks that liblz4 itself writes for incompressible input
// (tests/mockhub/xet_test.cc checks they are byte for byte the same), whose
// size is arithmetic.
std::string EncodeChunk(std::string_view data, XetCompression compression, bool compressible);

// The serialized size EncodeChunk gives `n` bytes, when it is known without
// encoding (raw chunks, incompressible ones); 0 when it takes encoding.
std::size_t EncodedSizeWithoutEncoding(std::size_t n, XetCompression compression,
                                       bool compressible);

// BG4: byte i goes to group i % 4; the groups are concatenated.
std::string Bg4Split(std::string_view data);

// For tests and the bench: the inverse of EncodeChunk. Returns false (with
// `why`) on a malformed chunk.
bool DecodeChunk(std::string_view chunk, std::string& out, std::string& why);

}  // namespace mockhub::xet
