// Escaping for the runner's reports (JUnit XML, the HTML page) and for its
// terminal output: text and quoted attribute values from scenarios, clients
// and the journal, which nobody controls.
#pragma once

#include <string>

namespace mockhub::runner {

// & < > " ' as entities; control characters (but newline and tab) as '?';
// bytes that are not UTF-8 as U+FFFD, so a report stays well-formed
// whatever bytes a request line or a client's output held.
std::string EscapeMarkup(const std::string& s);

// Text for a terminal, shown and never obeyed (a scenario named
// "\x1b]0;pwned\x07" must not retitle the window), in hubget's convention:
// C0 controls and DEL as \xNN, C1 (U+0080-U+009F) as \u00NN, each byte that
// is not UTF-8 as \xNN; printable UTF-8 kept. With `keep_newlines`, '\n'
// stays (a client's output, several lines). Escaping twice changes nothing
// more.
std::string EscapeTerminal(const std::string& s, bool keep_newlines = false);

}  // namespace mockhub::runner
