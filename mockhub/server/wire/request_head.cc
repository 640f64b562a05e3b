// See request_head.h.
#include "mockhub/server/wire/request_head.h"

#include <algorithm>
#include <cctype>

#include "mockhub/base/text_parse.h"

namespace mockhub {

namespace {

bool IsTokenChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return kExtra.find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsTokenChar(static_cast<unsigned char>(c));
  });
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

HeadError Refuse(int status, std::string message) { return {status, std::move(message)}; }

// The request target: visible characters only (bytes above 0x7f are let
// through, as nginx does, and left for the routes to judge).
bool ValidTarget(std::string_view t) {
  return !t.empty() && std::none_of(t.begin(), t.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

HeadError ParseRequestLine(std::string_view line, const HeadLimits& limits, RequestHead& out) {
  if (line.size() > limits.max_request_line)
    return Refuse(414, "the request line is longer than " +
                           std::to_string(limits.max_request_line) + " bytes");
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return Refuse(400, "the request line is not 'METHOD target HTTP/1.1'");
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!IsToken(method)) return Refuse(400, "the method is not a token");
  if (!ValidTarget(target)) return Refuse(400, "the request target holds a control character");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    const bool http = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                      std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
                      std::isdigit(static_cast<unsigned char>(version[7]));
    return http ? Refuse(505, "only HTTP/1.0 and HTTP/1.1 are served")
                : Refuse(400, "the request line does not end with an HTTP version");
  }
  out.method = std::string(method);
  out.target = std::string(target);
  out.version = std::string(version);
  return {};
}

HeadError ParseField(std::string_view line, RequestHead& out) {
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
    return Refuse(400, "a header line is folded (obs-fold is not accepted)");
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return Refuse(400, "a header line has no ':'");
  const auto name = line.substr(0, colon);
  if (!IsToken(name)) return Refuse(400, "a header name is empty or holds a space or separator");
  const auto value = Trim(line.substr(colon + 1));
  if (std::any_of(value.begin(), value.end(), [](char c) { return c == '\0' || c == '\r'; }))
    return Refuse(400, "a header value holds a NUL or CR");
  out.fields.emplace_back(std::string(name), std::string(value));
  return {};
}

// Content-Length and Transfer-Encoding decide where the next request starts:
// anything ambiguous is refused (RFC 9112 section 6.3).
HeadError CheckFraming(const RequestHead& head) {
  const std::string* length = nullptr;
  bool chunked = false;
  for (const auto& [name, value] : head.fields) {
    if (EqualsNoCase(name, "Content-Length")) {
      if (!ParseDigits(value, 18)) return Refuse(400, "Content-Length is not a number");
      if (length && *length != value) return Refuse(400, "two different Content-Length values");
      length = &value;
    } else if (EqualsNoCase(name, "Transfer-Encoding")) {
      if (!EqualsNoCase(value, "chunked") || chunked)
        return Refuse(501, "only Transfer-Encoding: chunked is understood");
      chunked = true;
    }
  }
  if (chunked && length) return Refuse(400, "both Content-Length and Transfer-Encoding");
  if (chunked && head.version == "HTTP/1.0")
    return Refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
  return {};
}

}  // namespace

HeadScan ScanHead(std::string_view buffer, const HeadLimits& limits) {
  HeadScan scan;
  while (buffer.substr(scan.begin, 2) == "\r\n") scan.begin += 2;
  const auto rest = buffer.substr(scan.begin);
  const auto first_eol = rest.find("\r\n");
  if ((first_eol == std::string_view::npos ? rest.size() : first_eol) > limits.max_request_line) {
    scan.error = Refuse(414, "the request line is longer than " +
                                 std::to_string(limits.max_request_line) + " bytes");
    return scan;
  }
  // The blank line. Lines end with CRLF: a bare LF is not taken as an end
  // of line (ParseHead refuses it), as the Hub's front refuses it.
  const auto blank =
      first_eol == std::string_view::npos ? first_eol : rest.find("\r\n\r\n", first_eol);
  if (blank != std::string_view::npos && blank + 4 <= limits.max_head_bytes) {
    scan.end = scan.begin + blank + 4;
    return scan;
  }
  if (rest.size() > limits.max_head_bytes)
    scan.error = Refuse(
        431, "the request head is larger than " + std::to_string(limits.max_head_bytes) + " bytes");
  return scan;
}

HeadError ParseHead(std::string_view head, const HeadLimits& limits, RequestHead& out) {
  out = RequestHead{};
  bool first = true;
  while (!head.empty()) {
    const auto eol = head.find("\r\n");
    const auto line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 2);
    if (line.empty()) break;  // the blank line
    if (line.find_first_of("\r\n") != std::string_view::npos)
      return Refuse(400, "a line of the request head ends with a bare CR or LF");
    if (first) {
      if (HeadError e = ParseRequestLine(line, limits, out); !e.ok()) return e;
      first = false;
      continue;
    }
    if (out.fields.size() >= limits.max_fields)
      return Refuse(431, "more than " + std::to_string(limits.max_fields) + " header fields");
    if (HeadError e = ParseField(line, out); !e.ok()) return e;
  }
  if (first) return Refuse(400, "no request line");
  return CheckFraming(out);
}

const std::string* FindField(const RequestHead& head, std::string_view name) {
  for (const auto& [n, v] : head.fields) {
    if (EqualsNoCase(n, name)) return &v;
  }
  return nullptr;
}

}  // namespace mockhub
