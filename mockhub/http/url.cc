// Request-target parsing and Python-compatible percent-encoding.
#include "mockhub/http/url.h"

#include <cctype>

namespace mockhub {

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> PercentDecode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string PercentEncode(const std::string& s, bool keep_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Target ParseTarget(const std::string& target) {
  Target t;
  const auto q = target.find('?');
  t.raw_path = target.substr(0, q);
  if (q != std::string::npos) t.raw_query = target.substr(q + 1);
  std::size_t start = 0;
  const std::string& p = t.raw_path;
  if (!p.empty() && p[0] == '/') start = 1;
  while (start <= p.size()) {
    const auto slash = p.find('/', start);
    t.raw_segments.push_back(
        p.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::size_t pos = 0;
  const std::string& qs = t.raw_query;
  while (pos < qs.size()) {
    auto amp = qs.find('&', pos);
    if (amp == std::string::npos) amp = qs.size();
    const std::string pair = qs.substr(pos, amp - pos);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      auto k = PercentDecode(pair.substr(0, eq), true);
      auto v = eq == std::string::npos ? std::optional<std::string>("")
                                       : PercentDecode(pair.substr(eq + 1), true);
      if (k && v) t.query.emplace_back(*k, *v);
    }
    pos = amp + 1;
  }
  return t;
}

std::optional<std::string> Target::Param(const std::string& key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::vector<std::string> Target::Params(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query) {
    if (k == key) out.push_back(v);
  }
  return out;
}

bool QueryFlag(const Target& t, const std::string& key) {
  auto v = t.Param(key);
  if (!v) return false;
  std::string s;
  for (char c : *v) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return s == "true" || s == "1" || s == "yes";
}

}  // namespace mockhub
