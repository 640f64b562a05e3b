// See doctor_output.h.
#include "doctor_output.h"

#include <unistd.h>

#include <sstream>

#include "hubget/printable.h"
#include "hubget/progress.h"
#include "hubget/progress_terminal.h"

namespace hubget::cli {
namespace {

// Text for the room under a label narrower than this would be a column of
// single words: such lines continue two columns in instead.
constexpr std::size_t kMinRoomUnderLabel = 20;

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

std::vector<std::string> WrapLabeled(const std::string& label, const std::string& text, int width) {
  if (width <= 0) return {label + text};
  const std::size_t usable = width > 1 ? static_cast<std::size_t>(width) - 1 : 1;
  const std::size_t label_cols = progress::DisplayWidth(label);
  const std::size_t indent =
      label_cols + kMinRoomUnderLabel <= usable ? label_cols : std::min<std::size_t>(2, usable);
  std::vector<std::string> lines;
  std::string line = label;
  std::size_t cols = label_cols;
  bool line_has_word = false;
  for (const std::string& word : Words(text)) {
    const std::size_t w = progress::DisplayWidth(word);
    const std::size_t need = line_has_word ? w + 1 : w;
    if (line_has_word && cols + need > usable) {
      lines.push_back(line);
      line = std::string(indent, ' ');
      cols = indent;
      line_has_word = false;
    }
    if (line_has_word) {
      line += ' ';
      ++cols;
    }
    line += word;
    cols += w;
    line_has_word = true;
  }
  lines.push_back(line);
  return lines;
}

std::string DoctorText(const DoctorReport& report, int width) {
  std::string out;
  const auto add = [&](const std::string& label, const std::string& text) {
    for (const std::string& l : WrapLabeled(label, EscapeControls(text), width)) out += l + "\n";
  };
  // The verdict first, once; then the checklist.
  add("conclusion: ", report.conclusion);
  if (!report.conclusion_fix.empty()) add("       fix: ", report.conclusion_fix);
  for (const auto& f : report.findings) {
    add("[" + std::string(LevelName(f.level)) + "] " + f.topic + ": ", f.text);
    if (!f.fix.empty()) add("       fix: ", f.fix);
  }
  return out;
}

int DoctorWidth() {
  if (::isatty(STDOUT_FILENO) == 0) return 0;
  return progress::TerminalWidth(STDOUT_FILENO);
}

}  // namespace hubget::cli
