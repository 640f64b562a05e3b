// Building blocks of the hostile-input tests (hostile_*_test.cc): a seeded
// byte-level mutator of valid samples, a printable view of an input for
// failure messages, a UTF-8 check, and the bounds the tests share.
// Deterministic: fixed seeds, a fixed number of iterations.
#pragma once

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace hubget::testing {

inline constexpr int kIterations = 20000;
inline constexpr long long kMaxWaitSeconds = 999999999;  // the largest Retry-After hubget keeps
inline constexpr std::int64_t kYear9999End = 253402300800;
inline constexpr std::uint64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
inline const std::string kMegabyte(1 << 20, 'a');

// Byte-level mutations of valid samples: bit flips, inserted and deleted
// bytes, duplicated chunks, truncation, and splices of the tokens parsers
// trip over (huge and negative numbers, separators, NUL, broken UTF-8).
// mt19937 is specified exactly, so a seed gives the same inputs everywhere.
class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : rng_(seed) {}

  std::string Mutate(const std::vector<std::string>& samples) {
    std::string s = samples[Below(samples.size())];
    const std::size_t edits = 1 + Below(4);
    for (std::size_t i = 0; i < edits; ++i) Edit(s);
    return s;
  }
  std::size_t Below(std::size_t n) { return n == 0 ? 0 : rng_() % n; }

 private:
  void Edit(std::string& s) {
    static const std::vector<std::string> kTokens = {"99999999999999999999",
                                                     "9223372036854775807",
                                                     "9223372036854775808",
                                                     "18446744073709551616",
                                                     "4294967338",
                                                     "-1",
                                                     "-",
                                                     "0",
                                                     "1e400",
                                                     "nan",
                                                     "*",
                                                     "/",
                                                     ",",
                                                     ";",
                                                     "=",
                                                     ":",
                                                     " ",
                                                     "\t",
                                                     "\r\n",
                                                     std::string("\0", 1),
                                                     "\xff",
                                                     "\xc3",
                                                     "\xe2\x82\xac",
                                                     "\"",
                                                     "{",
                                                     "}",
                                                     "[",
                                                     "]",
                                                     "<",
                                                     ">",
                                                     "@",
                                                     "?",
                                                     "#",
                                                     "%",
                                                     "\\",
                                                     "../",
                                                     "//",
                                                     "[::1]",
                                                     "W/",
                                                     "null",
                                                     "true"};
    const std::size_t pos = Below(s.size() + 1);
    switch (Below(7)) {
      case 0:  // flip one bit
        if (!s.empty()) s[Below(s.size())] ^= static_cast<char>(1u << Below(8));
        break;
      case 1:  // insert a random byte
        s.insert(pos, 1, static_cast<char>(Below(256)));
        break;
      case 2:  // delete a short run
        if (!s.empty()) s.erase(Below(s.size()), 1 + Below(4));
        break;
      case 3:  // splice a token
        s.insert(pos, kTokens[Below(kTokens.size())]);
        break;
      case 4: {  // replace a run of digits by a token
        const auto d = s.find_first_of("0123456789", pos);
        if (d == std::string::npos) break;
        const auto e = s.find_first_not_of("0123456789", d);
        s.replace(d, (e == std::string::npos ? s.size() : e) - d, kTokens[Below(kTokens.size())]);
        break;
      }
      case 5:  // duplicate a chunk
        if (!s.empty()) s.insert(pos, s.substr(Below(s.size()), 1 + Below(16)));
        break;
      default:  // truncate
        s.resize(pos);
    }
  }
  std::mt19937 rng_;
};

// The input as a C++ literal would show it, cut short, for failure messages.
std::string Show(const std::string& s);
bool IsValidUtf8(const std::string& s);
std::string Repeat(const std::string& s, std::size_t n);

}  // namespace hubget::testing
