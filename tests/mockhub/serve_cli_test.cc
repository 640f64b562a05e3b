// `mockhub serve` as a process: the first stdout line, readiness, clean stop
// on SIGTERM and SIGINT, exit 2 with a pointer for a bad world file, and
// `--scenario` serving a scenario's hub and faults, steerable by steps.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "child_process.h"
#include "mockhub/sites/site.h"
#include "raw_http.h"
#include "wait_for.h"

namespace {

using testsupport::Child;
using testsupport::ExitsWith;
using testsupport::ReadAll;
using testsupport::ReadLine;
using testsupport::Spawn;

class ServeCliTest : public ::testing::TestWithParam<int> {};

TEST_P(ServeCliTest, PrintsEndpointFirstServesAndStopsCleanlyOnSignal) {
  Child c = Spawn({MOCKHUB_BIN, "serve", "--port", "0"});
  ASSERT_GT(c.pid, 0);
  std::string line;
  ASSERT_TRUE(ReadLine(c.out, line, testsupport::kWaitDefault));
  ASSERT_EQ(line.rfind("HF_ENDPOINT=http://127.0.0.1:", 0), 0u) << line;
  const std::string endpoint = line.substr(12);
  ASSERT_TRUE(ReadLine(c.out, line, testsupport::kWaitDefault));
  EXPECT_EQ(line.rfind("MOCKHUB_CDN=http://127.0.0.2:", 0), 0u) << line;
  EXPECT_EQ(testsupport::Request(endpoint, "GET", "/_mockhub/health").status, 200);
  EXPECT_EQ(testsupport::Request(endpoint, "GET", "/api/whoami-v2",
                                 {{"Authorization", "Bearer hf_alice"}})
                .status,
            200);
  ::kill(c.pid, GetParam());
  EXPECT_TRUE(ExitsWith(c.pid, 0, testsupport::kWaitDefault));
  const std::string log = ReadAll(c.err);
  EXPECT_NE(log.find("hub GET /api/whoami-v2 -> 200"), std::string::npos) << log;
  EXPECT_EQ(log.find("hf_alice"), std::string::npos) << "the log holds a whole token";
}

INSTANTIATE_TEST_SUITE_P(Signals, ServeCliTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& p) { return p.param == SIGTERM ? "Sigterm" : "Sigint"; });

// What a client exports: the hub as HF_ENDPOINT, then every other site of
// SiteNames() as MOCKHUB_<NAME>, each once, on the site's own host.
TEST(ServeCliOutputTest, PrintsHfEndpointFirstThenOneMockhubLinePerSite) {
  std::vector<std::string> expected = {"HF_ENDPOINT"};
  std::vector<std::string> hosts = {mockhub::FindSite(mockhub::kHubSite)->default_host};
  for (const std::string& name : mockhub::SiteNames()) {
    if (name == mockhub::kHubSite) continue;
    std::string var = "MOCKHUB_" + name;
    for (char& ch : var) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    expected.push_back(var);
    hosts.push_back(mockhub::FindSite(name)->default_host);
  }
  Child c = Spawn({MOCKHUB_BIN, "serve"});
  ASSERT_GT(c.pid, 0);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    std::string line;
    if (!ReadLine(c.out, line, testsupport::kWaitDefault)) break;
    lines.push_back(line);
  }
  ::kill(c.pid, SIGTERM);
  EXPECT_TRUE(ExitsWith(c.pid, 0, testsupport::kWaitDefault));
  const std::string rest = ReadAll(c.out);
  EXPECT_EQ(rest, "") << "more stdout lines than sites";
  ASSERT_EQ(lines.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::string prefix = expected[i] + "=http://" + hosts[i] + ":";
    EXPECT_EQ(lines[i].rfind(prefix, 0), 0u) << "line " << i + 1 << ": " << lines[i];
    const std::string port = lines[i].substr(std::min(prefix.size(), lines[i].size()));
    EXPECT_FALSE(port.empty()) << lines[i];
    EXPECT_EQ(port.find_first_not_of("0123456789"), std::string::npos) << lines[i];
  }
}

TEST(ServeCliBadInputTest, BadWorldFileExits2NamingFileAndPointer) {
  char dir[] = "/tmp/mockhub-test-XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir));
  const std::string path = std::string(dir) + "/world.json";
  std::ofstream(path) << R"({"repos": {"a/b": {"files": {"x": {"lfs": "yes", "text": "1"}}}}})";
  Child c = Spawn({MOCKHUB_BIN, "serve", "--world", path});
  EXPECT_TRUE(ExitsWith(c.pid, 2, testsupport::kWaitDefault));
  const std::string err = ReadAll(c.err);
  EXPECT_NE(err.find(path + ": /repos/a~1b/files/x/lfs: has the wrong type"), std::string::npos)
      << err;
  std::remove(path.c_str());
  ::rmdir(dir);
}

// A scenario file in a fresh temp dir; removed by the destructor.
struct ScenarioFile {
  explicit ScenarioFile(const std::string& text) {
    char tmpl[] = "/tmp/mockhub-test-XXXXXX";
    if (::mkdtemp(tmpl)) dir = tmpl;
    path = dir + "/scenario.json";
    std::ofstream(path) << text;
  }
  ~ScenarioFile() {
    std::remove(path.c_str());
    ::rmdir(dir.c_str());
  }
  std::string dir, path;
};

TEST(ServeCliScenarioTest, ServesTheScenariosWorldAndFaultsAndTakesSteps) {
  ScenarioFile sc(R"({
    "about": {"description": "serve test"},
    "hub": {"patch": {"tokens": {"hf_carol": {"user": "alice", "name": "ci"}}}},
    "faults": [{"server": "hub", "path": "/api/whoami-v2", "when": {"first": 1},
                "do": {"status": {"code": 503, "headers": {"Retry-After": "1"}}}}],
    "steps": [{"whoami": {}}]
  })");
  Child c = Spawn({MOCKHUB_BIN, "serve", "--scenario", sc.path});
  ASSERT_GT(c.pid, 0);
  std::string line;
  ASSERT_TRUE(ReadLine(c.out, line, testsupport::kWaitDefault));
  ASSERT_EQ(line.rfind("HF_ENDPOINT=", 0), 0u) << line;
  const std::string endpoint = line.substr(12);
  const std::vector<std::pair<std::string, std::string>> carol = {
      {"Authorization", "Bearer hf_carol"}};
  EXPECT_EQ(testsupport::Request(endpoint, "GET", "/api/whoami-v2", carol).status, 503)
      << "the scenario's fault, first attempt";
  EXPECT_EQ(testsupport::Request(endpoint, "GET", "/api/whoami-v2", carol).status, 200)
      << "the scenario's world (its patch added the token)";
  const std::string step = R"({"revoke_token": "hf_carol"})";
  EXPECT_EQ(testsupport::SendRaw(endpoint,
                                 "POST /_mockhub/steps HTTP/1.1\r\nHost: " + endpoint.substr(7) +
                                     "\r\nContent-Type: application/json\r\n"
                                     "Connection: close\r\nContent-Length: " +
                                     std::to_string(step.size()) + "\r\n\r\n" + step)
                .status,
            200);
  EXPECT_EQ(testsupport::Request(endpoint, "GET", "/api/whoami-v2", carol).status, 401);
  ::kill(c.pid, SIGTERM);
  EXPECT_TRUE(ExitsWith(c.pid, 0, testsupport::kWaitDefault));
}

TEST(ServeCliScenarioTest, ScenarioAndWorldAreExclusiveAndABadScenarioNamesItsPointer) {
  ScenarioFile sc(R"({"about": {"description": "x"}, "faults": [{"do": {"explode": {}}}],
                      "steps": [{"whoami": {}}]})");
  Child both = Spawn({MOCKHUB_BIN, "serve", "--scenario", sc.path, "--world", sc.path});
  EXPECT_TRUE(ExitsWith(both.pid, 2, testsupport::kWaitDefault));
  Child bad = Spawn({MOCKHUB_BIN, "serve", "--scenario", sc.path});
  EXPECT_TRUE(ExitsWith(bad.pid, 2, testsupport::kWaitDefault));
  const std::string err = ReadAll(bad.err);
  EXPECT_NE(err.find(sc.path + ": /faults/0/do/explode: unknown fault verb"), std::string::npos)
      << err;
}

TEST(ServeCliBadInputTest, UnknownOptionExits2) {
  Child c = Spawn({MOCKHUB_BIN, "serve", "--cdn", "akamai"});
  EXPECT_TRUE(ExitsWith(c.pid, 2, testsupport::kWaitDefault));
}

}  // namespace
