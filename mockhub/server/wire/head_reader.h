// Reading the next request head off a connection, within its deadlines, and
// writing the answer to a head that is refused. Between the transport and the
// HTTP glue: no HTTP library here.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "mockhub/server/wire/request_head.h"
#include "mockhub/server/wire/transport.h"

namespace mockhub {

// What has been read off a connection and not yet handed on: the bytes past
// a head (a body, pipelined requests) wait here for the next reader.
struct Inbox {
  std::string bytes;
  std::size_t off = 0;
  std::size_t size() const { return bytes.size() - off; }
  std::string_view view() const { return std::string_view(bytes).substr(off); }
  void Consume(std::size_t n);
};

struct HeadDeadlines {
  std::chrono::milliseconds first_byte;  // a new connection: the head timeout; later: idle
  std::chrono::milliseconds head;        // from the first byte to the blank line
};

struct HeadRead {
  enum Kind { kHead, kClosed, kRefused } kind = kClosed;
  RequestHead head;   // kHead; for kRefused, what could be parsed
  HeadError refusal;  // kRefused: the answer to write
};

// The next head. A connection that stays silent, closes or breaks is kClosed
// (no answer); a head that breaks a limit, does not finish within
// `deadlines.head`, or names an unknown method is kRefused.
HeadRead ReadRequestHead(Transport& t, Inbox& in, const HeadDeadlines& deadlines,
                         const std::atomic<bool>& stopped);

// The answer to a request on a connection the site has no room for (the
// listener's canned 503, for a reserved slot that is not for the admin API).
HeadError TooManyConnections();

// The refusal as an HTTP answer with Connection: close (and Retry-After: 1
// for a 503); best effort within `timeout`.
void WriteRefusal(Transport& t, const HeadError& why, const std::string& http_date,
                  std::chrono::milliseconds timeout);

}  // namespace mockhub
