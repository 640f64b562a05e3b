// See escape.h.
#include "escape.h"

#include <cstddef>
#include <cstdint>

namespace mockhub::runner {

namespace {

// The length of the valid UTF-8 sequence of two to four bytes at `i` (no
// overlong forms, no surrogates, nothing past U+10FFFF) and its code point,
// or 0 when the bytes there are not one.
std::size_t Utf8Sequence(const std::string& s, std::size_t i, std::uint32_t& code_point) {
  struct Lead {
    unsigned char first, last;
    std::size_t len;
    std::uint32_t mask, min;
  };
  static constexpr Lead kLeads[] = {
      {0xC2, 0xDF, 2, 0x1F, 0x80}, {0xE0, 0xEF, 3, 0x0F, 0x800}, {0xF0, 0xF4, 4, 0x07, 0x10000}};
  const auto b0 = static_cast<unsigned char>(s[i]);
  for (const Lead& lead : kLeads) {
    if (b0 < lead.first || b0 > lead.last) continue;
    if (i + lead.len > s.size()) return 0;
    std::uint32_t cp = b0 & lead.mask;
    for (std::size_t k = 1; k < lead.len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < lead.min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    code_point = cp;
    return lead.len;
  }
  return 0;
}

void AppendHex(std::string& out, const char* prefix, unsigned value, int digits) {
  static const char* kHex = "0123456789abcdef";
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

}  // namespace

std::string EscapeTerminal(const std::string& s, bool keep_newlines) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && !(keep_newlines && c == '\n')) || c == 0x7F)
        AppendHex(out, "\\x", c, 2);
      else
        out += static_cast<char>(c);
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = Utf8Sequence(s, i, cp);
    if (len == 0) {
      AppendHex(out, "\\x", c, 2);
      ++i;
      continue;
    }
    if (cp <= 0x9F)
      AppendHex(out, "\\u", cp, 4);
    else
      out.append(s, i, len);
    i += len;
  }
  return out;
}

std::string EscapeMarkup(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          out += (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : static_cast<char>(c);
      }
      continue;
    }
    const std::size_t len = c >= 0xf0 && c < 0xf5   ? 4
                            : c >= 0xe0 && c < 0xf0 ? 3
                            : c >= 0xc2 && c < 0xe0 ? 2
                                                    : 0;
    bool valid = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; valid && k < len; ++k)
      valid = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (!valid) {
      out += "\xef\xbf\xbd";
      continue;
    }
    out.append(s, i, len);
    i += len - 1;
  }
  return out;
}

}  // namespace mockhub::runner
