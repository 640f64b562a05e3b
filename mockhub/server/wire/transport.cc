// See transport.h.
#include "mockhub/server/wire/transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace mockhub {

namespace {

using std::chrono::milliseconds;

int PollFor(int fd, short events, milliseconds timeout) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int r = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, timeout.count())));
    if (r < 0 && errno == EINTR) continue;
    return r > 0 ? p.revents : 0;
  }
}

void Address(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  if ((peer ? ::getpeername(fd, sa, &len) : ::getsockname(fd, sa, &len)) != 0) return;
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    port = ntohs(in6->sin6_port);
  }
  ip = buf;
}

ssize_t TimedOut() {
  errno = ETIMEDOUT;
  return -1;
}

class Plain final : public Transport {
 public:
  explicit Plain(int fd) : Transport(fd) {}

  ssize_t Read(char* data, std::size_t n, milliseconds timeout) override {
    for (;;) {
      const ssize_t r = ::recv(fd_, data, n, 0);
      if (r >= 0) return r;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!WaitReadable(timeout)) return TimedOut();
    }
  }

  ssize_t Write(const char* data, std::size_t n, milliseconds timeout) override {
    for (;;) {
      const ssize_t r = ::send(fd_, data, n, MSG_NOSIGNAL);
      if (r >= 0) return r;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!WaitWritable(timeout)) return TimedOut();
    }
  }
};

class Tls final : public Transport {
 public:
  Tls(int fd, SSL* ssl) : Transport(fd), ssl_(ssl) {}
  ~Tls() override {
    // A close_notify if the socket takes it at once; never a wait.
    (void)SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }

  ssize_t Read(char* data, std::size_t n, milliseconds timeout) override {
    return Io(timeout, [&] { return SSL_read(ssl_, data, static_cast<int>(Clamp(n))); });
  }
  ssize_t Write(const char* data, std::size_t n, milliseconds timeout) override {
    return Io(timeout, [&] { return SSL_write(ssl_, data, static_cast<int>(Clamp(n))); });
  }
  bool Buffered() const override { return SSL_pending(ssl_) > 0; }

  // Drives the handshake on the non-blocking socket until done or the
  // deadline.
  bool Handshake(milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const int r = SSL_accept(ssl_);
      if (r == 1) return true;
      const int err = SSL_get_error(ssl_, r);
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (err == SSL_ERROR_WANT_READ && WaitReadable(left)) continue;
      if (err == SSL_ERROR_WANT_WRITE && WaitWritable(left)) continue;
      return false;
    }
  }

 private:
  static std::size_t Clamp(std::size_t n) { return std::min<std::size_t>(n, 1 << 30); }

  template <typename Op>
  ssize_t Io(milliseconds timeout, Op op) {
    for (;;) {
      ERR_clear_error();
      const int r = op();
      if (r > 0) return r;
      const int err = SSL_get_error(ssl_, r);
      if (err == SSL_ERROR_ZERO_RETURN) return 0;
      if (err == SSL_ERROR_WANT_READ) {
        if (WaitReadable(timeout)) continue;
        return TimedOut();
      }
      if (err == SSL_ERROR_WANT_WRITE) {
        if (WaitWritable(timeout)) continue;
        return TimedOut();
      }
      return -1;
    }
  }

  SSL* ssl_;
};

}  // namespace

Transport::Transport(int fd) : fd_(fd) {
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  Address(fd_, false, local_ip_, local_port_);
  Address(fd_, true, remote_ip_, remote_port_);
}

Transport::~Transport() = default;

bool Transport::WaitReadable(milliseconds timeout) const {
  return Buffered() || PollFor(fd_, POLLIN, timeout) != 0;
}

bool Transport::WaitWritable(milliseconds timeout) const {
  return (PollFor(fd_, POLLOUT, timeout) & (POLLOUT | POLLERR | POLLHUP)) != 0;
}

std::unique_ptr<Transport> PlainTransport(int fd) { return std::make_unique<Plain>(fd); }

StatusOr<std::shared_ptr<TlsAcceptor>> TlsAcceptor::Load(const std::string& cert_file,
                                                         const std::string& key_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return Internal("TLS server setup failed: no SSL context");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    SSL_CTX_free(ctx);
    return Internal("TLS server setup failed: cannot load " + cert_file + " and " + key_file);
  }
  std::shared_ptr<TlsAcceptor> acceptor(new TlsAcceptor());
  acceptor->ctx_ = ctx;
  return acceptor;
}

TlsAcceptor::~TlsAcceptor() { SSL_CTX_free(static_cast<SSL_CTX*>(ctx_)); }

std::unique_ptr<Transport> TlsAcceptor::Accept(int fd, milliseconds timeout) const {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx_));
  if (!ssl) return nullptr;
  SSL_set_fd(ssl, fd);
  auto tls = std::make_unique<Tls>(fd, ssl);  // owns ssl from here
  if (!tls->Handshake(timeout)) return nullptr;
  return tls;
}

}  // namespace mockhub
