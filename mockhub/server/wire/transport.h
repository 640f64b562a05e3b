// One accepted connection's bytes, plain or TLS, with a time bound on every
// wait: the connection loop and the HTTP glue read and write through this
// and never block longer than they said. The descriptor stays the
// listener's (it closes it). The only user
// of OpenSSL's TLS API in mockhub (tls.cc makes certificates).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "mockhub/base/status.h"

namespace mockhub {

class Transport {
 public:
  virtual ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Up to n bytes, waiting at most `timeout` for the first. > 0: bytes read;
  // 0: the peer closed; -1: error, or timeout with errno ETIMEDOUT.
  virtual ssize_t Read(char* data, std::size_t n, std::chrono::milliseconds timeout) = 0;
  // Writes some of the bytes, waiting at most `timeout`; -1 on error.
  virtual ssize_t Write(const char* data, std::size_t n, std::chrono::milliseconds timeout) = 0;
  // Whether bytes are already decrypted and waiting (TLS).
  virtual bool Buffered() const { return false; }
  // Waits until a read would not block (or the timeout).
  bool WaitReadable(std::chrono::milliseconds timeout) const;
  bool WaitWritable(std::chrono::milliseconds timeout) const;

  int fd() const { return fd_; }
  const std::string& local_ip() const { return local_ip_; }
  int local_port() const { return local_port_; }
  const std::string& remote_ip() const { return remote_ip_; }
  int remote_port() const { return remote_port_; }

 protected:
  explicit Transport(int fd);
  int fd_;

 private:
  std::string local_ip_, remote_ip_;
  int local_port_ = 0, remote_port_ = 0;
};

std::unique_ptr<Transport> PlainTransport(int fd);

// A server certificate and key, loaded once per site.
class TlsAcceptor {
 public:
  static StatusOr<std::shared_ptr<TlsAcceptor>> Load(const std::string& cert_file,
                                                     const std::string& key_file);
  ~TlsAcceptor();
  TlsAcceptor(const TlsAcceptor&) = delete;
  TlsAcceptor& operator=(const TlsAcceptor&) = delete;
  // Runs the handshake within `timeout`; nullptr when it fails or the client
  // stays silent.
  std::unique_ptr<Transport> Accept(int fd, std::chrono::milliseconds timeout) const;

 private:
  TlsAcceptor() = default;
  void* ctx_ = nullptr;  // SSL_CTX
};

}  // namespace mockhub
