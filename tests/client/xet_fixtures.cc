// See xet_fixtures.h.
#include "xet_fixtures.h"

#include <lz4frame.h>

#include <stdexcept>

namespace hubget::testing {

std::string Lz4Frame(const std::string& data, bool content_checksum, bool content_size) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentChecksumFlag =
      content_checksum ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
  prefs.frameInfo.contentSize = content_size ? data.size() : 0;
  std::string out(LZ4F_compressFrameBound(data.size(), &prefs), '\0');
  const std::size_t n =
      LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs);
  if (LZ4F_isError(n)) throw std::runtime_error(LZ4F_getErrorName(n));
  out.resize(n);
  return out;
}

std::string Bg4Split(const std::string& data) {
  std::string out;
  out.reserve(data.size());
  for (std::size_t g = 0; g < 4; ++g) {
    for (std::size_t i = g; i < data.size(); i += 4) out += data[i];
  }
  return out;
}

std::string ChunkHeaderBytes(unsigned version, std::uint32_t compressed, unsigned scheme,
                             std::uint32_t uncompressed) {
  std::string h(8, '\0');
  h[0] = static_cast<char>(version);
  for (int i = 0; i < 3; ++i) {
    h[static_cast<std::size_t>(1 + i)] = static_cast<char>((compressed >> (8 * i)) & 0xff);
    h[static_cast<std::size_t>(5 + i)] = static_cast<char>((uncompressed >> (8 * i)) & 0xff);
  }
  h[4] = static_cast<char>(scheme);
  return h;
}

std::string EncodeChunk(const std::string& data, unsigned scheme) {
  std::string payload = data;
  if (scheme == 1) payload = Lz4Frame(data);
  if (scheme == 2) payload = Lz4Frame(Bg4Split(data));
  return ChunkHeaderBytes(0, static_cast<std::uint32_t>(payload.size()), scheme,
                          static_cast<std::uint32_t>(data.size())) +
         payload;
}

std::string TextLike(std::size_t n, unsigned seed) {
  static const char* const kWords[] = {"tensor ", "weight ", "layer.", "bias ", "0.125 ",
                                       "attn ",   "mlp ",    "norm ",  "\n",    "-3.5e-2 "};
  std::string out;
  std::uint32_t x = seed * 2654435761u + 1;
  while (out.size() < n) {
    x = x * 1664525u + 1013904223u;
    out += kWords[(x >> 16) % 10];
    if ((x & 0xff) < 8) out += static_cast<char>(x >> 8);  // a few arbitrary bytes
  }
  out.resize(n);
  return out;
}

std::chrono::steady_clock::time_point TestClock::Now() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::chrono::steady_clock::time_point{} + elapsed_;
}

std::int64_t TestClock::UnixNow() {
  std::lock_guard<std::mutex> lock(mu_);
  return unix_start_ + std::chrono::duration_cast<std::chrono::seconds>(elapsed_).count();
}

void TestClock::Sleep(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mu_);
  elapsed_ += d;
  slept_ += d;
}

void TestClock::Advance(std::chrono::seconds d) {
  std::lock_guard<std::mutex> lock(mu_);
  elapsed_ += d;
}

std::chrono::milliseconds TestClock::slept() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slept_;
}

}  // namespace hubget::testing
