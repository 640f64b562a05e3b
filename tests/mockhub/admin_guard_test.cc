// Who may call the admin API, through real sockets (issue 25, N9): a web page
// opened in a browser added a fault and revoked a token on a local mock (a
// text/plain POST needs no CORS preflight), and a page whose DNS name was
// rebound to 127.0.0.1 read the journal. Admin POST and DELETE must be JSON
// (415), another Origin is refused (403), and a Host that is not loopback or
// localhost with the site's port is refused (421), on every admin route; the
// hub's own routes are not affected.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "admin_fixture.h"
#include "mockhub/faults/faults.h"
#include "raw_http.h"
#include "wait_for.h"

namespace mockhub {
namespace {

using nlohmann::json;
using testsupport::RawResponse;
using testsupport::Request;
using testsupport::SendRaw;
using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string kConfig = "/InvokeAI/ip_adapter_sd_image_encoder/resolve/main/config.json";
const std::string kFault = R"({"server": "hub", "do": {"status": {"code": 503}}})";
const Headers kAlice = {{"Authorization", "Bearer hf_alice"}};
const Headers kJson = {{"Content-Type", "application/json"}};

class AdminGuardTest : public AdminServerTest {
 protected:
  std::string Port() { return Authority().substr(Authority().find(':') + 1); }
  // A request with exactly these fields (Host included only if given).
  RawResponse Send(const std::string& method, const std::string& target, const Headers& fields,
                   const std::string& body = "") {
    std::string bytes = method + " " + target + " HTTP/1.1\r\nConnection: close\r\n";
    for (const auto& [k, v] : fields) bytes += k + ": " + v + "\r\n";
    if (method == "POST") bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return SendRaw(hub(), bytes + "\r\n" + body);
  }
  std::size_t FaultCount() { return server_->faults().List().size(); }
  // The error of a JSON answer, "" if it has none.
  static std::string Error(const RawResponse& r) {
    const json j = json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("error", "") : "";
  }
};

TEST_F(AdminGuardTest, APostOrDeleteThatIsNotJsonIs415AndChangesNothing) {
  const Headers host = {{"Host", Authority()}};
  RawResponse none = Send("POST", "/_mockhub/faults", host, kFault);
  EXPECT_EQ(none.status, 415) << none.body;
  EXPECT_EQ(none.Header("Content-Type"), "application/json");
  EXPECT_NE(Error(none).find("Content-Type: application/json"), std::string::npos) << none.body;
  // What a web page's no-cors fetch or an HTML form sends.
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "application/jsonx"}) {
    RawResponse r =
        Send("POST", "/_mockhub/faults", {{"Host", Authority()}, {"Content-Type", type}}, kFault);
    EXPECT_EQ(r.status, 415) << type;
    EXPECT_NE(Error(r).find(type), std::string::npos) << r.body;
  }
  EXPECT_EQ(FaultCount(), 0u) << "a refused POST added a fault";
  EXPECT_EQ(Send("POST", "/_mockhub/steps", host, R"({"revoke_token": "hf_alice"})").status, 415);
  EXPECT_EQ(Request(hub(), "GET", "/api/whoami-v2", kAlice).status, 200) << "the step ran";

  // With the type (and a charset parameter) the same requests go through.
  RawResponse ok =
      Send("POST", "/_mockhub/faults",
           {{"Host", Authority()}, {"Content-Type", "Application/JSON; charset=utf-8"}},
           R"({"server": "hub", "path": "/nowhere", "do": {"refuse": {}}})");
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(Request(hub(), "GET", kConfig).status, 200);
  ASSERT_TRUE(server_->journal().WaitForCount(2, testsupport::kWaitDefault));
  EXPECT_EQ(Request(hub(), "DELETE", "/_mockhub/faults").status, 415);
  EXPECT_EQ(Request(hub(), "DELETE", "/_mockhub/faults/f1").status, 415);
  EXPECT_EQ(FaultCount(), 1u) << "a DELETE without the type removed faults";
  EXPECT_EQ(Request(hub(), "DELETE", "/_mockhub/requests").status, 415);
  EXPECT_EQ(server_->journal().Entries().size(), 2u) << "a DELETE without the type cleared";
  EXPECT_EQ(Request(hub(), "DELETE", "/_mockhub/faults/f1", kJson).status, 204);
  EXPECT_EQ(Request(hub(), "DELETE", "/_mockhub/requests", kJson).status, 204);
  EXPECT_TRUE(server_->journal().Entries().empty());
  EXPECT_EQ(Request(hub(), "GET", "/_mockhub/faults").status, 200) << "reads need no type";
}

TEST_F(AdminGuardTest, ARequestFromAnotherOriginIsRefused) {
  for (const std::string& origin : std::vector<std::string>{
           "http://evil.example", "null", "http://127.0.0.1:1", "https://" + Authority(),
           "http://localhost:" + Port() + ".evil.example", "http://" + Authority() + "/"}) {
    RawResponse post = Send(
        "POST", "/_mockhub/faults",
        {{"Host", Authority()}, {"Origin", origin}, {"Content-Type", "application/json"}}, kFault);
    EXPECT_EQ(post.status, 403) << origin << ": " << post.body;
    EXPECT_NE(Error(post).find("Origin"), std::string::npos) << post.body;
    EXPECT_EQ(Send("GET", "/_mockhub/requests", {{"Host", Authority()}, {"Origin", origin}}).status,
              403)
        << origin;
  }
  EXPECT_EQ(FaultCount(), 0u) << "a cross-origin POST added a fault";
  // The server's own origin, under any of its loopback names, is fine.
  for (const std::string& origin : std::vector<std::string>{
           "http://" + Authority(), "http://localhost:" + Port(), "http://[::1]:" + Port()}) {
    RawResponse r =
        Send("POST", "/_mockhub/faults",
             {{"Host", Authority()}, {"Origin", origin}, {"Content-Type", "application/json"}},
             R"({"path": "/nowhere", "do": {"refuse": {}}})");
    EXPECT_EQ(r.status, 201) << origin << ": " << r.body;
  }
}

TEST_F(AdminGuardTest, AHostThatIsNotLoopbackIsRefusedAndTheJournalNotReturned) {
  ASSERT_EQ(Request(hub(), "GET", kConfig, kAlice).status, 200);
  for (const std::string& h : std::vector<std::string>{
           "evil.example:" + Port(), "evil.example", "127.0.0.1:1", "127.0.0.1",
           "localhost.evil.example:" + Port(), "10.1.2.3:" + Port(), "[::2]:" + Port(),
           "127.0.0.1:" + Port() + "0", ""}) {
    RawResponse journal = Send("GET", "/_mockhub/requests", {{"Host", h}});
    EXPECT_EQ(journal.status, 421) << "Host " << h;
    EXPECT_EQ(journal.body.find("config.json"), std::string::npos) << "the journal was returned";
    EXPECT_NE(Error(journal).find("Host"), std::string::npos) << journal.body;
    EXPECT_EQ(Send("GET", "/_mockhub/health", {{"Host", h}}).status, 421) << "Host " << h;
    EXPECT_EQ(Send("POST", "/_mockhub/faults", {{"Host", h}, {"Content-Type", "application/json"}},
                   kFault)
                  .status,
              421)
        << "Host " << h;
  }
  EXPECT_EQ(FaultCount(), 0u);
  // Two Host fields, one of them good, are not a way round.
  EXPECT_EQ(
      Send("GET", "/_mockhub/requests", {{"Host", Authority()}, {"Host", "evil.example"}}).status,
      400);
  // Every loopback spelling of this site, and no Host at all (HTTP/1.0
  // clients; browsers always send one), are answered.
  for (const std::string& h :
       std::vector<std::string>{Authority(), "localhost:" + Port(), "LocalHost:" + Port(),
                                "127.9.8.7:" + Port(), "[::1]:" + Port()}) {
    RawResponse r = Send("GET", "/_mockhub/requests", {{"Host", h}});
    EXPECT_EQ(r.status, 200) << "Host " << h << ": " << r.body;
    EXPECT_NE(r.body.find("config.json"), std::string::npos) << "Host " << h;
  }
  EXPECT_EQ(Send("GET", "/_mockhub/health", {}).status, 200);
  // The hub's own routes do not look at Host: clients reach mocks through
  // proxies and names of their own.
  EXPECT_EQ(Send("GET", kConfig, {{"Host", "evil.example"}}).status, 200);
}

TEST_F(AdminGuardTest, EverySiteChecksAgainstItsOwnPort) {
  const std::string cdn = server_->cdn_url().substr(std::string("http://").size());
  const std::string cdn_port = cdn.substr(cdn.find(':') + 1);
  auto health = [&](const std::string& host) {
    return SendRaw(server_->cdn_url(), "GET /_mockhub/health HTTP/1.1\r\nHost: " + host +
                                           "\r\nConnection: close\r\n\r\n")
        .status;
  };
  EXPECT_EQ(health(cdn), 200);
  EXPECT_EQ(health("localhost:" + cdn_port), 200);
  EXPECT_EQ(health(Authority()), 421) << "the hub's port on the CDN's site";
}

}  // namespace
}  // namespace mockhub
