// A large file's sha256 never holds a server hostage (H4), through real
// sockets: a HEAD that starts a 1 TiB hash gets its 503 within the wait,
// other requests are served meanwhile, and stopping the server (what
// `mockhub serve` does on SIGTERM) returns promptly with a hash running and
// with a request waiting for one.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>

#include <nlohmann/json.hpp>

#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"
#include "wait_for.h"

namespace {

using Clock = std::chrono::steady_clock;
// Hashing 1 TiB takes ~13 min; ten seconds to answer or stop is a stuck hash.
constexpr std::chrono::seconds kPrompt{10};

std::unique_ptr<mockhub::MockServer> StartHugeWorld() {
  auto loaded = mockhub::WorldFromJson(nlohmann::json::parse(R"({"repos": {"org/huge": {"files": {
      "huge.bin": {"size": 1099511627776, "seed": 5}, "small.txt": {"text": "small"}}}}})"),
                                       "huge.json");
  EXPECT_TRUE(loaded.ok()) << loaded.error().ToString();
  if (!loaded.ok()) return nullptr;
  auto started = mockhub::MockServer::Start(std::move(loaded.value()), {});
  EXPECT_TRUE(started.ok()) << started.status().message();
  return started.ok() ? std::move(*started) : nullptr;
}

TEST(LargeHashServerTest, AHeadThatStartsAHugeHashIsAnsweredAndOthersAreServedMeanwhile) {
  auto server = StartHugeWorld();
  ASSERT_TRUE(server);
  const auto started = Clock::now();
  auto head = testsupport::Request(server->hub_url(), "HEAD", "/org/huge/resolve/main/huge.bin");
  EXPECT_LT(Clock::now() - started, kPrompt) << "the HEAD waited for the whole hash";
  EXPECT_EQ(head.status, 503) << head.error;
  EXPECT_FALSE(head.Header("Retry-After").empty());
  // The hash goes on in the background; the small file is served at once.
  auto small = testsupport::Request(server->hub_url(), "GET", "/org/huge/resolve/main/small.txt");
  EXPECT_EQ(small.status, 200) << small.error;
  EXPECT_EQ(small.body, "small");
  EXPECT_EQ(testsupport::Request(server->hub_url(), "GET", "/_mockhub/health").status, 200);
}

TEST(LargeHashServerTest, StoppingWhileAHugeFileHashesReturnsPromptly) {
  auto server = StartHugeWorld();
  ASSERT_TRUE(server);
  ASSERT_EQ(
      testsupport::Request(server->hub_url(), "HEAD", "/org/huge/resolve/main/huge.bin").status,
      503);
  const auto started = Clock::now();
  server->Stop();
  server.reset();  // the world, and with it the hash, goes
  EXPECT_LT(Clock::now() - started, kPrompt) << "stopping waited for the hash";
}

TEST(LargeHashServerTest, StoppingWithARequestWaitingForAHashReturnsPromptly) {
  auto server = StartHugeWorld();
  ASSERT_TRUE(server);
  const std::string hub = server->hub_url();
  auto waiting = std::async(std::launch::async, [hub] {
    return testsupport::Request(hub, "HEAD", "/org/huge/resolve/main/huge.bin");
  });
  // Stop once the HEAD is in the server, waiting for the hash: it has
  // arrived (a journal sequence number) and has no entry yet.
  ASSERT_TRUE(testsupport::WaitFor(
      [&] { return !server->journal().WaitForIdle(std::chrono::milliseconds(0)); },
      "the HEAD to arrive", kPrompt));
  const auto started = Clock::now();
  server->Stop();
  server.reset();
  EXPECT_LT(Clock::now() - started, kPrompt) << "stopping waited for the hash";
  ASSERT_EQ(waiting.wait_for(kPrompt), std::future_status::ready) << "the client was left hanging";
  const auto r = waiting.get();
  EXPECT_TRUE(r.status == 503 || !r.ok) << "status " << r.status;
}

}  // namespace
