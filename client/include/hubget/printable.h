// Text from a server (X-Error-Message, a JSON "error", header values, body
// excerpts) is shown to a person, never obeyed by their terminal: an
// X-Error-Message with ESC ] 0 ; ... BEL retitles the window, ESC [ 2 J
// clears it. Every such text passes through here on its way out.
#pragma once

#include <string>

namespace hubget {

// `text` with every control character replaced by a visible escape: C0
// (U+0000-U+001F, tab and line breaks included) and DEL as \xNN, C1
// (U+0080-U+009F) as \u00NN, and each byte that is not part of valid UTF-8
// as \xNN. Everything else, printable UTF-8 included, is kept; the result is
// valid UTF-8 and printable ASCII for what was escaped. Escaping twice
// changes nothing more.
std::string EscapeControls(const std::string& text);

}  // namespace hubget
