// See chunk_codec.h.
#include "mockhub/world/xet/chunk_codec.h"

#include <lz4frame.h>

#include <algorithm>
#include <vector>

namespace mockhub::xet {
namespace {

void Put24(std::string& out, std::size_t v) {
  for (int i = 0; i < 3; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::size_t Get24(std::string_view s, std::size_t at) {
  std::size_t v = 0;
  for (std::size_t i = 0; i < 3; ++i)
    v |= static_cast<std::size_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

std::string Header(std::size_t compressed, Scheme scheme, std::size_t uncompressed) {
  std::string h;
  h.push_back(0);  // version
  Put24(h, compressed);
  h.push_back(static_cast<char>(scheme));
  Put24(h, uncompressed);
  return h;
}

// An LZ4 frame with the library's defaults (64 KiB blocks, no checksums, no
// dictionary), as lz4_flex's FrameEncoder writes it.
std::string Lz4Frame(std::string_view data) {
  std::string out(LZ4F_compressFrameBound(data.size(), nullptr), '\0');
  const std::size_t n =
      LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), nullptr);
  if (LZ4F_isError(n)) return {};
  out.resize(n);
  return out;
}

// LZ4 frames of uncompressed blocks (LZ4 frame format: a block size with its
// high bit set means the block is stored as is), with the frame header that
// liblz4 writes for the default preferences: 64 KiB blocks, no checksums.
constexpr std::size_t kLz4BlockSize = std::size_t{64} * 1024;

// liblz4 marks a frame that fits one block as having independent blocks and a
// longer one as linked, so the header depends on the size class; both are
// taken from liblz4 itself ("" when it wrote something unexpected).
const std::string& Lz4FrameHeader(std::size_t n) {
  static const std::string kOneBlock = [] {
    const std::string f = Lz4Frame("");  // header (7 bytes) + end mark (4 bytes)
    return f.size() == 11 ? f.substr(0, 7) : std::string();
  }();
  static const std::string kLinked = [] {
    const std::string f = Lz4Frame(std::string(kLz4BlockSize + 1, '\0'));
    return f.size() > 7 ? f.substr(0, 7) : std::string();
  }();
  return n <= kLz4BlockSize ? kOneBlock : kLinked;
}

std::string StoredLz4Frame(std::string_view data) {
  std::string out = Lz4FrameHeader(data.size());
  for (std::size_t at = 0; at < data.size(); at += kLz4BlockSize) {
    const std::size_t n = std::min(kLz4BlockSize, data.size() - at);
    const std::uint32_t size = static_cast<std::uint32_t>(n) | 0x80000000u;
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
    out.append(data.substr(at, n));
  }
  out.append(4, '\0');  // end mark
  return out;
}

std::string Lz4Unframe(std::string_view frame, std::size_t expected, std::string& why) {
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
    why = "no LZ4 context";
    return {};
  }
  std::string out(expected, '\0');
  std::size_t dst = expected, src = frame.size();
  const std::size_t rc = LZ4F_decompress(dctx, out.data(), &dst, frame.data(), &src, nullptr);
  LZ4F_freeDecompressionContext(dctx);
  if (LZ4F_isError(rc)) {
    why = std::string("LZ4: ") + LZ4F_getErrorName(rc);
    return {};
  }
  if (rc != 0 || src != frame.size()) {
    why = "LZ4 frame does not end where the chunk does";
    return {};
  }
  out.resize(dst);
  return out;
}

std::string Bg4Join(std::string_view grouped) {
  const std::size_t n = grouped.size(), q = n / 4, r = n % 4;
  std::string out(n, '\0');
  std::size_t at = 0;
  for (std::size_t g = 0; g < 4; ++g) {
    const std::size_t len = q + (g < r ? 1 : 0);
    for (std::size_t k = 0; k < len; ++k) out[g + 4 * k] = grouped[at + k];
    at += len;
  }
  return out;
}

}  // namespace

std::string Bg4Split(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (std::size_t g = 0; g < 4; ++g) {
    for (std::size_t i = g; i < data.size(); i += 4) out.push_back(data[i]);
  }
  return out;
}

std::size_t EncodedSizeWithoutEncoding(std::size_t n, XetCompression compression,
                                       bool compressible) {
  if (compression == XetCompression::kNone) return kChunkHeaderSize + n;
  if (compressible) return 0;
  if (compression == XetCompression::kAuto) return kChunkHeaderSize + n;
  if (Lz4FrameHeader(n).empty()) return 0;
  const std::size_t blocks = (n + kLz4BlockSize - 1) / kLz4BlockSize;
  return kChunkHeaderSize + Lz4FrameHeader(n).size() + 4 * blocks + n + 4;
}

std::string EncodeChunk(std::string_view data, XetCompression compression, bool compressible) {
  std::string payload;
  Scheme scheme = Scheme::kNone;
  if (!compressible && !Lz4FrameHeader(data.size()).empty() &&
      (compression == XetCompression::kLz4 || compression == XetCompression::kBg4)) {
    const bool bg4 = compression == XetCompression::kBg4;
    payload = StoredLz4Frame(bg4 ? Bg4Split(data) : std::string(data));
    return Header(payload.size(), bg4 ? Scheme::kBg4Lz4 : Scheme::kLz4, data.size()) + payload;
  }
  switch (compression) {
    case XetCompression::kNone:
      break;
    case XetCompression::kLz4:
      payload = Lz4Frame(data);
      scheme = Scheme::kLz4;
      break;
    case XetCompression::kBg4:
      payload = Lz4Frame(Bg4Split(data));
      scheme = Scheme::kBg4Lz4;
      break;
    case XetCompression::kAuto:
      if (!compressible) break;
      payload = Lz4Frame(data);
      scheme = Scheme::kLz4;
      if (std::string bg4 = Lz4Frame(Bg4Split(data)); bg4.size() < payload.size()) {
        payload = std::move(bg4);
        scheme = Scheme::kBg4Lz4;
      }
      if (payload.size() >= data.size()) scheme = Scheme::kNone;
      break;
  }
  if (scheme == Scheme::kNone) payload.assign(data.data(), data.size());
  return Header(payload.size(), scheme, data.size()) + payload;
}

bool DecodeChunk(std::string_view chunk, std::string& out, std::string& why) {
  if (chunk.size() < kChunkHeaderSize) {
    why = "short chunk header";
    return false;
  }
  if (chunk[0] != 0) {
    why = "unsupported chunk version";
    return false;
  }
  const std::size_t clen = Get24(chunk, 1), ulen = Get24(chunk, 5);
  const auto scheme = static_cast<unsigned char>(chunk[4]);
  if (chunk.size() != kChunkHeaderSize + clen) {
    why = "payload length does not match the header";
    return false;
  }
  const std::string_view payload = chunk.substr(kChunkHeaderSize);
  if (scheme == 0) {
    out.assign(payload.data(), payload.size());
  } else if (scheme == 1 || scheme == 2) {
    out = Lz4Unframe(payload, ulen, why);
    if (!why.empty()) return false;
    if (scheme == 2) out = Bg4Join(out);
  } else {
    why = "unsupported compression scheme " + std::to_string(scheme);
    return false;
  }
  if (out.size() != ulen) {
    why = "decoded length does not match the header";
    return false;
  }
  return true;
}

}  // namespace mockhub::xet
