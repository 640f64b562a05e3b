// Chunk headers, BG4 and the term decoder. See xet_chunks.h.
#include "xet/xet_chunks.h"

#include <algorithm>
#include <cstring>

namespace hubget {
namespace {

std::uint32_t Le24(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16;
}

}  // namespace

ChunkHeader ParseChunkHeader(const unsigned char* b) {
  ChunkHeader h;
  h.version = b[0];
  h.compressed_length = Le24(b + 1);
  h.scheme = b[4];
  h.uncompressed_length = Le24(b + 5);
  return h;
}

std::string ChunkHeaderProblem(const ChunkHeader& h) {
  if (h.version != 0) return "unsupported chunk version " + std::to_string(h.version);
  if (h.scheme > kSchemeBg4Lz4) {
    return "unsupported compression scheme " + std::to_string(h.scheme);
  }
  if (h.uncompressed_length > kMaxChunkDecoded) {
    return "uncompressed length " + std::to_string(h.uncompressed_length) + " is over the " +
           std::to_string(kMaxChunkDecoded) + "-byte limit of a chunk";
  }
  if (h.compressed_length > kMaxChunkPayload) {
    return "compressed length " + std::to_string(h.compressed_length) + " is over the " +
           std::to_string(kMaxChunkPayload) + "-byte limit of a chunk";
  }
  if (h.scheme == kSchemeNone && h.compressed_length != h.uncompressed_length) {
    return "an uncompressed chunk whose lengths disagree (" + std::to_string(h.compressed_length) +
           " stored, " + std::to_string(h.uncompressed_length) + " in the header)";
  }
  return "";
}

void Bg4Regroup(const char* grouped, std::size_t n, char* out) {
  // One pass over the output, reading the four groups side by side: the
  // writes are sequential (a pass per group would stride through `out`
  // four times).
  const std::size_t q = n / 4;
  const std::size_t r = n % 4;
  const char* g[4];
  g[0] = grouped;
  for (std::size_t k = 1; k < 4; ++k) g[k] = g[k - 1] + q + (r > k - 1 ? 1 : 0);
  for (std::size_t j = 0; j < q; ++j) {
    out[4 * j] = g[0][j];
    out[4 * j + 1] = g[1][j];
    out[4 * j + 2] = g[2][j];
    out[4 * j + 3] = g[3][j];
  }
  for (std::size_t k = 0; k < r; ++k) out[4 * q + k] = g[k][q];
}

Status DecodeChunkPayload(const ChunkHeader& h, const char* payload, Lz4FrameDecoder& lz4,
                          std::string& scratch, std::string* out) {
  out->resize(h.uncompressed_length);
  if (h.scheme == kSchemeNone) {
    if (h.uncompressed_length > 0) std::memcpy(out->data(), payload, h.uncompressed_length);
    return OkStatus();
  }
  if (h.scheme == kSchemeLz4) {
    return lz4.Decode(payload, h.compressed_length, out->data(), h.uncompressed_length);
  }
  scratch.resize(h.uncompressed_length);
  if (auto s = lz4.Decode(payload, h.compressed_length, scratch.data(), h.uncompressed_length);
      !s) {
    return s;
  }
  Bg4Regroup(scratch.data(), scratch.size(), out->data());
  return OkStatus();
}

TermDecoder::TermDecoder(TermSlice slice, EmitBytes emit)
    : slice_(std::move(slice)), emit_(std::move(emit)), index_(slice_.range_first) {}

Error TermDecoder::Fail(const std::string& why) const {
  return MakeError(Kind::kIntegrity,
                   "chunk " + std::to_string(index_) + " of xorb " + slice_.xorb + ": " + why);
}

Status TermDecoder::Feed(const char* data, std::size_t n) {
  while (n > 0 && !complete()) {
    if (!in_payload_) {
      const std::size_t k = std::min(kChunkHeaderSize - header_have_, n);
      std::memcpy(header_ + header_have_, data, k);
      header_have_ += k;
      data += k;
      n -= k;
      if (header_have_ < kChunkHeaderSize) return OkStatus();
      if (auto s = StartChunk(); !s) return s;
      continue;
    }
    const std::size_t need = current_.compressed_length - payload_have_;
    if (payload_have_ == 0 && n >= need) {  // the whole payload is here: no copy
      if (auto s = EndChunk(data); !s) return s;
      data += need;
      n -= need;
      continue;
    }
    const std::size_t k = std::min(need, n);
    if (index_ >= slice_.first) payload_.append(data, k);
    payload_have_ += k;
    data += k;
    n -= k;
    if (payload_have_ == current_.compressed_length) {
      if (auto s = EndChunk(payload_.data()); !s) return s;
    }
  }
  return OkStatus();
}

Status TermDecoder::StartChunk() {
  header_have_ = 0;
  current_ = ParseChunkHeader(header_);
  if (const std::string problem = ChunkHeaderProblem(current_); !problem.empty()) {
    return Fail(problem);
  }
  in_payload_ = true;
  payload_have_ = 0;
  payload_.clear();
  if (index_ >= slice_.first) payload_.reserve(current_.compressed_length);
  if (current_.compressed_length == 0) return EndChunk(payload_.data());
  return OkStatus();
}

Status TermDecoder::EndChunk(const char* payload) {
  in_payload_ = false;
  if (index_ >= slice_.first) {
    const char* bytes = payload;
    if (current_.scheme != kSchemeNone) {
      if (auto s = DecodeChunkPayload(current_, payload, lz4_, scratch_, &decoded_); !s) {
        return Fail(s.error().detail);
      }
      bytes = decoded_.data();
    }
    const std::uint64_t n = current_.uncompressed_length;
    if (term_pos_ + n > slice_.unpacked) {
      return Fail("the term (chunks " + std::to_string(slice_.first) + "-" +
                  std::to_string(slice_.end - 1) + ") decodes to more than its unpacked_length " +
                  std::to_string(slice_.unpacked) + " (at least " + std::to_string(term_pos_ + n) +
                  " bytes)");
    }
    if (auto s = EmitDecoded(bytes, static_cast<std::size_t>(n)); !s) return s;
    term_pos_ += n;
  }
  payload_.clear();
  payload_have_ = 0;
  if (index_ + 1 == slice_.end && term_pos_ != slice_.unpacked) {
    return Fail("the term (chunks " + std::to_string(slice_.first) + "-" +
                std::to_string(slice_.end - 1) + ") decoded to " + std::to_string(term_pos_) +
                " bytes, expected its unpacked_length " + std::to_string(slice_.unpacked));
  }
  ++index_;
  return OkStatus();
}

Status TermDecoder::EmitDecoded(const char* data, std::size_t n) {
  // The term's bytes [term_pos_, term_pos_ + n) against [skip, skip + take).
  const std::uint64_t lo = std::max(term_pos_, slice_.skip);
  const std::uint64_t hi = std::min(term_pos_ + n, slice_.skip + slice_.take);
  if (lo >= hi) return OkStatus();
  return emit_(data + (lo - term_pos_), static_cast<std::size_t>(hi - lo));
}

Status TermDecoder::Finish() const {
  if (complete()) return OkStatus();
  const std::string xorb = " of xorb " + slice_.xorb;
  const std::string chunk = "chunk " + std::to_string(index_) + xorb;
  std::string why;
  if (header_have_ > 0) {
    why = "the xorb range ended inside the header of " + chunk + " (" +
          std::to_string(header_have_) + " of 8 bytes)";
  } else if (in_payload_) {
    why = "the xorb range ended inside " + chunk + " (" + std::to_string(payload_have_) + " of " +
          std::to_string(current_.compressed_length) + " payload bytes)";
  } else {
    why = "the xorb range ended before " + chunk + "; the term needs chunks up to " +
          std::to_string(slice_.end - 1);
  }
  return MakeError(Kind::kIntegrity, why);
}

}  // namespace hubget
