// See listener.h.
#include "mockhub/server/wire/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace mockhub {

namespace {

const std::string& Refusal() {
  static const std::string text = [] {
    const std::string body =
        "{\"error\":\"mockhub: too many open connections on this site, retry later\"}";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return text;
}

// Sites bind addresses, never names looked up: "localhost" is the loopback address, and
// anything else must be numeric. Name lookup goes through glibc's NSS modules, which the
// static portable build cannot load soundly (cmake/Portable.cmake), and a mock that binds
// whatever a name resolves to could end up listening beyond loopback.
int OpenListening(const std::string& host, int port, std::string& why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const std::string address = host == "localhost" ? "127.0.0.1" : host;
  if (const int rc = ::getaddrinfo(address.c_str(), service.c_str(), &hints, &found); rc != 0) {
    why = rc == EAI_NONAME ? "not an IP address (give one, or localhost)" : ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR lets a restarted server take a port in TIME_WAIT; never
    // SO_REUSEPORT, which would let two servers split one port's traffic.
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 512) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
}

}  // namespace

Listener::~Listener() { Stop(); }

StatusOr<int> Listener::Bind(const std::string& host, int port) {
  std::string why;
  listen_fd_ = OpenListening(host, port, why);
  if (listen_fd_ < 0) return Unavailable(why);
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) return Internal(std::strerror(errno));
  return BoundPort(listen_fd_);
}

void Listener::Start(Serve serve) {
  serve_ = std::move(serve);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

std::size_t Listener::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_fds_.size();
}

// The answer to a connection beyond the limit, written without waiting.
// The connection is then kept half-closed for a moment while what the client
// sends is read and dropped: closing with unread bytes would send an RST that
// can destroy the 503 before the client reads it.
void Listener::Refuse(int fd) {
  refused_.fetch_add(1);
  if (plain_http_)
    (void)::send(fd, Refusal().data(), Refusal().size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(fd, SHUT_WR);
  if (draining_.size() >= kMaxDraining) {
    ::close(fd);
    return;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  draining_.push_back({fd, std::chrono::steady_clock::now() + std::chrono::seconds(1)});
}

// Reads and drops what refused clients send; closes each at its EOF or
// deadline.
void Listener::Drain(bool stopping) {
  const auto now = std::chrono::steady_clock::now();
  char sink[4096];
  for (auto it = draining_.begin(); it != draining_.end();) {
    ssize_t r = 1;
    while (!stopping && (r = ::recv(it->fd, sink, sizeof sink, 0)) > 0) {
    }
    const bool open = !stopping && now < it->deadline && r < 0 && errno == EAGAIN;
    if (open) {
      ++it;
      continue;
    }
    ::close(it->fd);
    it = draining_.erase(it);
  }
}

void Listener::Reap() {
  std::vector<std::thread> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto id : finished_) {
      auto it = threads_.find(id);
      if (it == threads_.end()) continue;
      done.push_back(std::move(it->second));
      threads_.erase(it);
    }
    finished_.clear();
  }
  for (auto& t : done) t.join();
}

void Listener::AcceptLoop() {
  std::vector<pollfd> fds;
  while (!stopping_.load()) {
    Reap();
    fds.assign({{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}});
    for (const auto& d : draining_) fds.push_back({d.fd, POLLIN, 0});
    const int ready = ::poll(fds.data(), fds.size(), draining_.empty() ? 200 : 50);
    Drain(false);
    if (ready <= 0 || stopping_.load() || !(fds[0].revents & POLLIN)) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors: leave the connection in the backlog a moment
      // rather than spin.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        ::poll(nullptr, 0, 10);
      continue;
    }
    const int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    std::lock_guard<std::mutex> lock(mu_);
    if (open_fds_.size() >= max_connections_ + reserve_) {
      Refuse(fd);
      continue;
    }
    const bool reserved = open_fds_.size() >= max_connections_;
    const std::uint64_t id = ++next_id_;
    open_fds_[id] = fd;
    threads_[id] = std::thread([this, id, fd, reserved] {
      serve_(fd, reserved);
      // Closed under the lock, so Stop never shuts down a reused number.
      std::lock_guard<std::mutex> done(mu_);
      ::close(fd);
      open_fds_.erase(id);
      finished_.push_back(id);
    });
  }
  Drain(true);
}

void Listener::Stop() {
  if (stopping_.exchange(true)) return;
  if (wake_[1] >= 0) (void)::write(wake_[1], "x", 1);
  if (acceptor_.joinable()) acceptor_.join();
  {
    // Every connection thread is in a bounded wait on its socket: shutting
    // the sockets down ends those waits now.
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, fd] : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  std::map<std::uint64_t, std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  for (auto& [id, t] : threads) t.join();
  for (int* fd : {&listen_fd_, &wake_[0], &wake_[1]}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

}  // namespace mockhub
