// The request head as mockhub reads it off the wire, before any HTTP library
// sees it: bounded in size and field count, strict about framing, and
// without the rewrites cpp-httplib makes (it percent-decodes header values,
// drops empty ones and answers a Range it cannot parse with a bare 416).
// Plain functions of bytes; no sockets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mockhub {

struct HeadLimits {
  std::size_t max_request_line = 8192;  // longer: 414
  std::size_t max_head_bytes = 65536;   // request line and fields; more: 431
  std::size_t max_fields = 100;         // more: 431
};

struct RequestHead {
  std::string method;
  std::string target;   // raw: not percent-decoded
  std::string version;  // "HTTP/1.0" or "HTTP/1.1"
  // In arrival order; names as sent, values without surrounding whitespace,
  // empty values kept.
  std::vector<std::pair<std::string, std::string>> fields;
};

// Why a head is refused: the status mockhub answers and a sentence for the
// body. status 0: no error.
struct HeadError {
  int status = 0;
  std::string message;
  bool ok() const { return status == 0; }
};

// Where the head in `buffer` ends. Empty lines before the request line are
// skipped (RFC 9112 section 2.2); lines end with CRLF.
struct HeadScan {
  std::size_t begin = 0;  // first byte of the request line
  std::size_t end = 0;    // one past the blank line; 0 while incomplete
  HeadError error;        // the buffer already breaks a limit
};
HeadScan ScanHead(std::string_view buffer, const HeadLimits& limits);

// Parses a complete head (request line and fields, up to the blank line).
HeadError ParseHead(std::string_view head, const HeadLimits& limits, RequestHead& out);

// The value of the first field with this name (ASCII case-insensitive), or
// nullptr.
const std::string* FindField(const RequestHead& head, std::string_view name);

}  // namespace mockhub
