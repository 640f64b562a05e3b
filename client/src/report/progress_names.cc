// File names on a progress line too narrow for them: what a person needs is
// which file it is, so the folders go first ("…/model.safetensors") and the
// name loses its middle, never its end ("diffusion_py….safetensors",
// "model-00…-00005.safetensors": shard numbers and extensions survive). See
// progress.h.
#include <string>
#include <vector>

#include "hubget/progress.h"

namespace hubget::progress {
namespace {

// One character of a UTF-8 string: where it starts, its length, its columns.
struct Char {
  std::size_t at = 0;
  std::size_t len = 0;
  std::size_t cols = 0;
};

// The characters of `utf8` (EscapeControls made it valid UTF-8: a character
// starts at every byte that is not a continuation byte).
std::vector<Char> Chars(const std::string& utf8) {
  std::vector<Char> out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) == 0x80 && !out.empty()) continue;
    if (!out.empty()) out.back().len = i - out.back().at;
    out.push_back({i, 0, 0});
  }
  if (!out.empty()) out.back().len = utf8.size() - out.back().at;
  for (Char& c : out) c.cols = DisplayWidth(utf8.substr(c.at, c.len));
  return out;
}

// The longest prefix of at most `columns` columns.
std::string Head(const std::string& utf8, std::size_t columns) {
  std::size_t used = 0;
  for (const Char& c : Chars(utf8)) {
    if (used + c.cols > columns) return utf8.substr(0, c.at);
    used += c.cols;
  }
  return utf8;
}

// The longest suffix of at most `columns` columns.
std::string Tail(const std::string& utf8, std::size_t columns) {
  const std::vector<Char> chars = Chars(utf8);
  std::size_t used = 0;
  for (std::size_t k = chars.size(); k > 0; --k) {
    if (used + chars[k - 1].cols > columns) return utf8.substr(chars[k - 1].at + chars[k - 1].len);
    used += chars[k - 1].cols;
  }
  return utf8;
}

std::string Ellipsis(bool unicode) { return unicode ? "…" : "..."; }

}  // namespace

std::string ShortenFolders(const std::string& path, std::size_t columns, bool unicode) {
  if (DisplayWidth(path) <= columns) return path;
  const std::string mark = Ellipsis(unicode) + "/";
  for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    std::string shorter = mark + path.substr(slash + 1);
    if (DisplayWidth(shorter) <= columns) return shorter;
  }
  return "";
}

std::string ShortenName(const std::string& path, std::size_t columns, bool unicode) {
  std::string name = path.substr(path.rfind('/') + 1);  // npos + 1: the whole path
  if (DisplayWidth(name) <= columns) return name;
  const std::string ellipsis = Ellipsis(unicode);
  const std::size_t ellipsis_cols = DisplayWidth(ellipsis);
  if (columns < ellipsis_cols + 2) return FitColumns(name, columns, unicode);
  // The extension is kept when a few columns of the stem remain beside it
  // (".safetensors" is 12 of them); else the name is cut as one.
  constexpr std::size_t kMinStem = 4;
  const auto dot = name.rfind('.');
  std::string ext = dot != std::string::npos && dot > 0 ? name.substr(dot) : "";
  if (DisplayWidth(ext) + ellipsis_cols + kMinStem > columns) ext.clear();
  const std::string stem = name.substr(0, name.size() - ext.size());
  const std::size_t left = columns - ellipsis_cols - DisplayWidth(ext);
  const std::size_t head = (left + 1) / 2;
  return Head(stem, head) + ellipsis + Tail(stem, left - head) + ext;
}

std::string FitPath(const std::string& path, std::size_t columns, bool unicode) {
  std::string fitted = ShortenFolders(path, columns, unicode);
  return fitted.empty() ? ShortenName(path, columns, unicode) : fitted;
}

}  // namespace hubget::progress
