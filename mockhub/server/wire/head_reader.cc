// See head_reader.h.
#include "mockhub/server/wire/head_reader.h"

#include <cerrno>
#include <nlohmann/json.hpp>

namespace mockhub {

namespace {

using std::chrono::milliseconds;

bool KnownMethod(const std::string& m) {
  for (const char* k : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (m == k) return true;
  }
  return false;
}

const char* Reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

HeadRead Refused(RequestHead head, HeadError why) {
  return {HeadRead::kRefused, std::move(head), std::move(why)};
}

// A complete head in the inbox, parsed and consumed.
HeadRead TakeHead(Inbox& in, const HeadScan& scan, const HeadLimits& limits) {
  HeadRead out;
  HeadError err = ParseHead(in.view().substr(scan.begin, scan.end - scan.begin), limits, out.head);
  in.Consume(scan.end);
  if (err.ok() && !KnownMethod(out.head.method))
    err = {405, "the method " + out.head.method + " is not served"};
  if (!err.ok()) return Refused(std::move(out.head), std::move(err));
  out.kind = HeadRead::kHead;
  return out;
}

}  // namespace

void Inbox::Consume(std::size_t n) {
  off += n;
  if (off == bytes.size() || off > (1u << 16)) {
    bytes.erase(0, off);
    off = 0;
  }
}

HeadRead ReadRequestHead(Transport& t, Inbox& in, const HeadDeadlines& deadlines,
                         const std::atomic<bool>& stopped) {
  const HeadLimits limits;
  auto deadline = std::chrono::steady_clock::now() + deadlines.first_byte;
  bool started = in.size() > 0;
  char buf[16384];
  for (;;) {
    const HeadScan scan = ScanHead(in.view(), limits);
    if (!scan.error.ok()) return Refused({}, scan.error);
    if (scan.end != 0) return TakeHead(in, scan, limits);
    if (stopped.load()) return {};
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (!started) return {};
      return Refused({}, {408, "the request head did not arrive within " +
                                   std::to_string(deadlines.head.count()) + " ms"});
    }
    const ssize_t n = t.Read(buf, sizeof buf, left);
    if (n == 0) return {};  // the peer closed
    if (n < 0) {
      if (errno != ETIMEDOUT) return {};  // the connection broke
      continue;                           // the deadline: answered at the top
    }
    if (!started) deadline = std::chrono::steady_clock::now() + deadlines.head;
    started = true;
    in.bytes.append(buf, static_cast<std::size_t>(n));
  }
}

HeadError TooManyConnections() {
  return {503, "too many open connections on this site, retry later"};
}

void WriteRefusal(Transport& t, const HeadError& why, const std::string& http_date,
                  milliseconds timeout) {
  const std::string body = nlohmann::json{{"error", "mockhub: " + why.message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string text =
      "HTTP/1.1 " + std::to_string(why.status) + " " + Reason(why.status) +
      "\r\nContent-Type: application/json\r\nDate: " + http_date +
      (why.status == 503 ? "\r\nRetry-After: 1" : "") +
      "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (std::size_t off = 0; off < text.size();) {
    const ssize_t n = t.Write(text.data() + off, text.size() - off, timeout);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace mockhub
