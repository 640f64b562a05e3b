// A test-side decoder of Xet chunk streams (xet-protocol.md §5), written
// from the specification with liblz4 and nothing of the mock's, so a test
// cannot pass because the encoder and the decoder share a mistake.
#pragma once

#include <lz4frame.h>

#include <cstdint>
#include <string>

namespace xettest {

inline std::size_t Le24(const std::string& s, std::size_t at) {
  return static_cast<std::size_t>(static_cast<unsigned char>(s[at])) |
         static_cast<std::size_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
         static_cast<std::size_t>(static_cast<unsigned char>(s[at + 2])) << 16;
}

// Decodes a whole chunk stream into `out`; returns "" or what is wrong.
inline std::string DecodeStream(const std::string& stream, std::string& out,
                                std::size_t* chunks = nullptr, int* schemes_seen = nullptr) {
  std::size_t at = 0, n = 0;
  while (at < stream.size()) {
    if (stream.size() - at < 8) return "truncated header at " + std::to_string(at);
    if (stream[at] != 0) return "version " + std::to_string(static_cast<int>(stream[at]));
    const std::size_t clen = Le24(stream, at + 1), ulen = Le24(stream, at + 5);
    const int scheme = static_cast<unsigned char>(stream[at + 4]);
    if (schemes_seen) *schemes_seen |= 1 << scheme;
    if (stream.size() - at - 8 < clen) return "truncated payload at " + std::to_string(at);
    const std::string payload = stream.substr(at + 8, clen);
    std::string plain;
    if (scheme == 0) {
      plain = payload;
    } else if (scheme == 1 || scheme == 2) {
      LZ4F_dctx* d = nullptr;
      LZ4F_createDecompressionContext(&d, LZ4F_VERSION);
      plain.assign(ulen, '\0');
      std::size_t dst = ulen, src = payload.size();
      const std::size_t rc = LZ4F_decompress(d, plain.data(), &dst, payload.data(), &src, nullptr);
      LZ4F_freeDecompressionContext(d);
      if (LZ4F_isError(rc) || rc != 0) return "bad LZ4 frame at " + std::to_string(at);
      plain.resize(dst);
      if (scheme == 2) {  // undo BG4: group g holds the bytes at positions = g mod 4
        std::string joined(plain.size(), '\0');
        const std::size_t q = plain.size() / 4, r = plain.size() % 4;
        std::size_t from = 0;
        for (std::size_t g = 0; g < 4; ++g) {
          const std::size_t len = q + (g < r ? 1 : 0);
          for (std::size_t k = 0; k < len; ++k) joined[g + 4 * k] = plain[from + k];
          from += len;
        }
        plain = joined;
      }
    } else {
      return "scheme " + std::to_string(scheme);
    }
    if (plain.size() != ulen) return "length mismatch at " + std::to_string(at);
    out += plain;
    at += 8 + clen;
    ++n;
  }
  if (chunks) *chunks = n;
  return "";
}

}  // namespace xettest
