// Fault verbs: parsing with pointers, attempt selection, and their effect on
// the wire through real sockets.
#include "mockhub/faults/faults.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mockhub/base/digest.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"
#include "wait_for.h"

namespace mockhub {
namespace {

using nlohmann::json;
using testsupport::GetUrl;
using testsupport::RawResponse;
using testsupport::Request;

std::shared_ptr<FaultSet> Faults(const std::string& text) {
  auto set = FaultSet::FromJson(json::parse(text), "s.json", "/faults");
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().ToString());
  return set.ok() ? set.value() : nullptr;
}

LoadError FaultError(const std::string& text) {
  auto set = FaultSet::FromJson(json::parse(text), "s.json", "/faults");
  EXPECT_FALSE(set.ok()) << text;
  return set.ok() ? LoadError{} : set.error();
}

TEST(FaultParseTest, UnknownVerbOrKeyNamesThePointer) {
  LoadError e = FaultError(R"([{"do": {"explode": {}}}])");
  EXPECT_EQ(e.pointer, "/faults/0/do/explode");
  EXPECT_NE(e.reason.find("unknown fault verb"), std::string::npos);
  EXPECT_EQ(FaultError(R"([{"do": {"cut": {"after_bytes": 1}}, "sever": "hub"}])").pointer,
            "/faults/0/sever");
  EXPECT_EQ(FaultError(R"([{"do": {"cut": {"after_bytes": 1, "mode": "slam"}}}])").pointer,
            "/faults/0/do/cut/mode");
  EXPECT_EQ(FaultError(R"([{"do": {"status": {"code": 700}}}])").pointer,
            "/faults/0/do/status/code");
  EXPECT_EQ(FaultError(R"([{"when": {"only": [0]}, "do": {"ignore_range": {}}}])").pointer,
            "/faults/0/when/only/0");
  EXPECT_EQ(
      FaultError(R"([{"when": {"first": 1, "every": 2}, "do": {"ignore_range": {}}}])").pointer,
      "/faults/0/when");
  EXPECT_EQ(FaultError(R"([{"method": "get", "do": {"ignore_range": {}}}])").pointer,
            "/faults/0/method");
  EXPECT_EQ(FaultError(R"([{"do": {}}])").pointer, "/faults/0/do");
}

TEST(FaultSelectTest, AttemptsAreCountedPerFaultAmongMatchingRequests) {
  auto f = Faults(R"([{"server": "hub", "method": "HEAD", "path": "/a/*", "when": {"only": [2, 3]},
                       "do": {"status": {"code": 503}}}])");
  EXPECT_TRUE(f->Plan("hub", "HEAD", "/a/x").empty());  // attempt 1
  EXPECT_TRUE(f->Plan("hub", "GET", "/a/x").empty());   // other method: not counted
  EXPECT_TRUE(f->Plan("cdn", "HEAD", "/a/x").empty());  // cdn: not counted
  EXPECT_TRUE(f->Plan("hub", "HEAD", "/b/x").empty());  // other path
  EXPECT_EQ(
      FaultAnswer(f->Plan("hub", "HEAD", "/a/y"), HttpRequest{"HEAD", "/a/y", {}, ""})->status,
      503);                                              // attempt 2
  EXPECT_FALSE(f->Plan("hub", "HEAD", "/a/y").empty());  // 3
  EXPECT_TRUE(f->Plan("hub", "HEAD", "/a/y").empty());   // 4
}

TEST(FaultSelectTest, FirstEveryAndAfter) {
  auto first = Faults(R"([{"when": {"first": 2}, "do": {"ignore_range": {}}}])");
  auto every = Faults(R"([{"when": {"every": 2}, "do": {"ignore_range": {}}}])");
  auto after = Faults(R"([{"when": {"after": 2}, "do": {"ignore_range": {}}}])");
  std::string a, b, c;
  for (int i = 0; i < 5; ++i) {
    a += first->Plan("hub", "GET", "/x").empty() ? '.' : 'F';
    b += every->Plan("hub", "GET", "/x").empty() ? '.' : 'F';
    c += after->Plan("hub", "GET", "/x").empty() ? '.' : 'F';
  }
  EXPECT_EQ(a, "FF...");
  EXPECT_EQ(b, ".F.F.");
  EXPECT_EQ(c, "..FFF");
}

TEST(GlobTest, StarCrossesSlashes) {
  EXPECT_TRUE(GlobMatch("/repos/*", "/repos/models/a/b/abc"));
  EXPECT_TRUE(GlobMatch("*/resolve/*/model.safetensors", "/a/b/resolve/main/model.safetensors"));
  EXPECT_FALSE(GlobMatch("/api/*", "/a/b/resolve/main/x"));
  EXPECT_TRUE(GlobMatch("/a?c", "/abc"));
}

class FaultWireTest : public ::testing::Test {
 protected:
  void Start(const std::string& faults) {
    ServerOptions opts;
    opts.faults = Faults(faults);
    auto started = MockServer::Start(DemoWorld(), opts);
    ASSERT_TRUE(started) << started.status().message();
    server_ = std::move(*started);
  }
  std::string CdnUrl() {
    return Request(server_->hub_url(), "HEAD", kEncoder + "/resolve/main/model.safetensors")
        .Header("Location");
  }
  JournalEntry Last(std::size_t count) {
    EXPECT_TRUE(server_->journal().WaitForCount(count, testsupport::kWaitDefault))
        << "journal entries missing";
    auto e = server_->journal().Entries();
    return e.empty() ? JournalEntry{} : e.back();
  }
  const std::string kEncoder = "/InvokeAI/ip_adapter_sd_image_encoder";
  std::unique_ptr<MockServer> server_;
};

TEST_F(FaultWireTest, StatusOnFirstAttemptOnlyThenTheHubAnswers) {
  Start(R"([{"server": "hub", "method": "HEAD", "when": {"first": 1},
             "do": {"status": {"code": 429, "headers": {"Retry-After": "2"}, "body": "slow down"}}}])");
  RawResponse r = Request(server_->hub_url(), "HEAD", kEncoder + "/resolve/main/config.json");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("Retry-After"), "2");
  EXPECT_FALSE(r.Header("X-Request-Id").empty());
  EXPECT_EQ(Request(server_->hub_url(), "HEAD", kEncoder + "/resolve/main/config.json").status,
            200);
  Last(2);
  auto entries = server_->journal().Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].HasFlag("fault:status"));
  EXPECT_FALSE(entries[1].HasFlag("fault:status"));
}

TEST_F(FaultWireTest, CutClosesTheBodyShortOfContentLength) {
  Start(R"([{"server": "cdn", "do": {"cut": {"after_bytes": 100000}}}])");
  RawResponse r = GetUrl(CdnUrl());
  EXPECT_EQ(r.Header("Content-Length"), "33554432");
  EXPECT_EQ(r.body.size(), 100000u);
  EXPECT_FALSE(r.reset);
  JournalEntry e = Last(2);
  EXPECT_EQ(e.bytes_sent, 100000u);
  EXPECT_TRUE(e.HasFlag("fault:cut"));
  EXPECT_TRUE(e.HasFlag("incomplete"));
}

TEST_F(FaultWireTest, CutWithResetAfterAPercentage) {
  Start(R"([{"server": "cdn", "do": {"cut": {"after_percent": 50, "mode": "reset"}}}])");
  RawResponse r = GetUrl(CdnUrl());
  EXPECT_TRUE(r.reset) << "expected a TCP reset, got a clean end after " << r.body.size()
                       << " bytes";
  EXPECT_LE(r.body.size(), 16777216u);
  EXPECT_EQ(Last(2).bytes_sent, 16777216u);
}

TEST_F(FaultWireTest, CorruptFlipsBytesAtTheOffset) {
  Start(R"([{"server": "cdn", "do": {"corrupt": {"offset": 10, "length": 2}}}])");
  const std::string url = CdnUrl();
  RawResponse bad = GetUrl(url, {{"Range", "bytes=0-31"}});
  server_->Stop();
  auto clean = Content::Synthetic(32u << 20, 2)->ReadAll().substr(0, 32);
  ASSERT_EQ(bad.body.size(), 32u);
  for (std::size_t i = 0; i < 32; ++i) {
    if (i == 10 || i == 11)
      EXPECT_NE(bad.body[i], clean[i]) << i;
    else
      EXPECT_EQ(bad.body[i], clean[i]) << i;
  }
}

TEST_F(FaultWireTest, IgnoreRangeSendsTheWholeBodyWith200) {
  Start(R"([{"server": "hub", "do": {"ignore_range": {}}}])");
  RawResponse r = Request(server_->hub_url(), "GET", kEncoder + "/resolve/main/config.json",
                          {{"Range", "bytes=5-"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.Has("Content-Range"));
  EXPECT_EQ(Last(1).range, "bytes=5-") << "the journal shows what the client sent";
}

TEST_F(FaultWireTest, DropAndSetHeadersLikeAProxy) {
  Start(R"([{"server": "hub", "do": {"drop_headers": ["X-Repo-Commit", "ETag"]}},
            {"server": "hub", "do": {"set_headers": {"Via": "1.1 corporate-proxy"}}}])");
  RawResponse r = Request(server_->hub_url(), "HEAD", kEncoder + "/resolve/main/config.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.Has("X-Repo-Commit"));
  EXPECT_FALSE(r.Has("ETag"));
  EXPECT_EQ(r.Header("Via"), "1.1 corporate-proxy");
  EXPECT_TRUE(Last(1).HasFlag("fault:drop_headers"));
}

TEST_F(FaultWireTest, RelativeRedirectHopLosesMetadataAndTheTargetHasIt) {
  Start(
      R"([{"server": "hub", "method": "HEAD", "path": "*/config.json", "do": {"relative_redirect": {}}}])");
  RawResponse hop = Request(server_->hub_url(), "HEAD", kEncoder + "/resolve/main/config.json");
  EXPECT_EQ(hop.status, 307);
  EXPECT_EQ(hop.Header("Location"), "/_mockhub/hop" + kEncoder + "/resolve/main/config.json");
  EXPECT_FALSE(hop.Has("X-Repo-Commit"));
  RawResponse target = Request(server_->hub_url(), "HEAD", hop.Header("Location"));
  EXPECT_EQ(target.status, 200);
  EXPECT_TRUE(target.Has("X-Repo-Commit"));
}

TEST_F(FaultWireTest, StallPausesThenFinishes) {
  Start(R"([{"server": "cdn", "do": {"stall": {"after_bytes": 1000, "ms": 100}}}])");
  RawResponse r = GetUrl(CdnUrl(), {{"Range", "bytes=0-4095"}});
  EXPECT_EQ(r.body.size(), 4096u);
  JournalEntry e = Last(2);
  EXPECT_GE(e.duration_ms, 100.0);  // a lower bound: the stall happened
  EXPECT_TRUE(e.HasFlag("fault:stall"));
}

TEST_F(FaultWireTest, StallUntilTheClientGivesUp) {
  Start(R"([{"server": "cdn", "do": {"stall": {"after_bytes": 1000}}}])");
  RawResponse r = testsupport::SendRaw(server_->cdn_url(),
                                       "GET " + CdnUrl().substr(server_->cdn_url().size()) +
                                           " HTTP/1.1\r\nConnection: close\r\n\r\n",
                                       std::chrono::milliseconds(300));
  EXPECT_FALSE(r.error.empty());  // the client timed out
  JournalEntry e = Last(2);
  EXPECT_EQ(e.bytes_sent, 1000u);
  EXPECT_TRUE(e.HasFlag("incomplete"));
}

TEST_F(FaultWireTest, ThrottleBoundsTheRate) {
  Start(R"([{"server": "cdn", "do": {"throttle": {"bytes_per_second": 262144}}}])");
  RawResponse r = GetUrl(CdnUrl(), {{"Range", "bytes=0-65535"}});
  EXPECT_EQ(r.body.size(), 65536u);
  EXPECT_GE(Last(2).duration_ms, 200.0);  // 64 KiB at 256 KiB/s cannot take less than 250 ms
}

TEST_F(FaultWireTest, DelayHoldsTheHeaders) {
  Start(R"([{"server": "hub", "path": "/api/*", "do": {"delay": {"ms": 120}}}])");
  EXPECT_EQ(Request(server_->hub_url(), "GET", "/api/whoami-v2").status, 401);
  EXPECT_GE(Last(1).duration_ms, 120.0);
}

}  // namespace
}  // namespace mockhub
