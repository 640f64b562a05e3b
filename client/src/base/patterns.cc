// fnmatchcase and huggingface_hub's allow/ignore filter.
#include "hubget/patterns.h"

#include <cstddef>

namespace hubget {
namespace {

// Matches a [...] set at pattern[pi] against c; sets `next` past the ']'.
// A '[' without a closing ']' is a literal, as in Python's fnmatch.
bool MatchSet(const std::string& p, std::size_t pi, char c, std::size_t* next, bool* is_set) {
  std::size_t j = pi + 1;
  bool negate = false;
  if (j < p.size() && p[j] == '!') {
    negate = true;
    ++j;
  }
  std::size_t k = j;
  if (k < p.size() && p[k] == ']') ++k;  // a leading ']' is literal
  while (k < p.size() && p[k] != ']') ++k;
  if (k >= p.size()) {
    *is_set = false;
    return false;
  }
  *is_set = true;
  *next = k + 1;
  bool found = false;
  for (std::size_t i = j; i < k; ++i) {
    if (i + 2 < k && p[i + 1] == '-') {
      if (p[i] <= c && c <= p[i + 2]) found = true;
      i += 2;
      continue;
    }
    if (p[i] == c) found = true;
  }
  return found != negate;
}

// Bytes of the UTF-8 sequence starting at s[i] (1 for a stray byte), so
// that '?' and '*' step over characters as Python's str-based fnmatch does,
// not over bytes.
std::size_t CharLen(const std::string& s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 1;
  if ((c & 0xE0) == 0xC0) n = 2;
  if ((c & 0xF0) == 0xE0) n = 3;
  if ((c & 0xF8) == 0xF0) n = 4;
  if (i + n > s.size()) return 1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// Whether the one-byte item at p[pi] (a set or a literal) matches c; `next`
// is the position after it. ('?' is handled by the caller: it takes a whole
// UTF-8 character.)
bool MatchOne(const std::string& p, std::size_t pi, char c, std::size_t* next) {
  if (p[pi] == '[') {
    bool is_set = false;
    const bool ok = MatchSet(p, pi, c, next, &is_set);
    if (is_set) return ok;
  }
  *next = pi + 1;
  return p[pi] == c;
}

// Iterative, remembering only the last '*': every other item matches exactly
// one character, so moving an earlier '*' never helps. O(|p| * |s|) at worst,
// where trying every split at every '*' was exponential in the number of
// '*' (a pattern with a few against a long server-listed path never ended).
bool Match(const std::string& p, const std::string& s) {
  std::size_t pi = 0, si = 0;
  std::size_t star_p = std::string::npos;  // the pattern just after the last '*'
  std::size_t star_s = 0;                  // where that '*' match ends for now
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      star_p = pi;
      star_s = si;
      continue;
    }
    std::size_t next = 0;
    if (pi < p.size() && p[pi] == '?') {
      pi += 1;
      si += CharLen(s, si);
      continue;
    }
    if (pi < p.size() && MatchOne(p, pi, s[si], &next)) {
      pi = next;
      ++si;
      continue;
    }
    if (star_p == std::string::npos) return false;
    pi = star_p;  // let the last '*' take one more character
    star_s += CharLen(s, star_s);
    si = star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::string Normalize(std::string pattern) {
  for (auto& c : pattern) {
    if (c == '\\') c = '/';
  }
  if (!pattern.empty() && pattern.back() == '/') pattern += '*';
  return pattern;
}

bool AnyMatch(const std::vector<std::string>& patterns, const std::string& path) {
  for (const auto& p : patterns) {
    if (FnMatch(Normalize(p), path)) return true;
  }
  return false;
}

}  // namespace

bool FnMatch(const std::string& pattern, const std::string& name) { return Match(pattern, name); }

bool PathSelected(const std::string& path, const std::vector<std::string>& include,
                  const std::vector<std::string>& exclude) {
  if (!include.empty() && !AnyMatch(include, path)) return false;
  return !AnyMatch(exclude, path);
}

}  // namespace hubget
