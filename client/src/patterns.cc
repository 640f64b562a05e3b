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

bool Match(const std::string& p, std::size_t pi, const std::string& s, std::size_t si) {
  while (pi < p.size()) {
    const char pc = p[pi];
    if (pc == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      if (pi == p.size()) return true;
      for (std::size_t k = si; k <= s.size(); ++k) {
        if (Match(p, pi, s, k)) return true;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (pc == '?') {
      ++pi;
      ++si;
      continue;
    }
    if (pc == '[') {
      std::size_t next = 0;
      bool is_set = false;
      const bool ok = MatchSet(p, pi, s[si], &next, &is_set);
      if (is_set) {
        if (!ok) return false;
        pi = next;
        ++si;
        continue;
      }
    }
    if (pc != s[si]) return false;
    ++pi;
    ++si;
  }
  return si == s.size();
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

bool FnMatch(const std::string& pattern, const std::string& name) {
  return Match(pattern, 0, name, 0);
}

bool PathSelected(const std::string& path, const std::vector<std::string>& include,
                  const std::vector<std::string>& exclude) {
  if (!include.empty() && !AnyMatch(include, path)) return false;
  return !AnyMatch(exclude, path);
}

}  // namespace hubget
