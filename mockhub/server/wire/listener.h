// One site's listening socket and its connections: an accept loop that
// gives each connection a thread of its own up to a limit, then a few more
// marked "reserved" (the glue serves those only for the admin API, so that
// hundreds of idle clients cannot lock it out), answers the connections
// beyond both with a 503 (plain HTTP) or closes them (TLS) at once, and on
// Stop wakes every connection and joins every thread. A slow or silent client
// holds one thread and nothing else, so the health and admin routes and
// other downloads go on (cpp-httplib's fixed pool of 32 threads did not). No
// HTTP here beyond the canned refusal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mockhub/base/status.h"

namespace mockhub {

class Listener {
 public:
  // Runs on the connection's own thread; the listener closes the descriptor
  // after it returns. `reserved`: accepted beyond max_connections, on one of
  // the `reserve` slots.
  using Serve = std::function<void(int fd, bool reserved)>;

  Listener(std::size_t max_connections, std::size_t reserve, bool plain_http)
      : max_connections_(max_connections), reserve_(reserve), plain_http_(plain_http) {}
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds host:port (port 0: a free one), without SO_REUSEPORT, and listens.
  // Returns the port.
  StatusOr<int> Bind(const std::string& host, int port);
  void Start(Serve serve);
  // Stops accepting, shuts every open connection down and joins its thread.
  void Stop();

  std::size_t active() const;
  std::uint64_t refused() const { return refused_.load(); }

 private:
  void AcceptLoop();
  void Refuse(int fd);
  void Drain(bool stopping);
  void Reap();

  struct Draining {
    int fd;
    std::chrono::steady_clock::time_point deadline;
  };
  static constexpr std::size_t kMaxDraining = 256;

  const std::size_t max_connections_;
  const std::size_t reserve_;
  const bool plain_http_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  Serve serve_;
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> refused_{0};
  std::vector<Draining> draining_;  // refused, half-closed; the accept loop's only

  mutable std::mutex mu_;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, std::thread> threads_;
  std::map<std::uint64_t, int> open_fds_;  // connection id -> descriptor
  std::vector<std::uint64_t> finished_;    // ids whose threads can be joined
};

}  // namespace mockhub
