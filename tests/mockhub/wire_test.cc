// mockhub's own connection layer through real sockets (issue 12): request
// heads read by mockhub, not rewritten by cpp-httplib (W1-W3), bounded in
// size (H2) and time, pipelining (H7), a connection limit that leaves health
// and downloads answering while hundreds of clients hang (H1), the journal's
// byte bound and streamed JSON (H3), and a port that is already taken. Issue
// 25, N13: the admin API still answers when every connection slot is held,
// and a body that drips is cut at its deadline.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "mockhub/faults/faults.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"
#include "wait_for.h"

namespace mockhub {
namespace {

using testsupport::Connect;
using testsupport::GetUrl;
using testsupport::RawResponse;
using testsupport::Request;
using testsupport::SendRaw;
using testsupport::SplitBase;
using testsupport::WaitFor;

const std::string kClip = "/InvokeAI/ip_adapter_sd_image_encoder";
// One try of a request inside a WaitFor that tries again until its own
// (default) bound: short, so a try that hangs leaves room for the next.
constexpr std::chrono::seconds kOneTry{2};

std::unique_ptr<MockServer> StartServer(ServerOptions opts = {}) {
  auto started = MockServer::Start(DemoWorld(), std::move(opts));
  EXPECT_TRUE(started) << started.status().message();
  return started ? std::move(*started) : nullptr;
}

// Everything the server sends until it closes or `timeout` passes;
// `closed` says which.
std::string ReadAll(int fd, std::chrono::milliseconds timeout, bool* closed = nullptr) {
  std::string in;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  if (closed) *closed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      break;
    }
    in.append(buf, static_cast<std::size_t>(n));
  }
  return in;
}

std::size_t Count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// The soft descriptor limit raised to the hard one, for tests that hold
// hundreds of connections in this process.
void RaiseDescriptorLimit() {
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

TEST(WireTest, PipelinedRequestsAreAllAnswered) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const int fd = Connect(server->hub_url());
  ASSERT_GE(fd, 0);
  const std::string get = "GET " + kClip + "/resolve/main/config.json HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string last = "GET /api/whoami-v2 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  const std::string all = get + get + last;
  ASSERT_EQ(::send(fd, all.data(), all.size(), MSG_NOSIGNAL), static_cast<ssize_t>(all.size()));
  const std::string in = ReadAll(fd, testsupport::kWaitDefault);
  ::close(fd);
  EXPECT_EQ(Count(in, "HTTP/1.1 200 OK"), 2u) << in.substr(0, 400);
  EXPECT_EQ(Count(in, "HTTP/1.1 401"), 1u) << "the third pipelined request was not answered";
}

// A client that trusts the Keep-Alive hint (Node's agent reuses a socket
// until a second before it) must never send on a connection the mock is
// already closing: the hint is what the connection loop applies.
TEST(WireTest, TheAnnouncedKeepAliveTimeoutIsTheOneApplied) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const int fd = Connect(server->hub_url());
  ASSERT_GE(fd, 0);
  const std::string get = "GET " + kClip + "/resolve/main/config.json HTTP/1.1\r\nHost: h\r\n\r\n";
  ASSERT_EQ(::send(fd, get.data(), get.size(), MSG_NOSIGNAL), static_cast<ssize_t>(get.size()));
  bool closed = false;
  const std::string first = ReadAll(fd, std::chrono::milliseconds(500), &closed);
  ASSERT_FALSE(closed) << first.substr(0, 400);
  const auto at = first.find("Keep-Alive: timeout=");
  ASSERT_NE(at, std::string::npos) << first.substr(0, 400);
  const int announced = std::atoi(first.c_str() + at + std::string("Keep-Alive: timeout=").size());
  ASSERT_GE(announced, 1) << first.substr(0, 400);
  // Idle for a second less than announced: still served.
  std::this_thread::sleep_for(std::chrono::seconds(announced - 1));
  ASSERT_EQ(::send(fd, get.data(), get.size(), MSG_NOSIGNAL), static_cast<ssize_t>(get.size()));
  const std::string second = ReadAll(fd, std::chrono::milliseconds(500), &closed);
  EXPECT_EQ(Count(second, "HTTP/1.1 200 OK"), 1u)
      << "closed before the announced " << announced << " s: " << second.substr(0, 200);
  // And closed once the announced time has passed (with a second of slack).
  ReadAll(fd, std::chrono::seconds(announced + 1), &closed);
  EXPECT_TRUE(closed) << "still open " << announced + 1 << " s after the announced timeout";
  ::close(fd);
}

TEST(WireTest, AMalformedRangeIsIgnoredAndTheWholeBodyServed) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const std::string loc =
      Request(server->hub_url(), "HEAD", kClip + "/resolve/main/model.safetensors")
          .Header("Location");
  ASSERT_FALSE(loc.empty());
  const RawResponse whole = GetUrl(loc);
  ASSERT_EQ(whole.status, 200);
  for (const char* range : {"bytes=5", "bytes=1-0", "items=0-1", "bytes=-", "bytes=abc-"}) {
    const RawResponse r = GetUrl(loc, {{"Range", range}});
    EXPECT_EQ(r.status, 200) << range;
    EXPECT_EQ(r.body.size(), whole.body.size()) << range;
    EXPECT_FALSE(r.Has("Content-Range")) << range;
  }
  ASSERT_TRUE(WaitFor([&] { return server->journal().Entries().size() >= 7; },
                      "every ranged GET journaled"));
  EXPECT_EQ(server->journal().Entries().back().range, "bytes=abc-");
}

TEST(WireTest, HeaderValuesReachTheHubAsSent) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const std::string file = kClip + "/resolve/main/config.json";
  EXPECT_EQ(Request(server->hub_url(), "GET", file, {{"Authorization", "Bearer hf_alice"}}).status,
            200);
  // Not percent-decoded into a valid header, not dropped when empty.
  EXPECT_EQ(
      Request(server->hub_url(), "GET", file, {{"Authorization", "Bearer%20hf_alice"}}).status,
      401);
  const RawResponse empty =
      SendRaw(server->hub_url(),
              "GET " + file + " HTTP/1.1\r\nAuthorization:\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(empty.status, 401);
  EXPECT_EQ(empty.Header("X-Error-Message"), "Invalid credentials in Authorization header");
}

TEST(WireTest, EncodedNewlineInAPathIsAJournaledAnswer) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const RawResponse r = Request(server->hub_url(), "GET", kClip + "/resolve/main/a%0ab.json");
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(r.Header("X-Error-Code").empty()) << "the hub's own 404, not a bare one";
  ASSERT_TRUE(WaitFor([&] { return !server->journal().Entries().empty(); }, "a journal entry"));
  EXPECT_EQ(server->journal().Entries().back().target, kClip + "/resolve/main/a%0ab.json");
}

TEST(WireTest, InvalidUtf8InARevisionIsAnsweredAndTheJournalStaysReadable) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const RawResponse r =
      Request(server->hub_url(), "GET", "/api/models" + kClip + "/revision/ma\xff\xfein");
  EXPECT_GE(r.status, 400);
  EXPECT_LT(r.status, 500) << r.body;
  const auto before = std::chrono::steady_clock::now();
  const RawResponse journal = Request(server->hub_url(), "GET", "/_mockhub/requests");
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(1))
      << "the journal waited for an entry that never came";
  ASSERT_EQ(journal.status, 200);
  EXPECT_EQ(journal.Header("X-Mockhub-Journal"), "complete");
  const auto json = nlohmann::json::parse(journal.body, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << journal.body.substr(0, 300);
  ASSERT_EQ(json.size(), 1u);
}

TEST(WireTest, OversizedHeadsGet431And414) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const std::string line = "GET /api/whoami-v2 HTTP/1.1\r\n";
  const RawResponse huge = SendRaw(server->hub_url(), line + "X-Big: " + std::string(1 << 20, 'a'));
  EXPECT_EQ(huge.status, 431) << huge.error;
  std::string many = line;
  for (int i = 0; i < 200; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(SendRaw(server->hub_url(), many + "\r\n").status, 431);
  EXPECT_EQ(
      SendRaw(server->hub_url(), "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n").status,
      414);
  ASSERT_TRUE(
      WaitFor([&] { return server->journal().Entries().size() >= 3; }, "the refusals journaled"));
  EXPECT_TRUE(server->journal().Entries().front().HasFlag("malformed"));
  EXPECT_EQ(Request(server->hub_url(), "GET", "/_mockhub/health").status, 200);
}

TEST(WireTest, MalformedHeadsGetAClearStatus) {
  auto server = StartServer();
  ASSERT_TRUE(server);
  const std::vector<std::pair<std::string, int>> cases = {
      {"GET / HTTP/1.1\r\nBad Name: v\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"BREW /pot HTTP/1.1\r\n\r\n", 405},
      {"GET / HTTP/1.1\r\nAuthorization: Bearer hf_alice\n\r\n\r\n", 400},
  };
  for (const auto& [bytes, status] : cases) {
    const RawResponse r = SendRaw(server->hub_url(), bytes);
    EXPECT_EQ(r.status, status) << bytes;
    EXPECT_EQ(r.Header("Connection"), "close") << bytes;
  }
}

TEST(WireTest, AHeadThatDoesNotFinishInTimeGets408AndASilentOneIsClosed) {
  ServerOptions opts;
  opts.head_timeout = std::chrono::milliseconds(300);
  auto server = StartServer(opts);
  ASSERT_TRUE(server);
  const int slow = Connect(server->hub_url());
  const int silent = Connect(server->hub_url());
  ASSERT_GE(slow, 0);
  ASSERT_GE(silent, 0);
  ASSERT_EQ(::send(slow, "GET / HTTP/1.1\r\nX: ", 19, MSG_NOSIGNAL), 19);
  const std::string answer = ReadAll(slow, testsupport::kWaitDefault);
  EXPECT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << answer;
  bool closed = false;
  EXPECT_EQ(ReadAll(silent, testsupport::kWaitDefault, &closed), "")
      << "a silent client: no answer";
  EXPECT_TRUE(closed) << "a silent client was not closed at the head deadline";
  ::close(slow);
  ::close(silent);
}

TEST(WireTest, HundredsOfSilentConnectionsLeaveHealthAndDownloadsAnswering) {
  RaiseDescriptorLimit();
  ServerOptions opts;
  opts.head_timeout = std::chrono::seconds(60);  // held for the whole test
  auto server = StartServer(opts);
  ASSERT_TRUE(server);
  std::vector<int> hostile;
  for (const std::string& base : {server->hub_url(), server->cdn_url()}) {
    for (int i = 0; i < 256; ++i) {
      const int fd = Connect(base);
      ASSERT_GE(fd, 0) << "connection " << i << " to " << base;
      hostile.push_back(fd);
    }
  }
  // The old server's 32 worker threads were all taken: these timed out.
  EXPECT_EQ(
      Request(server->hub_url(), "GET", "/_mockhub/health", {}, testsupport::kWaitDefault).status,
      200);
  const RawResponse head =
      Request(server->hub_url(), "HEAD", kClip + "/resolve/main/model.safetensors", {},
              testsupport::kWaitDefault);
  ASSERT_EQ(head.status, 302);
  EXPECT_EQ(GetUrl(head.Header("Location"), {}, testsupport::kWaitDefault).status, 200);
  for (const int fd : hostile) ::close(fd);
}

TEST(WireTest, SilentTlsHandshakesAreBoundedAndDoNotBlockOthers) {
  ServerOptions opts;
  opts.tls = true;
  opts.head_timeout = std::chrono::milliseconds(500);
  auto server = StartServer(opts);
  ASSERT_TRUE(server);
  const std::string plain = "http://" + server->hub_url().substr(8);  // same host:port, raw TCP
  std::vector<int> silent;
  for (int i = 0; i < 64; ++i) silent.push_back(Connect(plain));
  const std::string cmd = "curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert '" +
                          server->ca_file() + "' " + server->hub_url() + "/_mockhub/health";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char code[16] = {};
  const std::size_t got = std::fread(code, 1, sizeof code - 1, p);
  ::pclose(p);
  EXPECT_EQ(std::string(code, got), "200") << "https health while 64 handshakes hang";
  // Each silent handshake is given up at the head deadline: the server
  // closes, the client reads EOF.
  for (const int fd : silent) {
    bool closed = false;
    EXPECT_EQ(ReadAll(fd, testsupport::kWaitDefault, &closed), "");
    EXPECT_TRUE(closed) << "a silent TLS handshake was not given up";
    ::close(fd);
  }
}

TEST(WireTest, ConnectionsBeyondTheLimitGetA503) {
  ServerOptions opts;
  opts.max_connections = 4;
  opts.admin_connections = 0;  // no reserve: the admin API is refused too
  auto server = StartServer(opts);
  ASSERT_TRUE(server);
  std::vector<int> held;
  for (int i = 0; i < 4; ++i) held.push_back(Connect(server->hub_url()));
  // The fifth may be accepted before the listener counts the fourth: wait
  // until the limit is in effect.
  RawResponse r;
  ASSERT_TRUE(WaitFor(
      [&] {
        r = Request(server->hub_url(), "GET", "/_mockhub/health", {}, kOneTry);
        return r.status == 503;
      },
      "a 503 beyond the connection limit"));
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_FALSE(r.Header("Retry-After").empty());
  for (const int fd : held) ::close(fd);
  EXPECT_TRUE(
      WaitFor([&] { return Request(server->hub_url(), "GET", "/_mockhub/health").status == 200; },
              "health once the held connections closed"));
}

// N13: 512 idle connections (the default limit) used to lock the admin API
// out with the listener's 503. A few slots beyond the limit serve admin
// requests only; an idle client on one of them is closed within seconds.
TEST(WireTest, AdminRoutesAnswerWhileEveryConnectionSlotIsHeld) {
  RaiseDescriptorLimit();
  ServerOptions opts;
  opts.head_timeout = std::chrono::seconds(60);  // the idle clients stay for the test
  auto server = StartServer(opts);
  ASSERT_TRUE(server);
  const std::string hub = server->hub_url();
  std::vector<int> held;
  for (std::size_t i = 0; i < opts.max_connections; ++i) {
    held.push_back(Connect(hub));
    ASSERT_GE(held.back(), 0) << "connection " << i;
  }
  // Once the listener has counted them all, a download gets the 503...
  RawResponse download;
  ASSERT_TRUE(WaitFor(
      [&] {
        download = Request(hub, "GET", kClip + "/resolve/main/config.json", {}, kOneTry);
        return download.status == 503;
      },
      "a 503 for a download while every slot is held"));
  EXPECT_EQ(download.Header("Connection"), "close");
  EXPECT_EQ(download.Header("Retry-After"), "1");
  // ...and the admin API answers on the reserve.
  const std::vector<std::pair<std::string, std::string>> json = {
      {"Content-Type", "application/json"}};
  EXPECT_EQ(Request(hub, "GET", "/_mockhub/health", {}, testsupport::kWaitDefault).status, 200);
  const std::string fault = R"({"path": "/nowhere", "do": {"refuse": {}}})";
  const RawResponse added =
      SendRaw(hub, "POST /_mockhub/faults HTTP/1.1\r\nHost: " + hub.substr(7) +
                       "\r\nContent-Type: application/json\r\nConnection: close\r\n"
                       "Content-Length: " +
                       std::to_string(fault.size()) + "\r\n\r\n" + fault);
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(Request(hub, "GET", "/_mockhub/faults", {}, testsupport::kWaitDefault).status, 200);
  EXPECT_EQ(Request(hub, "DELETE", "/_mockhub/faults", json, testsupport::kWaitDefault).status,
            204);
  EXPECT_EQ(Request(hub, "GET", "/_mockhub/requests", {}, testsupport::kWaitDefault).status, 200);
  // An idle client cannot sit on a reserved slot.
  const int idle = Connect(hub);
  ASSERT_GE(idle, 0);
  bool closed = false;
  EXPECT_EQ(ReadAll(idle, testsupport::kWaitDefault, &closed), "");
  EXPECT_TRUE(closed) << "an idle connection kept a reserved slot";
  ::close(idle);
  for (const int fd : held) ::close(fd);
}

// N13: a body dripping a byte every 100 ms (each read well within the 30 s a
// read may wait) is cut at the body deadline, not held until it ends.
TEST(WireTest, ABodyThatDripsIsCutWith408AtItsDeadline) {
  ServerOptions opts;
  opts.body_timeout = std::chrono::milliseconds(500);
  auto server = StartServer(opts);
  ASSERT_TRUE(server);
  const std::string hub = server->hub_url();
  for (const std::string& target : std::vector<std::string>{
           std::string("/_mockhub/faults"), "/api/models" + kClip + "/paths-info/main"}) {
    const int fd = Connect(hub);
    ASSERT_GE(fd, 0);
    const std::string head = "POST " + target + " HTTP/1.1\r\nHost: " + hub.substr(7) +
                             "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n[";
    ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(head.size()));
    std::atomic<bool> stop{false};
    std::thread drip([&] {
      for (int i = 0; i < 150 && !stop.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (::send(fd, " ", 1, MSG_NOSIGNAL) != 1) return;
      }
    });
    const auto t0 = std::chrono::steady_clock::now();
    bool closed = false;
    const std::string answer = ReadAll(fd, testsupport::kWaitDefault, &closed);
    const auto waited = std::chrono::steady_clock::now() - t0;
    stop = true;
    drip.join();
    ::close(fd);
    EXPECT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << target << ": " << answer;
    EXPECT_NE(answer.find("the request body did not arrive within 500 ms"), std::string::npos);
    EXPECT_EQ(Count(answer, "HTTP/1.1"), 1u) << "one answer only: " << answer;
    EXPECT_TRUE(closed) << target;
    EXPECT_LT(waited, std::chrono::seconds(5)) << target;
  }
  EXPECT_TRUE(server->faults().List().empty());
  // The hub's request is journaled as refused; the admin one is not.
  ASSERT_TRUE(server->journal().WaitForCount(1, testsupport::kWaitDefault));
  const auto entries = server->journal().Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].status, 408);
  EXPECT_EQ(entries[0].method, "POST");
}

TEST(WireTest, APortInUseIsRefusedNotShared) {
  auto first = StartServer();
  ASSERT_TRUE(first);
  std::string host;
  int port = 0;
  ASSERT_TRUE(SplitBase(first->hub_url(), host, port));
  ServerOptions opts;
  opts.bind["hub"] = SiteBinding{host, port};
  auto second = MockServer::Start(DemoWorld(), opts);
  ASSERT_FALSE(second.ok()) << "a second server started on a port in use";
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

TEST(WireTest, TheJournalIsBoundedInBytesAndStreamed) {
  Journal journal;
  for (int i = 0; i < 12000; ++i) {
    JournalEntry e;
    e.seq = journal.NextSeq();
    e.target = "/" + std::string(20000, 'x');
    e.user_agent = std::string(5000, 'u');
    e.error_message = std::string(5000, 'm');
    journal.Add(std::move(e));
  }
  const auto entries = journal.Entries();
  ASSERT_FALSE(entries.empty());
  EXPECT_LE(entries.front().target.size(), Journal::kMaxTarget + 3);
  EXPECT_LE(entries.size() * (Journal::kMaxTarget + 2 * Journal::kMaxField), Journal::kMaxBytes);
  EXPECT_GT(journal.dropped(), 0u);
  std::string text;
  ASSERT_TRUE(WriteJournalJson(journal, [&](const std::string& piece) {
    text += piece;
    return true;
  }));
  const auto json = nlohmann::json::parse(text, nullptr, false);
  ASSERT_TRUE(json.is_array());
  EXPECT_EQ(json.size(), entries.size());
}

}  // namespace
}  // namespace mockhub
