// What the wire checks say, and in which order, on a journal made by hand:
// the words of every token check (each way), the order failures come in
// (the tokens, then requests, ranges, bytes twice, Retry-After, HEAD before
// GET, connections), and the capability gates. Reports, JUnit and the HTML
// page show these texts, so they stay as scenarios have always had them.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "expect.h"
#include "mockhub/runner/scenario.h"
#include "temp_dir_test.h"

namespace mockhub::runner {
namespace {

JournalEntry Entry(std::uint64_t seq, const char* server, const char* method, const char* target,
                   const char* authorization = "", std::vector<std::string> flags = {}) {
  JournalEntry e;
  e.seq = seq;
  e.server = server;
  e.method = method;
  e.target = target;
  e.authorization = authorization;
  e.flags = std::move(flags);
  e.status = 200;
  return e;
}

// Requests that break every token rule once: a CAS token at the CDN (seq
// 1), a Hub token at the hub (2), a Hub token at the CAS (3), a CAS token at
// the hub (4), flagged as the mock flags them.
std::vector<JournalEntry> TokenEverywhere() {
  return {Entry(1, "cdn", "GET", "/repos/a", "Bearer eyJhbG…", {"token_leak", "cas_token_to_cdn"}),
          Entry(2, "hub", "GET", "/api/whoami-v2", "Bearer hf_ali…"),
          Entry(3, "cas", "GET", "/v1/reconstructions/x", "Bearer hf_ali…", {"hub_token_to_cas"}),
          Entry(4, "hub", "GET", "/api/models/x", "Bearer eyJhbG…", {"cas_token_to_hub"})};
}

using Seen = std::tuple<std::string, std::string, std::vector<std::uint64_t>>;

class WireMessagesTest : public testsupport::TempDirTest {
 protected:
  // The failures of a whoami step expecting `wire` on `entries`.
  std::vector<Seen> Check(const std::string& wire, std::vector<JournalEntry> entries,
                          const Caps& caps = Caps{}) {
    const std::string path = dir_ + "/case.json";
    std::ofstream(path) << R"({"about": {"description": "d"}, "steps": [{"whoami": {},
        "expect": {"wire": )" + wire +
                               "}}]}";
    auto sc = LoadScenario(path);
    EXPECT_TRUE(sc.ok()) << (sc.ok() ? "" : sc.error().ToString());
    if (!sc.ok()) return {};
    Observation seen;
    seen.entries = std::move(entries);
    std::vector<Seen> out;
    for (const CheckFailure& f : CheckStep(sc->steps[0], seen, caps))
      out.emplace_back(f.check, f.text, f.seqs);
    return out;
  }
};

TEST_F(WireMessagesTest, EachTokenCheckSaysWhichRequestsCarriedWhat) {
  EXPECT_EQ(Check(R"({"token_to_cdn": false, "token_to_hub": false, "hub_token_to_cas": false,
                      "cas_token_to_hub": false, "cas_token_to_cdn": false})",
                  TokenEverywhere()),
            (std::vector<Seen>{
                {"wire.token_to_cdn", "a token reached the CDN in 1 request(s) (token_leak)", {1}},
                {"wire.token_to_hub", "expected no token sent to the hub, one was", {2, 4}},
                {"wire.hub_token_to_cas",
                 "a Hub token (or another bearer) reached the CAS in 1 request(s) "
                 "(hub_token_to_cas)",
                 {3}},
                {"wire.cas_token_to_hub",
                 "a CAS token reached the hub in 1 request(s) (cas_token_to_hub)",
                 {4}},
                {"wire.cas_token_to_cdn",
                 "a CAS token reached the CDN in 1 request(s) (cas_token_to_cdn)",
                 {1}}}));
}

TEST_F(WireMessagesTest, EachTokenCheckAskedToSeeATokenSaysNoneCame) {
  EXPECT_EQ(
      Check(R"({"token_to_cdn": true, "token_to_hub": true, "hub_token_to_cas": true,
                      "cas_token_to_hub": true, "cas_token_to_cdn": true})",
            {Entry(1, "hub", "GET", "/api/whoami-v2")}),
      (std::vector<Seen>{
          {"wire.token_to_cdn", "expected a token to reach the CDN, none did", {}},
          {"wire.token_to_hub", "expected a token sent to the hub, none was", {}},
          {"wire.hub_token_to_cas", "expected hub_token_to_cas, no request was flagged", {}},
          {"wire.cas_token_to_hub", "expected cas_token_to_hub, no request was flagged", {}},
          {"wire.cas_token_to_cdn", "expected cas_token_to_cdn, no request was flagged", {}}}));
  EXPECT_TRUE(Check(R"({"token_to_cdn": true, "token_to_hub": true, "hub_token_to_cas": true,
                        "cas_token_to_hub": true, "cas_token_to_cdn": true})",
                    TokenEverywhere())
                  .empty());
}

// An empty "Authorization:" is journaled as no header but flagged: it
// still reached the CDN.
TEST_F(WireMessagesTest, AnEmptyAuthorizationAtTheCdnIsAToken) {
  EXPECT_EQ(
      Check(R"({"token_to_cdn": false})", {Entry(7, "cdn", "GET", "/repos/a", "", {"token_leak"})}),
      (std::vector<Seen>{
          {"wire.token_to_cdn", "a token reached the CDN in 1 request(s) (token_leak)", {7}}}));
}

TEST_F(WireMessagesTest, FailuresComeTokensFirstThenInTheOrderOfTheReadmeTable) {
  std::vector<JournalEntry> entries = TokenEverywhere();
  JournalEntry late = Entry(10, "hub", "GET", "/api/x");
  late.status = 429;
  late.time = 100;
  late.retry_after = "5";
  entries.push_back(late);
  JournalEntry early = Entry(11, "hub", "GET", "/api/x");
  early.time = 101;
  entries.push_back(early);
  for (std::uint64_t seq : {20u, 21u}) {
    JournalEntry twice = Entry(seq, "cdn", "GET", "/repos/b");
    twice.bytes_sent = 10;
    entries.push_back(twice);
  }
  entries.push_back(Entry(30, "hub", "GET", "/org/m/resolve/main/f.bin"));
  std::vector<std::string> checks;
  for (const Seen& f : Check(R"({"max_connections": 0, "head_before_get": true,
      "retry_after_respected": true, "no_range_twice": true, "ranges": "bytes=5-",
      "requests": [{"server": "cas", "count": 0}], "cas_token_to_cdn": false,
      "cas_token_to_hub": false, "hub_token_to_cas": false, "token_to_hub": false,
      "token_to_cdn": false})",
                             entries))
    checks.push_back(std::get<0>(f));
  EXPECT_EQ(checks, (std::vector<std::string>{
                        "wire.token_to_cdn", "wire.token_to_hub", "wire.hub_token_to_cas",
                        "wire.cas_token_to_hub", "wire.cas_token_to_cdn", "wire.requests",
                        "wire.ranges", "wire.no_range_twice", "wire.retry_after_respected",
                        "wire.head_before_get", "wire.max_connections"}));
}

TEST_F(WireMessagesTest, CapabilitiesTurnOffTheChecksThatDescribeOneAlgorithm) {
  const std::string wire = R"({"ranges": "bytes=5-", "head_before_get": true,
      "requests": [{"method": "HEAD", "count": 1}, {"method": "GET", "count": 0}]})";
  const std::vector<JournalEntry> entries = {Entry(1, "hub", "GET", "/org/m/resolve/main/f")};
  std::vector<std::string> all, none;
  for (const Seen& f : Check(wire, entries)) all.push_back(std::get<0>(f));
  EXPECT_EQ(all, (std::vector<std::string>{"wire.requests", "wire.requests", "wire.ranges",
                                           "wire.head_before_get"}));
  Caps other;
  other.metadata_by_head = false;
  other.resume = false;
  for (const Seen& f : Check(wire, entries, other)) none.push_back(std::get<0>(f));
  EXPECT_EQ(none, std::vector<std::string>{"wire.requests"}) << "only the GET count applies";
}

}  // namespace
}  // namespace mockhub::runner
