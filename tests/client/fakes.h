// Test doubles for hubget: a gMock transport with helpers that play canned
// answers through the request's streaming callbacks (as libcurl would), a
// routing table for multi-request flows, a fake clock that records sleeps
// instead of sleeping, and temporary directories.
#pragma once

#include <gmock/gmock.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hubget/client.h"
#include "hubget/http.h"
#include "temp_dir.h"

namespace hubget::testing {

class MockTransport : public HttpTransport {
 public:
  MOCK_METHOD(Result<HttpResponse>, Send, (const HttpRequest& request), (override));
};

// A canned answer. With `cut_after` set, only that many body bytes are
// delivered and then a network error is returned (a dropped connection).
struct Canned {
  int status = 200;
  Headers headers;
  std::string body;
  std::optional<std::size_t> cut_after;
};

// Plays `c` through req.on_head / req.on_body like a real transport.
Result<HttpResponse> Play(const HttpRequest& req, const Canned& c);

// gMock action: Play a canned answer.
inline auto Reply(int status, Headers headers = {}, std::string body = "") {
  return [c = Canned{status, std::move(headers), std::move(body), std::nullopt}](
             const HttpRequest& r) { return Play(r, c); };
}
inline auto ReplyCut(int status, Headers headers, std::string body, std::size_t cut_after) {
  return [c = Canned{status, std::move(headers), std::move(body), cut_after}](
             const HttpRequest& r) { return Play(r, c); };
}
inline auto Fail(Kind kind) {
  return [kind](const HttpRequest& r) -> Result<HttpResponse> {
    Error e = MakeError(kind, "simulated");
    e.call.url = r.url;
    return e;
  };
}

// What a request looked like, for assertions after the fact.
struct Seen {
  std::string method;
  std::string url;
  Headers headers;
};

// A routing table: "METHOD URL" -> queue of answers (the last one repeats).
// Unknown routes answer 599 so a test fails loudly.
class Routes {
 public:
  void Add(const std::string& method, const std::string& url, Canned c);
  // Replaces whatever was queued for the route.
  void Set(const std::string& method, const std::string& url, Canned c);
  Result<HttpResponse> Handle(const HttpRequest& req);
  std::vector<Seen> seen() const;
  int Count(const std::string& method, const std::string& url_prefix = "") const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Canned>> routes_;
  std::vector<Seen> seen_;
};

class FakeClock : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return now_; }
  std::int64_t UnixNow() override { return unix_now + elapsed_seconds(); }
  void Sleep(std::chrono::milliseconds d) override {
    sleeps.push_back(d);
    now_ += d;
  }
  long long elapsed_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now_ - start_).count();
  }
  std::vector<std::chrono::milliseconds> sleeps;
  std::int64_t unix_now = 1767225600;  // 2026-01-01T00:00:00Z

 private:
  std::chrono::steady_clock::time_point start_{};
  std::chrono::steady_clock::time_point now_{};
};

// A fresh directory under the test temp dir, removed at destruction.
using TempDir = ::testsupport::TempDir;

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);
std::string Sha256Hex(const std::string& data);

inline constexpr const char* kEndpoint = "https://hub.test";
inline constexpr const char* kCdn = "https://cdn.test";
inline constexpr const char* kCommit = "0123456789abcdef0123456789abcdef01234567";
inline constexpr const char* kCommit2 = "89abcdef0123456789abcdef0123456789abcdef";

// A config for tests: endpoint hub.test, cache in `cache_dir`, a token from
// HF_TOKEN when given, zero-wait-free retry policy of the defaults.
ClientConfig TestConfig(const std::string& cache_dir, std::optional<std::string> token = {});

}  // namespace hubget::testing
