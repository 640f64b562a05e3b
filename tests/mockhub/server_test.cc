// The hub and CDN through real sockets: bytes, headers, the journal, the
// admin API, and requests no polite client would send.
#include "mockhub/server/server.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "mockhub/base/digest.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"
#include "wait_for.h"

namespace mockhub {
namespace {

using testsupport::GetUrl;
using testsupport::RawResponse;
using testsupport::Request;
using testsupport::SendRaw;

const std::string kClip = "/InvokeAI/ip_adapter_sd_image_encoder";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = MockServer::Start(DemoWorld(), ServerOptions{});
    ASSERT_TRUE(started) << started.status().message();
    server_ = std::move(*started);
  }
  std::unique_ptr<MockServer> server_;
  const std::string& hub() { return server_->hub_url(); }
};

TEST_F(ServerTest, HubAndCdnListenOnDifferentLoopbackHosts) {
  EXPECT_EQ(hub().rfind("http://127.0.0.1:", 0), 0u);
  EXPECT_EQ(server_->cdn_url().rfind("http://127.0.0.2:", 0), 0u);
  EXPECT_EQ(Request(hub(), "GET", "/_mockhub/health").status, 200);
}

TEST_F(ServerTest, HeadOnRegularFileHasSizeButNoBody) {
  RawResponse r = Request(hub(), "HEAD", kClip + "/resolve/main/config.json");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  RawResponse g = Request(hub(), "GET", kClip + "/resolve/main/config.json");
  EXPECT_EQ(r.Header("Content-Length"), std::to_string(g.body.size()));
  EXPECT_EQ(r.Header("ETag"), "\"" + GitBlobSha1Of(g.body) + "\"");
}

TEST_F(ServerTest, LfsDownloadThroughTheCdnMatchesTheLinkedEtag) {
  RawResponse head = Request(hub(), "HEAD", kClip + "/resolve/main/model.safetensors");
  ASSERT_EQ(head.status, 302);
  const std::string location = head.Header("Location");
  ASSERT_EQ(location.rfind(server_->cdn_url(), 0), 0u) << location;
  RawResponse body = GetUrl(location);
  ASSERT_TRUE(body.ok) << body.error;
  ASSERT_EQ(body.status, 200);
  EXPECT_EQ(std::to_string(body.body.size()), head.Header("X-Linked-Size"));
  EXPECT_EQ("\"" + Sha256Hex(body.body) + "\"", head.Header("X-Linked-Etag"));
  EXPECT_EQ(body.Header("X-Cache"), "Miss from cloudfront");
  EXPECT_EQ(GetUrl(location, {{"Range", "bytes=0-0"}}).Header("X-Cache"), "Hit from cloudfront");
}

TEST_F(ServerTest, RangeOnTheWireIsExactAndNotReappliedByTheServerLibrary) {
  RawResponse r =
      Request(hub(), "GET", kClip + "/resolve/main/config.json", {{"Range", "bytes=2-5"}});
  ASSERT_EQ(r.status, 206);
  EXPECT_EQ(r.body.size(), 4u);
  EXPECT_EQ(r.Header("Content-Length"), "4");
  const std::string loc =
      Request(hub(), "HEAD", kClip + "/resolve/main/model.safetensors").Header("Location");
  RawResponse tail = GetUrl(loc, {{"Range", "bytes=33554000-"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.Header("Content-Range"), "bytes 33554000-33554431/33554432");
  EXPECT_EQ(tail.body.size(), 432u);
}

TEST_F(ServerTest, JournalRecordsRequestsWithRedactedTokensAndFlagsCdnLeaks) {
  const std::string loc = Request(hub(), "HEAD", kClip + "/resolve/main/model.safetensors",
                                  {{"Authorization", "Bearer hf_alice"}})
                              .Header("Location");
  GetUrl(loc, {{"Authorization", "Bearer hf_alice"}, {"Range", "bytes=0-9"}});
  ASSERT_TRUE(server_->journal().WaitForCount(2, testsupport::kWaitDefault))
      << "the journal should hold the HEAD and the CDN GET";
  auto entries = server_->journal().Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].server, "hub");
  EXPECT_EQ(entries[0].authorization, "Bearer hf_a…");  // never more than half a token
  EXPECT_FALSE(entries[0].HasFlag("token_leak"));
  EXPECT_EQ(entries[1].server, "cdn");
  EXPECT_TRUE(entries[1].HasFlag("token_leak"));
  EXPECT_EQ(entries[1].range, "bytes=0-9");
  EXPECT_EQ(entries[1].bytes_sent, 10u);
  RawResponse admin = Request(hub(), "GET", "/_mockhub/requests");
  EXPECT_EQ(admin.Header("X-Mockhub-Journal"), "complete");
  EXPECT_EQ(admin.body.find("hf_alice"), std::string::npos) << "a whole token in the journal";
  auto json = nlohmann::json::parse(admin.body);
  EXPECT_EQ(json.size(), 2u);
  EXPECT_EQ(json[1]["flags"][0], "token_leak");
  EXPECT_EQ(
      Request(hub(), "DELETE", "/_mockhub/requests", {{"Content-Type", "application/json"}}).status,
      204);
  EXPECT_TRUE(server_->journal().Entries().empty());
}

TEST_F(ServerTest, RequestIdEchoesTheTraceIdOrIsGenerated) {
  EXPECT_EQ(Request(hub(), "GET", "/api/whoami-v2", {{"X-Amzn-Trace-Id", "Root=1-abc"}})
                .Header("X-Request-Id"),
            "Root=1-abc");
  EXPECT_FALSE(Request(hub(), "GET", "/nope").Header("X-Request-Id").empty());
}

TEST_F(ServerTest, HubStateChangesApplyToTheNextRequest) {
  EXPECT_EQ(Request(hub(), "GET", "/api/whoami-v2", {{"Authorization", "Bearer hf_alice"}}).status,
            200);
  EXPECT_TRUE(server_->state().RevokeToken("hf_alice").ok());
  EXPECT_EQ(Request(hub(), "GET", "/api/whoami-v2", {{"Authorization", "Bearer hf_alice"}}).status,
            401);
}

TEST_F(ServerTest, CdnUrlsExpireWithTheServerClock) {
  const std::string loc =
      Request(hub(), "HEAD", kClip + "/resolve/main/model.safetensors").Header("Location");
  EXPECT_EQ(GetUrl(loc, {{"Range", "bytes=0-0"}}).status, 206);
  server_->state().Advance(3601);
  EXPECT_EQ(GetUrl(loc, {{"Range", "bytes=0-0"}}).status, 403);
}

TEST_F(ServerTest, OddRequestsGetAnAnswerAndTheServerStaysUp) {
  const std::string big = "Bearer " + std::string(16384, 'x');
  const std::vector<std::string> odd = {
      "GET " + kClip + "/resolve/main/config.json HTTP/1.1\r\nAuthorization: " + big +
          "\r\nConnection: close\r\n\r\n",
      "GET " + kClip +
          "/resolve/main/config.json HTTP/1.1\r\nAuthorization: Bearer "
          "hf_\xc3\xa4\xff\r\nConnection: close\r\n\r\n",
      "GET " + kClip +
          "/resolve/main/config.json HTTP/1.1\r\nAuthorization: Bearer hf_alice   \r\nConnection: "
          "close\r\n\r\n",
      "GET /%%%%/resolve/main/x HTTP/1.1\r\nConnection: close\r\n\r\n",
      "BLAH\r\n\r\n",
      "GET " + std::string(20000, 'a') + " HTTP/1.1\r\nConnection: close\r\n\r\n",
  };
  for (const std::string& bytes : odd) {
    RawResponse r = SendRaw(hub(), bytes);
    ASSERT_TRUE(r.ok) << r.error << " for " << bytes.substr(0, 60);
    EXPECT_GE(r.status, 200);
    EXPECT_LT(r.status, 500) << bytes.substr(0, 60);
  }
  EXPECT_EQ(SendRaw(hub(), odd[2]).status, 200);  // trailing spaces are ignored
  // A 16 KiB header is within the 64 KiB head limit: it reaches the hub,
  // which does not know the token (a larger head gets 431, wire_test.cc).
  EXPECT_EQ(SendRaw(hub(), odd[0]).status, 401);
  EXPECT_EQ(Request(hub(), "GET", kClip + "/resolve/main/config.json",
                    {{"Authorization", "Bearer " + std::string(4000, 'x')}})
                .status,
            401);
  EXPECT_EQ(Request(hub(), "GET", "/_mockhub/health").status, 200);
}

TEST(ServerTlsTest, ServesHttpsWithAGeneratedCaThatCurlVerifies) {
  ServerOptions opts;
  opts.tls = true;
  auto started = MockServer::Start(DemoWorld(), opts);
  ASSERT_TRUE(started) << started.status().message();
  std::unique_ptr<MockServer> server = std::move(*started);
  ASSERT_FALSE(server->ca_file().empty());
  EXPECT_EQ(server->hub_url().rfind("https://127.0.0.1:", 0), 0u);
  const std::string url = server->hub_url() + "/api/whoami-v2";
  auto run = [](const std::string& cmd) {
    FILE* p = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[256];
    while (p && std::fgets(buf, sizeof buf, p)) out += buf;
    if (p) ::pclose(p);
    return out;
  };
  // curl verifies against the CA (and the 127.0.0.1 SAN); without it, it refuses.
  EXPECT_EQ(run("curl -s -o /dev/null -w '%{http_code}' --cacert " + server->ca_file() +
                " -H 'Authorization: Bearer hf_alice' " + url),
            "200");
  EXPECT_EQ(run("curl -s -o /dev/null -w '%{http_code}' --cacert " + server->ca_file() + " " +
                server->cdn_url() + "/repos/x"),
            "403");
  EXPECT_EQ(
      run("env -u SSL_CERT_FILE -u CURL_CA_BUNDLE curl -s -o /dev/null -w '%{http_code}' " + url),
      "000");
}

}  // namespace
}  // namespace mockhub

namespace mockhub {
namespace {

TEST_F(ServerTest, HeadIsJournaledBeforeTheConnectionIsReused) {
  // One keep-alive connection, held open after the HEAD's answer: the HEAD
  // must be in the journal without waiting for the connection to move on.
  std::string host;
  int port = 0;
  ASSERT_TRUE(testsupport::SplitBase(hub(), host, port));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string head =
      "HEAD " + kClip + "/resolve/main/config.json HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
  std::string in;
  char buf[4096];
  while (in.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    ASSERT_GT(::poll(&p, 1, 5000), 0) << "no answer to the HEAD";
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    in.append(buf, static_cast<std::size_t>(n));
  }
  EXPECT_TRUE(server_->journal().WaitForCount(1, testsupport::kWaitDefault))
      << "the HEAD was not journaled while its keep-alive connection stayed open";
  ::close(fd);
}

TEST(ServerTlsDirTest, CreatesTheTlsDirectoryWhenMissing) {
  char tmpl[] = "/tmp/mockhub-tlsdir-XXXXXX";
  ASSERT_TRUE(::mkdtemp(tmpl));
  ServerOptions opts;
  opts.tls = true;
  opts.tls_dir = std::string(tmpl) + "/nested/certs";
  auto started = MockServer::Start(DemoWorld(), opts);
  ASSERT_TRUE(started) << started.status().message();
  std::unique_ptr<MockServer> server = std::move(*started);
  EXPECT_EQ(server->ca_file(), opts.tls_dir + "/ca.pem");
  server->Stop();
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace mockhub
