// See raw_http.h.
#include "raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace testsupport {
namespace {
bool IEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}
}  // namespace

std::string RawResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return "";
}

bool RawResponse::Has(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return true;
  }
  return false;
}

bool SplitBase(const std::string& base, std::string& host, int& port) {
  const std::string prefix = "http://";
  if (base.rfind(prefix, 0) != 0) return false;
  const std::string rest = base.substr(prefix.size());
  const auto colon = rest.find(':');
  if (colon == std::string::npos) return false;
  host = rest.substr(0, colon);
  port = std::atoi(rest.substr(colon + 1).c_str());
  return port > 0;
}

namespace {

// Decodes a chunked body in place (chunk extensions and trailers ignored).
bool Dechunk(std::string& body) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const auto eol = body.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    const std::size_t size = std::strtoull(body.c_str() + pos, nullptr, 16);
    if (size == 0) break;
    if (eol + 2 + size + 2 > body.size()) return false;
    out.append(body, eol + 2, size);
    pos = eol + 2 + size + 2;
  }
  body = std::move(out);
  return true;
}

}  // namespace

int Connect(const std::string& base) {
  std::string host;
  int port = 0;
  if (!SplitBase(base, host, port)) return -1;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

RawResponse SendRaw(const std::string& base, const std::string& bytes,
                    std::chrono::milliseconds timeout, bool head) {
  RawResponse r;
  std::string host;
  int port = 0;
  if (!SplitBase(base, host, port)) {
    r.error = "bad base URL " + base;
    return r;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    r.error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return r;
  }
  std::size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading all
    off += static_cast<std::size_t>(n);
  }
  std::string in;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.error = "timed out after " + std::to_string(timeout.count()) + " ms with " +
                std::to_string(in.size()) + " bytes read";
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == ECONNRESET) r.reset = true;
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
    // Stop at a complete response so keep-alive servers need not close.
    const auto end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      RawResponse probe;
      const std::string head_part = in.substr(0, end);
      const auto cl_pos = head_part.find("\r\nContent-Length: ");
      if (head) break;
      if (head_part.find("\r\nTransfer-Encoding: chunked") != std::string::npos &&
          in.size() >= end + 4 + 5 && in.compare(in.size() - 5, 5, "0\r\n\r\n") == 0)
        break;
      if (cl_pos != std::string::npos) {
        const std::size_t cl = std::strtoull(head_part.c_str() + cl_pos + 18, nullptr, 10);
        if (in.size() >= end + 4 + cl) break;
      }
    }
  }
  ::close(fd);
  const auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (r.error.empty()) r.error = "no complete response (" + std::to_string(in.size()) + " bytes)";
    return r;
  }
  std::size_t line_end = in.find("\r\n");
  const std::string status_line = in.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    r.error = "bad status line: " + status_line;
    return r;
  }
  r.status = std::atoi(status_line.c_str() + 9);
  std::size_t pos = line_end + 2;
  while (pos < end) {
    const std::size_t e = in.find("\r\n", pos);
    const std::string line = in.substr(pos, e - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      r.headers.emplace_back(line.substr(0, colon), v);
    }
    pos = e + 2;
  }
  r.body = head ? "" : in.substr(end + 4);
  if (r.Header("Transfer-Encoding") == "chunked" && !Dechunk(r.body)) {
    r.error = "a malformed chunked body";
    return r;
  }
  r.ok = true;
  return r;
}

RawResponse Request(const std::string& base, const std::string& method, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    std::chrono::milliseconds timeout) {
  std::string host;
  int port = 0;
  SplitBase(base, host, port);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host + ":" +
                    std::to_string(port) + "\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  return SendRaw(base, req, timeout, method == "HEAD");
}

RawResponse GetUrl(const std::string& url,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   std::chrono::milliseconds timeout) {
  const auto slash = url.find('/', 7);
  return Request(url.substr(0, slash), "GET", url.substr(slash), headers, timeout);
}

}  // namespace testsupport
