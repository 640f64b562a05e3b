// LZ4 frame decoding for Xet chunks (compression schemes 1 and 2). The one
// file that includes lz4frame.h is xet_lz4.cc; the chunk parser and its tests
// know only this interface. Internal.
#pragma once

#include <cstddef>
#include <memory>

#include "hubget/result.h"

namespace hubget {

class Lz4FrameDecoder {
 public:
  Lz4FrameDecoder();
  ~Lz4FrameDecoder();
  Lz4FrameDecoder(const Lz4FrameDecoder&) = delete;
  Lz4FrameDecoder& operator=(const Lz4FrameDecoder&) = delete;

  // Decodes `src`, which must be exactly one LZ4 frame (block and content
  // checksums are checked when the frame has them; dictionary frames are
  // not supported), into `dst`, which it must fill exactly: `expected`
  // bytes. An integrity error says what was wrong: not a frame, a bad
  // checksum, more or fewer bytes than expected, bytes after the frame.
  Status Decode(const char* src, std::size_t n, char* dst, std::size_t expected);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace hubget
