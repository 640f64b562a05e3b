// The one way mockhub reads a file or JSON text it did not write: world
// files, scenario files, adapter files, a client's outcome line, request
// bodies. Such input may be hostile, so:
//   * only a regular file is read (after symlinks; a FIFO or a device is
//     refused without blocking), and at most kMaxUntrustedFileBytes of it;
//   * nesting deeper than kMaxJsonDepth is refused while parsing, so no
//     recursive code (a copy, merge_patch, a destructor) ever sees a deep value;
//   * a number out of range (1e400, a 400-digit integer) and a key repeated
//     in one object are errors, not an exception or a silent "last one wins".
// Every error names the file and the JSON pointer of the offending place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mockhub/base/load_error.h"

namespace mockhub {

inline constexpr std::size_t kMaxUntrustedFileBytes = std::size_t{64} << 20;  // 64 MiB
inline constexpr std::size_t kMaxJsonDepth = 64;  // arrays and objects, one inside another

// The bytes of a regular file of at most kMaxUntrustedFileBytes.
Loaded<std::string> ReadUntrustedFile(const std::string& path);

// Parses `text` under the rules above; `file` names it in errors. Linear in
// the text: a checking pass (nlohmann's SAX parser), then a plain parse.
// `work`, if set, receives the checking pass's SAX events and key
// comparisons, for tests that show it grows with the text, not its square.
Loaded<nlohmann::json> ParseUntrustedJson(std::string_view text, const std::string& file,
                                          std::uint64_t* work = nullptr);

// ReadUntrustedFile, then ParseUntrustedJson.
Loaded<nlohmann::json> ReadUntrustedJsonFile(const std::string& path);

}  // namespace mockhub
