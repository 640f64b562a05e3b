// The LZ4 frame decoder over liblz4's LZ4F API. See xet_lz4.h.
#include "xet/xet_lz4.h"

#include <lz4frame.h>

#include <string>

namespace hubget {

struct Lz4FrameDecoder::State {
  LZ4F_dctx* dctx = nullptr;
};

Lz4FrameDecoder::Lz4FrameDecoder() : state_(std::make_unique<State>()) {
  if (LZ4F_isError(LZ4F_createDecompressionContext(&state_->dctx, LZ4F_VERSION))) {
    state_->dctx = nullptr;
  }
}

Lz4FrameDecoder::~Lz4FrameDecoder() {
  if (state_->dctx != nullptr) LZ4F_freeDecompressionContext(state_->dctx);
}

namespace {

Error Bad(const std::string& why) { return MakeError(Kind::kIntegrity, why); }

}  // namespace

Status Lz4FrameDecoder::Decode(const char* src, std::size_t n, char* dst, std::size_t expected) {
  if (state_->dctx == nullptr) return MakeError(Kind::kIo, "cannot allocate an LZ4 decoder");
  LZ4F_resetDecompressionContext(state_->dctx);
  char none = 0;  // a valid pointer for an empty output
  char* out = expected == 0 ? &none : dst;
  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  for (;;) {
    std::size_t in_size = n - in_pos;
    std::size_t out_size = expected - out_pos;
    const std::size_t hint =
        LZ4F_decompress(state_->dctx, out + out_pos, &out_size, src + in_pos, &in_size, nullptr);
    if (LZ4F_isError(hint)) {
      return Bad(std::string("invalid LZ4 frame (") + LZ4F_getErrorName(hint) + ")");
    }
    in_pos += in_size;
    out_pos += out_size;
    if (hint == 0) break;                       // the frame is complete (and its checksums held)
    if (out_size > 0 || in_size > 0) continue;  // progress: finite either way
    if (out_pos == expected) {
      return Bad("the LZ4 frame decodes to more than the " + std::to_string(expected) +
                 " bytes the chunk header says");
    }
    return Bad("the LZ4 frame ends early (" + std::to_string(n) + " bytes, " +
               std::to_string(out_pos) + " of " + std::to_string(expected) + " decoded)");
  }
  if (in_pos != n) {
    return Bad(std::to_string(n - in_pos) + " bytes follow the LZ4 frame in the chunk");
  }
  if (out_pos != expected) {
    return Bad("the LZ4 frame decodes to " + std::to_string(out_pos) +
               " bytes, the chunk header says " + std::to_string(expected));
  }
  return OkStatus();
}

}  // namespace hubget
