// A loopback HTTP server that answers each request with raw bytes: the same
// bytes every time, or what a handler makes of the request. For what mockhub
// cannot send because its worlds and faults are JSON: header bytes that are
// not UTF-8, a Location to another protocol, a Link that points to itself.
// Port 0, stops by itself after `max_requests` or when destroyed.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hubget::testing {

class CannedServer {
 public:
  // Gets the request's line and headers as received; returns the response.
  using Handler = std::function<std::string(const std::string& request)>;

  // `response` is written verbatim after each request's headers arrive; the
  // connection is then closed.
  explicit CannedServer(std::string response, int max_requests = 20);
  explicit CannedServer(Handler handler, int max_requests = 20);
  ~CannedServer();
  CannedServer(const CannedServer&) = delete;
  CannedServer& operator=(const CannedServer&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>
  int port() const { return port_; }
  // Connections accepted (each one is answered once, then closed).
  int served() const { return served_.load(); }
  // The request line ("GET /x HTTP/1.1") of each connection, in order.
  std::vector<std::string> request_lines() const;

 private:
  void Serve();

  Handler handler_;
  int max_requests_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  std::thread thread_;
};

// The method of a raw request ("HEAD", "GET", ...).
std::string MethodOf(const std::string& request);

}  // namespace hubget::testing
