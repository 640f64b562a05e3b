// A loopback HTTP server that answers every request with the same raw bytes.
// For what mockhub cannot send because its worlds and faults are JSON: header
// bytes that are not UTF-8, say. Port 0, stops by itself after `max_requests`
// or when destroyed.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace hubget::testing {

class CannedServer {
 public:
  // `response` is written verbatim after each request's headers arrive; the
  // connection is then closed.
  explicit CannedServer(std::string response, int max_requests = 20);
  ~CannedServer();
  CannedServer(const CannedServer&) = delete;
  CannedServer& operator=(const CannedServer&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>
  int served() const { return served_.load(); }

 private:
  void Serve();

  std::string response_;
  int max_requests_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::thread thread_;
};

}  // namespace hubget::testing
