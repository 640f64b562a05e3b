// The client under test runs under Landlock (issue 25, item 2): through the
// real `mockhub run`, a probe adapter tries to write outside the scenario's
// folder and to connect to a loopback listener that is not the mock's, and
// the kernel refuses both while the legitimate writes and connections still
// work. The same probe with --no-containment does both, so the probe can
// tell. The rules per Landlock ABI version, and the line the run prints
// about them, are plain functions tested here for every version.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "bounded_run.h"
#include "containment.h"
#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario_result.h"
#include "temp_dir_test.h"

namespace mockhub {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kTruncate = 1ULL << 14;  // LANDLOCK_ACCESS_FS_TRUNCATE, ABI 3

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ContainmentRulesTest, WithoutLandlockNothingIsEnforcedAndTheRunSaysSo) {
  const runner::ContainmentRules r = runner::RulesForAbi(0);
  EXPECT_EQ(r.fs, 0u);
  EXPECT_EQ(r.net, 0u);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.summary.rfind("NOT contained: this kernel has no Landlock", 0), 0u) << r.summary;
  EXPECT_TRUE(Has(r.summary, "may write anywhere and connect anywhere")) << r.summary;
  EXPECT_EQ(runner::RulesForAbi(-1).summary, r.summary);  // what the probe answers on error
}

// ABI 1 denies every rename across folders, which clients need to move a
// download into place: it is reported as uncontained, not half-enforced.
TEST(ContainmentRulesTest, AbiOneEnforcesNothingSinceItRefusesRenamesAcrossFolders) {
  const runner::ContainmentRules r = runner::RulesForAbi(1);
  EXPECT_EQ(r.fs, 0u);
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(Has(r.summary, "NOT contained: Landlock ABI 1")) << r.summary;
}

TEST(ContainmentRulesTest, AbiTwoAndThreeContainWritesAndSayConnectionsAreNot) {
  const runner::ContainmentRules two = runner::RulesForAbi(2), three = runner::RulesForAbi(3);
  EXPECT_NE(two.fs & LANDLOCK_ACCESS_FS_WRITE_FILE, 0u);
  EXPECT_NE(two.fs & LANDLOCK_ACCESS_FS_REFER, 0u);
  EXPECT_EQ(two.fs & kTruncate, 0u) << "a right ABI 2 does not know";
  EXPECT_NE(three.fs & kTruncate, 0u);
  for (const auto& r : {two, three}) {
    EXPECT_EQ(r.fs & (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                      LANDLOCK_ACCESS_FS_EXECUTE),
              0u)
        << "reading and executing stay allowed everywhere";
    EXPECT_EQ(r.net, 0u);
    EXPECT_FALSE(r.complete);
    EXPECT_TRUE(Has(r.summary, "writes only in the scenario's folder")) << r.summary;
    EXPECT_TRUE(Has(r.summary, "NOT contained: its TCP connections")) << r.summary;
    EXPECT_TRUE(Has(r.summary, "Linux 6.7+")) << r.summary;
  }
}

TEST(ContainmentRulesTest, AbiFourContainsConnectionsAndBindsToo) {
  const runner::ContainmentRules r = runner::RulesForAbi(4);
  EXPECT_EQ(r.net, 3u) << "LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP";
  EXPECT_EQ(r.scoped, 0u) << "scopes came with ABI 6";
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(Has(r.summary, "NOT")) << r.summary;
  EXPECT_TRUE(Has(r.summary, "connects only to the mock's TCP ports")) << r.summary;
}

TEST(ContainmentRulesTest, AbiSixKeepsSignalsAndAbstractSocketsInside) {
  EXPECT_EQ(runner::RulesForAbi(6).scoped, 3u);
  // A newer kernel gets the newest rules this runner knows.
  const runner::ContainmentRules future = runner::RulesForAbi(42);
  EXPECT_EQ(future.fs, runner::RulesForAbi(7).fs);
  EXPECT_EQ(future.net, runner::RulesForAbi(7).net);
  EXPECT_TRUE(Has(future.summary, "Landlock ABI 42")) << future.summary;
}

TEST(ContainmentRulesTest, TurnedOffIsNeverSilent) {
  const runner::ContainmentRules r = runner::RulesTurnedOff();
  EXPECT_EQ(r.fs, 0u);
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(Has(r.summary, "NOT contained: --no-containment")) << r.summary;
  RunOptions off;
  off.contain = false;
  EXPECT_EQ(DescribeContainment(off).text, r.summary);
}

TEST(ContainmentRulesTest, EverySiteOfTheMockIsAnAllowedPort) {
  const runner::Containment c = runner::ContainmentFor(true, "/tmp/x",
                                                       {{"hub", "http://127.0.0.1:1234"},
                                                        {"cdn", "https://127.0.0.1:5678/"},
                                                        {"cas", "http://[::1]:9"},
                                                        {"odd", "http://[::1]"},
                                                        {"bad", "http://h:99999"}});
  EXPECT_EQ(c.tcp_ports, (std::vector<std::uint16_t>{1234, 5678, 9}));
  EXPECT_EQ(c.writable, "/tmp/x");
}

TEST(ContainmentRulesTest, JUnitCarriesTheRunsContainmentOnTheSuite) {
  const std::string xml = FormatJUnit({}, "s", {{"containment", "NOT contained: <why>"}});
  EXPECT_TRUE(Has(xml,
                  "<properties><property name=\"containment\" value=\"NOT contained: "
                  "&lt;why&gt;\"/></properties>"))
      << xml;
}

// The kernel's ABI as the test sees it, asked apart from the runner.
int ProbeAbi() {
  const long v =
      ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return v > 0 ? static_cast<int>(v) : 0;
}

// A probe client: each attempt prints "<what>: done" or "<what>: refused
// <ERRNO>", then the outcome line. It writes outside and connects to the
// listener (what containment refuses), and writes in its TMPDIR, its
// folder and /dev/null and connects to the hub (what it must still do).
constexpr const char* kProbe = R"(#!/usr/bin/python3
import errno, json, os, socket, sys
outside, port = sys.argv[1], int(sys.argv[2])
def attempt(what, action):
    try:
        action()
        print(what + ": done")
    except OSError as e:
        print(what + ": refused " + errno.errorcode.get(e.errno, str(e.errno)))
def write(path):
    with open(path, "w") as f:
        f.write("written by the client\n")
def connect(port):
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
hub = os.environ["HF_ENDPOINT"]
attempt("write outside", lambda: write(outside))
attempt("connect outside", lambda: connect(port))
attempt("write in TMPDIR", lambda: write(os.path.join(os.environ["TMPDIR"], "t")))
attempt("write in cwd", lambda: write("here"))
attempt("write /dev/null", lambda: write("/dev/null"))
attempt("connect to the hub", lambda: connect(int(hub.rsplit(":", 1)[1])))
inside = os.path.realpath(os.environ["TMPDIR"]).startswith(os.path.realpath(os.getcwd()) + "/")
print("TMPDIR in the scenario's folder: " + str(inside))
print(json.dumps({"ok": True}))
)";

class ContainmentTest : public testsupport::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    fs::create_directories(dir_ + "/outside");
    outside_ = dir_ + "/outside/escaped";
    // The listener that is not the mock's: port 0, loopback, never accepted
    // from until the end, so a connection would wait in its backlog.
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener_, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener_, 8), 0);
    ASSERT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const std::string port = std::to_string(ntohs(addr.sin_port));
    std::ofstream(dir_ + "/probe.py") << kProbe;
    ::chmod((dir_ + "/probe.py").c_str(), 0755);
    std::ofstream(dir_ + "/probe.adapter.json")
        << R"({"name": "probe", "command": ["./probe.py", ")" << outside_ << R"(", ")" << port
        << R"("], "capabilities": {"messages": false, "cache_layout": false}})";
    std::ofstream(dir_ + "/escape.json")
        << R"({"about": {"description": "the client tries to escape"},
              "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})";
  }
  void TearDown() override {
    if (listener_ >= 0) ::close(listener_);
    TempDirTest::TearDown();
  }
  testsupport::BoundedRun Run(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {MOCKHUB_BIN,
                                     "run",
                                     "--verbose",
                                     "--adapter",
                                     dir_ + "/probe.adapter.json",
                                     "--junit",
                                     dir_ + "/junit.xml"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(dir_ + "/escape.json");
    testsupport::BoundedRunOptions options;
    options.timeout = std::chrono::seconds(60);
    return testsupport::RunBounded(argv, options);
  }
  // Whether anything connected to the listener (accepting never blocks).
  bool SomethingConnected() {
    const int c = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) ::close(c);
    return c >= 0;
  }
  std::string JUnit() {
    std::ifstream in(dir_ + "/junit.xml");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::string outside_;
  int listener_ = -1;
};

TEST_F(ContainmentTest, TheClientCannotWriteOutsideNorConnectPastTheMock) {
  const testsupport::BoundedRun run = Run({});
  ASSERT_TRUE(testsupport::ExitedWith(run, 0));
  const std::string out = run.out + run.err;
  const int abi = ProbeAbi();
  // What it must still do, whatever the kernel.
  for (const char* allowed :
       {"write in TMPDIR: done", "write in cwd: done", "write /dev/null: done",
        "connect to the hub: done", "TMPDIR in the scenario's folder: True"}) {
    EXPECT_TRUE(Has(out, allowed)) << allowed << "\n" << out;
  }
  if (abi >= 2) {
    EXPECT_TRUE(Has(out, "write outside: refused EACCES")) << out;
    EXPECT_FALSE(fs::exists(outside_)) << "the client wrote outside its folder";
  } else {
    EXPECT_TRUE(Has(out, "containment: NOT contained")) << out;
  }
  if (abi >= 4) {
    EXPECT_TRUE(Has(out, "connect outside: refused EACCES")) << out;
    EXPECT_FALSE(SomethingConnected()) << "the client reached a port that is not the mock's";
    EXPECT_TRUE(Has(out, "containment: Landlock ABI " + std::to_string(abi) +
                             ": the client writes only in the scenario's folder and connects "
                             "only to the mock's TCP ports"))
        << out;
  } else {
    EXPECT_TRUE(Has(out, "NOT contained")) << out;
  }
  const std::string junit = JUnit();
  EXPECT_TRUE(Has(junit, abi >= 4 ? "<property name=\"containment\" value=\"Landlock ABI " +
                                        std::to_string(abi) + ": the client writes only in "
                                  : std::string("<property name=\"containment\" value=\"NOT")))
      << junit;
}

// The probe is able to tell: uncontained, the same client does both, and
// the run says it was not contained, in its summary and in JUnit.
TEST_F(ContainmentTest, WithoutContainmentTheSameClientEscapesAndTheRunSaysSo) {
  const testsupport::BoundedRun run = Run({"--no-containment"});
  ASSERT_TRUE(testsupport::ExitedWith(run, 0));
  const std::string out = run.out + run.err;
  EXPECT_TRUE(Has(out, "write outside: done")) << out;
  EXPECT_TRUE(Has(out, "connect outside: done")) << out;
  EXPECT_TRUE(fs::exists(outside_));
  EXPECT_TRUE(SomethingConnected());
  EXPECT_TRUE(Has(run.out, "containment: NOT contained: --no-containment")) << run.out;
  EXPECT_TRUE(Has(JUnit(),
                  "<property name=\"containment\" value=\"NOT contained: "
                  "--no-containment;"))
      << JUnit();
}

}  // namespace
}  // namespace mockhub
