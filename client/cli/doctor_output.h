// `hubget doctor` as text: the conclusion first, then the checklist, each
// line wrapped to the terminal it is read in (continuation lines indented
// under the text, words such as URLs and token hints never cut). When
// stdout is not a terminal (a CI log, a file, a pipe) nothing is wrapped: a
// log has no width, and a reader searches it for whole lines.
#pragma once

#include <string>
#include <vector>

#include "hubget/client.h"

namespace hubget::cli {

// `text` after `label` ("[fail] whoami: "), in lines of fewer than `width`
// columns (the last column would make a terminal wrap on its own);
// `width` <= 0: one line. Continuation lines start under the text (or two
// columns in when the label leaves under 20 columns). A word longer than
// the room has a line of its own rather than being cut.
std::vector<std::string> WrapLabeled(const std::string& label, const std::string& text, int width);

// The report's text lines, wrapped to `width` (<= 0: not wrapped). Server
// text in it is shown escaped.
std::string DoctorText(const DoctorReport& report, int width);

// The columns of stdout when it is a terminal (TIOCGWINSZ, else COLUMNS,
// else 80, as the progress renderer reads them); 0 when it is not one.
int DoctorWidth();

}  // namespace hubget::cli
