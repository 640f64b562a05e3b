// The hostile-load test of issue 12, standing: against an in-process mock on
// loopback it opens 256 silent connections to each site and 64 slowloris
// connections to the hub, floods headers and the journal, and checks that
// health, the admin API and a normal download still answer, and that memory
// stays bounded (H1 to H3). Bounded in count and time; every socket is
// closed at the end. The figures it prints go in README "Reliability".
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"
#include "wait_for.h"

#if defined(__SANITIZE_ADDRESS__)
// ASan keeps freed memory in a quarantine (256 MiB by default) before reuse:
// a flood of requests whose journal entries are dropped would measure the
// quarantine, not the journal. A small one keeps the bound meaningful.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=16"; }
#endif

namespace mockhub {
namespace {

using Clock = std::chrono::steady_clock;
using testsupport::Connect;
using testsupport::GetUrl;
using testsupport::RawResponse;
using testsupport::Request;

const std::string kFile = "/InvokeAI/ip_adapter_sd_image_encoder/resolve/main/model.safetensors";
// Under the hostile load, normal traffic must still be answered this fast:
// what the test is about, so a bound of its own, not the default wait.
constexpr std::chrono::seconds kPromptAnswer{2};
// Reading back a journal at its bound (20,000 entries, 32 MiB of JSON) under
// a sanitizer takes longer than an ordinary wait.
constexpr std::chrono::seconds kWholeJournalRead{60};

// This process's resident memory in MiB (the server is in-process; the
// clients hold no large buffers).
double RssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// The memory bounds hold for the server's own memory; a sanitizer's shadow
// memory and per-thread state multiply what /proc reports (TSan about 8x,
// ASan about 3x, measured here), so the bounds scale with it.
#if defined(__SANITIZE_THREAD__)
constexpr double kShadow = 8;
#elif defined(__SANITIZE_ADDRESS__)
constexpr double kShadow = 3;
#else
constexpr double kShadow = 1;
#endif

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

class HostileLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ServerOptions opts;
    opts.head_timeout = std::chrono::seconds(60);  // the hostile clients stay for the test
    auto started = MockServer::Start(DemoWorld(), opts);
    ASSERT_TRUE(started) << started.status().message();
    server_ = std::move(*started);
  }
  void TearDown() override {
    for (const int fd : held_) ::close(fd);
  }

  // Times health, the journal and a whole CDN download: milliseconds each.
  std::vector<double> TimeNormalTraffic() {
    std::vector<double> ms;
    const auto t0 = Clock::now();
    EXPECT_EQ(Request(server_->hub_url(), "GET", "/_mockhub/health", {}, kPromptAnswer).status, 200)
        << "health did not answer within " << kPromptAnswer.count() << " s";
    const auto t1 = Clock::now();
    EXPECT_EQ(
        Request(server_->hub_url(), "GET", "/_mockhub/requests", {}, testsupport::kWaitDefault)
            .status,
        200);
    const auto t2 = Clock::now();
    const RawResponse head = Request(server_->hub_url(), "HEAD", kFile, {}, kPromptAnswer);
    EXPECT_EQ(head.status, 302);
    const RawResponse body = GetUrl(head.Header("Location"), {}, testsupport::kWaitDefault);
    EXPECT_EQ(body.status, 200);
    EXPECT_EQ(std::to_string(body.body.size()), head.Header("X-Linked-Size"));
    const auto t3 = Clock::now();
    return {Ms(t1 - t0), Ms(t2 - t1), Ms(t3 - t2)};
  }

  std::unique_ptr<MockServer> server_;
  std::vector<int> held_;
};

TEST_F(HostileLoadTest, SilentAndSlowConnectionsDoNotStallNormalTraffic) {
  const double rss0 = RssMiB();
  for (const auto& [site, url] : server_->urls()) {
    for (int i = 0; i < 256; ++i) {
      const int fd = Connect(url);
      ASSERT_GE(fd, 0) << "silent connection " << i << " to " << site;
      held_.push_back(fd);
    }
  }
  std::vector<int> slow;
  for (int i = 0; i < 64; ++i) {
    slow.push_back(Connect(server_->hub_url()));
    ASSERT_GE(slow.back(), 0);
    (void)::send(slow.back(), "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL);
  }
  // The slowloris clients go on dripping a header byte every 100 ms while
  // normal traffic is timed.
  std::atomic<bool> done{false};
  std::thread drip([&] {
    while (!done.load()) {
      for (const int fd : slow) (void)::send(fd, "x", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::vector<double> worst(3, 0), all;
  for (int round = 0; round < 5; ++round) {
    const auto ms = TimeNormalTraffic();
    for (std::size_t i = 0; i < 3; ++i) worst[i] = std::max(worst[i], ms[i]);
  }
  done = true;
  drip.join();
  held_.insert(held_.end(), slow.begin(), slow.end());
  std::printf(
      "[figures] held %zu connections (256 silent per site, 64 slowloris); worst of 5: "
      "health %.1f ms, journal %.1f ms, HEAD + CDN GET %.1f ms; RSS +%.1f MiB\n",
      held_.size(), worst[0], worst[1], worst[2], RssMiB() - rss0);
}

TEST_F(HostileLoadTest, AHeaderFloodIsRefusedWithBoundedMemory) {
  const double rss0 = RssMiB();
  // Four connections each offering a 64 MiB header line, and one with
  // 100,000 small headers: each gets 431 once it passes the head limit.
  const std::string chunk(1 << 20, 'a');
  std::vector<std::thread> floods;
  std::atomic<int> refused{0};
  for (int c = 0; c < 5; ++c) {
    floods.emplace_back([&, c] {
      const int fd = Connect(server_->hub_url());
      if (fd < 0) return;
      std::string start = "GET /api/whoami-v2 HTTP/1.1\r\n";
      if (c < 4) start += "X-Flood: ";
      (void)::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
      std::string small;
      for (int i = 0; i < 1000; ++i) small += "X-" + std::to_string(i) + ": v\r\n";
      for (int i = 0; i < 64; ++i) {
        const std::string& piece = c < 4 ? chunk : small;
        if (::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) <= 0) break;
      }
      char buf[512] = {};
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10000) > 0 && ::recv(fd, buf, sizeof buf - 1, 0) > 0 &&
          std::string(buf).rfind("HTTP/1.1 431", 0) == 0)
        refused.fetch_add(1);
      ::close(fd);
    });
  }
  for (auto& t : floods) t.join();
  const double grown = RssMiB() - rss0;
  EXPECT_EQ(refused.load(), 5);
  EXPECT_LT(grown, 64.0 * kShadow) << "the header flood grew the server by " << grown << " MiB";
  std::printf("[figures] header flood (4 x 64 MiB line, 64,000 headers): 431 each, RSS +%.1f MiB\n",
              grown);
}

TEST_F(HostileLoadTest, AJournalFloodStaysWithinItsByteBound) {
  const double rss0 = RssMiB();
  // 20,000 requests with 8 KiB targets and fat headers over 8 keep-alive
  // connections.
  const std::string target = "/" + std::string(8000, 'p');
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      const int fd = Connect(server_->hub_url());
      if (fd < 0) return;
      const std::string req = "GET " + target +
                              " HTTP/1.1\r\nHost: h\r\nUser-Agent: " + std::string(4000, 'u') +
                              "\r\nRange: " + std::string(4000, 'r') + "\r\n\r\n";
      char buf[65536];
      for (int i = 0; i < 2500; ++i) {
        if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0 || ::recv(fd, buf, sizeof buf, 0) <= 0) break;
      }
      ::close(fd);
    });
  }
  for (auto& t : clients) t.join();
  ASSERT_TRUE(
      testsupport::WaitFor([&] { return server_->journal().WaitForIdle({}); }, "the journal idle"));
  const double journal_rss = RssMiB() - rss0;
  const auto t0 = Clock::now();
  const RawResponse all =
      Request(server_->hub_url(), "GET", "/_mockhub/requests", {}, kWholeJournalRead);
  const double read_ms = Ms(Clock::now() - t0);
  EXPECT_EQ(all.status, 200);
  const double peak = RssMiB() - rss0;
  EXPECT_LT(journal_rss, 96.0 * kShadow)
      << "the journal grew the server by " << journal_rss << " MiB";
  std::printf(
      "[figures] journal flood (20,000 requests of ~16 KiB): %zu entries kept, %llu "
      "dropped, RSS +%.1f MiB; GET /_mockhub/requests %.0f ms, %.1f MiB of JSON\n",
      server_->journal().Entries().size(),
      static_cast<unsigned long long>(server_->journal().dropped()), journal_rss, read_ms,
      static_cast<double>(all.body.size()) / 1048576.0);
  (void)peak;
}

}  // namespace
}  // namespace mockhub
