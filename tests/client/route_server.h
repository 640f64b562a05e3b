// A loopback HTTP/1.1 server whose answers come from a handler function:
// the fake Hub, CAS and CDN of the Xet tests, each on its own loopback
// address (127.0.0.1, .2, .3) so that host, not only port, differs. Every
// request is recorded (method, target, headers) before it is answered, so a
// test can assert what each server saw. A reply can be cut after some body
// bytes (a dropped connection), or padded past its body, with or without a
// Content-Length, and the body bytes sent are counted. One thread per connection, `Connection:
// close` on every answer; port 0; stops and joins when destroyed. It binds
// when constructed and serves once started, so servers that name each other
// (the Hub's Link names the CAS) can all know their URLs before any answers.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hubget::testing {

struct RouteRequest {
  std::string method;
  std::string target;                          // path + query
  std::map<std::string, std::string> headers;  // lower-case names
  std::string Header(const std::string& lower_name) const;
  std::string Path() const { return target.substr(0, target.find('?')); }
};

struct RouteReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::size_t> cut_after;  // close after this many body bytes
  // After `body`, this many more bytes ('\0', the header of an empty chunk
  // again and again): an answer longer than its range, or endless.
  std::uint64_t pad_bytes = 0;
  bool close_delimited = false;  // no Content-Length: the body ends when the server closes
};

class RouteServer {
 public:
  using Handler = std::function<RouteReply(const RouteRequest&)>;
  explicit RouteServer(const std::string& address);
  void Start(Handler handler);
  ~RouteServer();
  // Stops accepting and joins every connection's thread; the destructor calls it too.
  // A fixture holding several servers whose handlers read one another stops them all
  // before any is destroyed.
  void Stop();
  RouteServer(const RouteServer&) = delete;
  RouteServer& operator=(const RouteServer&) = delete;

  std::string url() const;  // http://<address>:<port>
  std::vector<RouteRequest> requests() const;
  // Requests whose path starts with `prefix` (and method, when given).
  std::vector<RouteRequest> Matching(const std::string& prefix,
                                     const std::string& method = "") const;
  // Body bytes the kernel took from this server so far (a client that
  // stops reading stops this count a few socket buffers later).
  std::uint64_t body_bytes_sent() const { return body_bytes_sent_.load(); }

 private:
  void Accept();
  void Serve(int fd);

  std::string address_;
  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> body_bytes_sent_{0};
  mutable std::mutex mu_;
  std::vector<RouteRequest> requests_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace hubget::testing
