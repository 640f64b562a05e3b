// Control characters made visible. See printable.h.
#include "hubget/printable.h"

#include <cstddef>
#include <cstdint>

namespace hubget {
namespace {

void AppendEscape(std::string& out, const char* prefix, unsigned value, int digits) {
  static const char* hex = "0123456789abcdef";
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xF];
}

// The length of the valid UTF-8 sequence of two to four bytes at `i` (no
// overlong forms, no surrogates, nothing past U+10FFFF) and its code point,
// or 0 when the bytes there are not one.
std::size_t Utf8Sequence(const std::string& s, std::size_t i, std::uint32_t* code_point) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  struct Lead {
    unsigned char first, last;
    std::size_t len;
    std::uint32_t mask, min;
  };
  static constexpr Lead kLeads[] = {
      {0xC2, 0xDF, 2, 0x1F, 0x80}, {0xE0, 0xEF, 3, 0x0F, 0x800}, {0xF0, 0xF4, 4, 0x07, 0x10000}};
  const Lead* lead = nullptr;
  for (const Lead& l : kLeads) {
    if (b0 >= l.first && b0 <= l.last) lead = &l;
  }
  if (lead == nullptr) return 0;
  const std::size_t len = lead->len;
  const std::uint32_t min = lead->min;
  std::uint32_t cp = b0 & lead->mask;
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return len;
}

}  // namespace

std::string EscapeControls(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) {
        AppendEscape(out, "\\x", c, 2);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = Utf8Sequence(text, i, &cp);
    if (len == 0) {
      AppendEscape(out, "\\x", c, 2);  // not UTF-8: the byte itself, shown
      ++i;
      continue;
    }
    if (cp <= 0x9F) {
      AppendEscape(out, "\\u", cp, 4);  // C1: CSI (U+009B) and friends
    } else {
      out.append(text, i, len);
    }
    i += len;
  }
  return out;
}

}  // namespace hubget
