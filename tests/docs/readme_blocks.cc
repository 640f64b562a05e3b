// Markdown fence scanning for readme_blocks.h: a fence is a line starting
// with ``` (no indentation is used in these READMEs); the marker is the last
// non-blank line before the fence when it is an HTML comment
// `<!-- fragment: KIND -->`.
#include "readme_blocks.h"

#include <sstream>

namespace docs {

namespace {

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// "<!-- fragment: expect -->" -> "expect"; anything else -> "".
std::string MarkerKind(const std::string& line) {
  static const std::string kOpen = "<!-- fragment:", kClose = "-->";
  const std::string t = Trim(line);
  if (t.rfind(kOpen, 0) != 0 || t.size() < kOpen.size() + kClose.size()) return "";
  if (t.compare(t.size() - kClose.size(), kClose.size(), kClose) != 0) return "";
  return Trim(t.substr(kOpen.size(), t.size() - kOpen.size() - kClose.size()));
}

}  // namespace

std::vector<FencedBlock> JsonBlocks(const std::string& file, const std::string& text) {
  std::vector<FencedBlock> blocks;
  std::istringstream in(text);
  std::string line, last_text_line;
  int number = 0;
  bool inside = false, keep = false;
  FencedBlock current;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("```", 0) == 0) {
      if (inside) {
        if (keep) blocks.push_back(current);
        inside = false;
        last_text_line.clear();
        continue;
      }
      inside = true;
      current = FencedBlock{file, number, Trim(line.substr(3)), MarkerKind(last_text_line), ""};
      keep = current.lang.rfind("json", 0) == 0;
      continue;
    }
    if (inside) {
      current.text += line + "\n";
    } else if (!Trim(line).empty()) {
      last_text_line = line;
    }
  }
  if (inside && keep) blocks.push_back(current);
  return blocks;
}

}  // namespace docs
