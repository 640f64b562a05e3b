// See escape.h.
#include "escape.h"

namespace mockhub::runner {

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
