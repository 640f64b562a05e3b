// Escaping for the runner's reports (JUnit XML, the HTML page): text and
// quoted attribute values from scenarios, clients and the journal, which
// nobody controls.
#pragma once

#include <string>

namespace mockhub::runner {

// & < > " ' as entities; control characters (but newline and tab) as '?';
// bytes that are not UTF-8 as U+FFFD, so a report stays well-formed
// whatever bytes a request line or a client's output held.
std::string EscapeMarkup(const std::string& s);

}  // namespace mockhub::runner
