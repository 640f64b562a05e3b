// See canned_server.h.
#include "canned_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace hubget::testing {

CannedServer::CannedServer(std::string response, int max_requests)
    : CannedServer(Handler([response](const std::string&) { return response; }), max_requests) {}

CannedServer::CannedServer(Handler handler, int max_requests)
    : handler_(std::move(handler)), max_requests_(max_requests) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 8) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw std::runtime_error("CannedServer: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

CannedServer::~CannedServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string CannedServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<std::string> CannedServer::request_lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

std::string MethodOf(const std::string& request) { return request.substr(0, request.find(' ')); }

void CannedServer::Serve() {
  while (!stop_ && served_ < max_requests_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;  // wakes up to see stop_
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
      pollfd c{fd, POLLIN, 0};
      if (::poll(&c, 1, 2000) <= 0) break;  // a silent client: answer anyway
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      request.append(buf, static_cast<std::size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(request.substr(0, request.find("\r\n")));
    }
    // Counted before the answer goes out: a client that has its answer may
    // exit, and the test read served(), before this thread runs again.
    ++served_;
    const std::string response = handler_(request);
    std::size_t sent = 0;
    while (sent < response.size()) {
      const ssize_t n = ::send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
}

}  // namespace hubget::testing
