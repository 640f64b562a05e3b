// Fuzzes hubget's xorb chunk decoder (xet_chunks.h: TermDecoder, chunk
// headers, raw, LZ4 and BG4 payloads) on arbitrary fetched ranges. The
// decoder must return an integrity error or emit at most the term's `take`
// bytes, in pieces it was promised (never more than one chunk's worth).
//
// Input: 8 bytes of term shape (chunk indices, skip, take, unpacked length,
// the size of the pieces the range arrives in), then the range's bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "xet/xet_chunks.h"

namespace {

// A broken promise: which one, then abort (libFuzzer keeps the input).
#define EXPECT_HOLDS(cond)                                                    \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                           \
    }                                                                         \
  } while (false)

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return 0;
  hubget::TermSlice slice;
  slice.xorb = "fuzz";
  slice.range_first = data[0] % 4;
  slice.first = slice.range_first + data[1] % 4;
  slice.end = slice.first + 1 + data[2] % 4;
  slice.unpacked = (static_cast<std::uint64_t>(data[3]) << 10) | data[4];
  slice.skip = slice.unpacked == 0 ? 0 : data[5] % slice.unpacked;
  slice.take = (static_cast<std::uint64_t>(data[6]) << 9) % (slice.unpacked - slice.skip + 1);
  const std::size_t piece = 1 + data[7] * 97u;
  std::uint64_t emitted = 0;
  hubget::TermDecoder decoder(slice, [&](const char*, std::size_t n) -> hubget::Status {
    EXPECT_HOLDS(n <= hubget::kMaxChunkDecoded);
    emitted += n;
    EXPECT_HOLDS(emitted <= slice.take);
    return hubget::OkStatus();
  });
  const char* range = reinterpret_cast<const char*>(data) + 8;
  std::size_t left = size - 8;
  while (left > 0) {
    const std::size_t n = left < piece ? left : piece;
    if (!decoder.Feed(range, n)) return 0;
    range += n;
    left -= n;
  }
  if (decoder.Finish()) EXPECT_HOLDS(decoder.complete() && emitted == slice.take);
  return 0;
}
