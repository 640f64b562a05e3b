// Building blocks of Xet test data, made the way a writer makes them: LZ4
// frames through liblz4 (the one test file that includes lz4frame.h), the
// BG4 split, chunk headers and whole chunks, and content that LZ4 shrinks.
// A thread-safe clock whose time moves only when told to (the Xet tests run
// several workers at once).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "hubget/clock.h"

namespace hubget::testing {

// One LZ4 frame of `data` (default preferences, optional content checksum
// and content size fields).
std::string Lz4Frame(const std::string& data, bool content_checksum = true,
                     bool content_size = false);
// BG4: the bytes at positions ≡ g mod 4 for g = 0..3, concatenated.
std::string Bg4Split(const std::string& data);
// The 8-byte header.
std::string ChunkHeaderBytes(unsigned version, std::uint32_t compressed, unsigned scheme,
                             std::uint32_t uncompressed);
// Header + payload of `data` stored with `scheme` (0 none, 1 LZ4, 2 BG4+LZ4).
std::string EncodeChunk(const std::string& data, unsigned scheme);
// `n` bytes that LZ4 compresses (words and numbers), deterministic per seed.
std::string TextLike(std::size_t n, unsigned seed);

// A clock for several threads: Sleep advances it (and records the total),
// Advance moves it by hand.
class TestClock : public Clock {
 public:
  TestClock() = default;
  explicit TestClock(std::int64_t unix_start) : unix_start_(unix_start) {}
  std::chrono::steady_clock::time_point Now() override;
  std::int64_t UnixNow() override;
  void Sleep(std::chrono::milliseconds d) override;
  void Advance(std::chrono::seconds d);
  std::chrono::milliseconds slept() const;

 private:
  mutable std::mutex mu_;
  std::chrono::milliseconds elapsed_{0};
  std::chrono::milliseconds slept_{0};
  std::int64_t unix_start_ = 1767225600;  // 2026-01-01T00:00:00Z
};

}  // namespace hubget::testing
