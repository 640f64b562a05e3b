// See route_server.h.
#include "route_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace hubget::testing {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

RouteRequest ParseRequest(const std::string& head) {
  RouteRequest r;
  std::istringstream in(head);
  std::string line;
  std::getline(in, line);
  std::istringstream first(line);
  first >> r.method >> r.target;
  while (std::getline(in, line) && line != "\r" && !line.empty()) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    r.headers[Lower(line.substr(0, colon))] = Trim(line.substr(colon + 1));
  }
  return r;
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 429:
      return "Too Many Requests";
    case 302:
      return "Found";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    default:
      return "Status";
  }
}

bool SendAll(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    n -= static_cast<std::size_t>(sent);
  }
  return true;
}

}  // namespace

std::string RouteRequest::Header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

RouteServer::RouteServer(const std::string& address) : address_(address) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  socklen_t len = sizeof addr;
  const int one = 1;
  if (listen_fd_ < 0 || ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1 ||
      ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw std::runtime_error("RouteServer: cannot listen on " + address);
  }
  port_ = ntohs(addr.sin_port);
}

void RouteServer::Start(Handler handler) {
  handler_ = std::move(handler);
  acceptor_ = std::thread([this] { Accept(); });
}

RouteServer::~RouteServer() {
  Stop();
  ::close(listen_fd_);
}

void RouteServer::Stop() {
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& t : connections_) {
    if (t.joinable()) t.join();
  }
}

std::string RouteServer::url() const { return "http://" + address_ + ":" + std::to_string(port_); }

std::vector<RouteRequest> RouteServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<RouteRequest> RouteServer::Matching(const std::string& prefix,
                                                const std::string& method) const {
  std::vector<RouteRequest> out;
  for (auto& r : requests()) {
    if (r.Path().rfind(prefix, 0) == 0 && (method.empty() || r.method == method)) out.push_back(r);
  }
  return out;
}

void RouteServer::Accept() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;  // wakes up to see stop_
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    connections_.emplace_back([this, fd] { Serve(fd); });
  }
}

void RouteServer::Serve(int fd) {
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536 && !stop_) {
    pollfd c{fd, POLLIN, 0};
    if (::poll(&c, 1, 50) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, static_cast<std::size_t>(n));
  }
  if (head.find("\r\n\r\n") == std::string::npos) {
    ::close(fd);
    return;
  }
  const RouteRequest request = ParseRequest(head);
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
  }
  const RouteReply reply = handler_(request);
  std::string out =
      "HTTP/1.1 " + std::to_string(reply.status) + " " + Reason(reply.status) + "\r\n";
  for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
  if (!reply.close_delimited) {
    out += "Content-Length: " + std::to_string(reply.body.size() + reply.pad_bytes) + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  const std::size_t head_size = out.size();
  if (request.method != "HEAD") {
    const std::size_t n = std::min(reply.body.size(), reply.cut_after.value_or(reply.body.size()));
    out.append(reply.body, 0, n);
  }
  bool sent = SendAll(fd, out.data(), out.size());
  if (sent) body_bytes_sent_ += out.size() - head_size;
  if (request.method != "HEAD" && !reply.cut_after) {
    const std::string pad(std::size_t{64} * 1024, '\0');
    for (std::uint64_t left = reply.pad_bytes; sent && left > 0 && !stop_;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, pad.size()));
      sent = SendAll(fd, pad.data(), n);
      if (sent) body_bytes_sent_ += n;
      left -= n;
    }
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

}  // namespace hubget::testing
