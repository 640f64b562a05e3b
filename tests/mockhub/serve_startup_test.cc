// `mockhub serve` started by a script: --env-file (whole once every site
// listens, never half-written, `NAME=value`), --background (`export
// NAME='value'` lines and MOCKHUB_PID on stdout, the caller's pipes released,
// the server answering until killed; `eval` through /bin/sh exports them to
// the processes that shell starts, quoting included; SIGHUP stops it as
// SIGTERM does, its TLS folder removed), and a port already in use, which is
// exit 2 with the bind error in the foreground and in the background.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bounded_run.h"
#include "child_process.h"
#include "raw_http.h"
#include "wait_for.h"

namespace {

using testsupport::BoundedRun;
using testsupport::ExitedWith;
using testsupport::RunBounded;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

testsupport::BoundedRunOptions Within(std::chrono::seconds timeout) {
  testsupport::BoundedRunOptions o;
  o.timeout = timeout;
  return o;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// NAME=value lines; a line without '=' is kept under "" so a test sees it.
std::map<std::string, std::string> ParseEnv(const std::string& text) {
  std::map<std::string, std::string> vars;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) {
      vars[""] += line;
      continue;
    }
    vars[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return vars;
}

// What --background prints: `export NAME='value'` lines, each value in
// single quotes with `'` written as `'\''`. A line of any other shape is
// kept under "" so a test sees it.
std::map<std::string, std::string> ParseExports(const std::string& text) {
  std::map<std::string, std::string> vars;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::size_t eq = line.find('=');
    const bool shaped = line.rfind("export ", 0) == 0 && eq != std::string::npos &&
                        eq + 2 <= line.size() - 1 && line[eq + 1] == '\'' && line.back() == '\'';
    if (!shaped) {
      vars[""] += line;
      continue;
    }
    std::string value = line.substr(eq + 2, line.size() - eq - 3);
    for (std::size_t at = 0; (at = value.find("'\\''", at)) != std::string::npos; ++at)
      value.replace(at, 4, "'");
    vars[line.substr(7, eq - 7)] = value;
  }
  return vars;
}

// Ended: no such process, or a zombie nobody reaps yet (a background server
// is reparented to PID 1, which in a CI container may be a shell or `tail`
// that never reaps).
bool Gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  const std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

// A fresh temp dir, and every background server a test started: each is
// sent SIGTERM in TearDown (and SIGKILL if it outlives a deadline), whether
// or not the test got to its end.
class ServeStartupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mockhub-startup-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir_ = tmpl;
  }

  void TearDown() override {
    for (pid_t pid : pids_) {
      ::kill(pid, SIGTERM);
      const bool gone = testsupport::WaitFor([pid] { return Gone(pid); },
                                             "the background server to stop on SIGTERM");
      if (!gone) ::kill(pid, SIGKILL);
      EXPECT_TRUE(gone);
    }
    BoundedRun rm = RunBounded({"/bin/rm", "-rf", dir_});
    EXPECT_TRUE(ExitedWith(rm, 0));
  }

  // Remembers MOCKHUB_PID of a background server so TearDown stops it.
  pid_t Adopt(const std::map<std::string, std::string>& vars) {
    const auto it = vars.find("MOCKHUB_PID");
    if (it == vars.end()) return -1;
    const pid_t pid = static_cast<pid_t>(std::stol(it->second));
    if (pid > 1) pids_.push_back(pid);
    return pid;
  }

  std::string dir_;
  std::vector<pid_t> pids_;
};

TEST_F(ServeStartupTest, EnvFileAppearsWholeOnceEverySiteListens) {
  const std::string env = dir_ + "/mockhub.env";
  std::ofstream(env) << "STALE=1\n";  // what a reader sees until the rename
  testsupport::Child c = testsupport::Spawn({MOCKHUB_BIN, "serve", "--env-file", env});
  ASSERT_GT(c.pid, 0);
  // Read as fast as we can while it starts: only the old file or a whole new one.
  std::string text;
  const bool replaced = testsupport::WaitFor(
      [&] {
        text = Slurp(env);
        const bool old = text == "STALE=1\n";
        EXPECT_TRUE(old || text.find("MOCKHUB_PID=") != std::string::npos) << "half-written:\n"
                                                                           << text;
        return !old;
      },
      "the env file to be replaced");
  ASSERT_TRUE(replaced);
  const auto vars = ParseEnv(text);
  EXPECT_EQ(vars.count(""), 0u) << text;
  EXPECT_EQ(vars.count("STALE"), 0u) << text;
  ASSERT_EQ(vars.count("HF_ENDPOINT"), 1u) << text;
  ASSERT_EQ(vars.count("MOCKHUB_CDN"), 1u) << text;
  EXPECT_EQ(vars.count("MOCKHUB_CAS"), 1u) << text;
  EXPECT_EQ(vars.count("MOCKHUB_CA"), 0u) << "no TLS, no CA";
  EXPECT_EQ(vars.at("MOCKHUB_PID"), std::to_string(c.pid));
  // Every site already listens when the file appears.
  for (const char* site : {"HF_ENDPOINT", "MOCKHUB_CDN", "MOCKHUB_CAS"}) {
    const int fd = testsupport::Connect(vars.at(site));
    EXPECT_GE(fd, 0) << site << " " << vars.at(site) << " does not accept";
    if (fd >= 0) ::close(fd);
  }
  EXPECT_EQ(testsupport::Request(vars.at("HF_ENDPOINT"), "GET", "/_mockhub/health").status, 200);
  // The same variables on stdout, without the pid.
  std::string line;
  ASSERT_TRUE(testsupport::ReadLine(c.out, line, testsupport::kWaitDefault));
  EXPECT_EQ(line, "HF_ENDPOINT=" + vars.at("HF_ENDPOINT"));
  // No temporary file left beside it.
  BoundedRun ls = RunBounded({"/bin/ls", "-A", dir_});
  EXPECT_EQ(ls.out, "mockhub.env\n");
  ::kill(c.pid, SIGTERM);
  EXPECT_TRUE(testsupport::ExitsWith(c.pid, 0, testsupport::kWaitDefault));
}

TEST_F(ServeStartupTest, BackgroundPrintsTheLinesAndPidExitsAndKeepsServing) {
  const std::string log = dir_ + "/serve.log", env = dir_ + "/env";
  // RunBounded waits for the end of both pipes too: it returns only if the
  // server kept no hold on the caller's stdout and stderr.
  BoundedRun r = RunBounded(
      {MOCKHUB_BIN, "serve", "--background", "--tls", "--log-file", log, "--env-file", env},
      Within(std::chrono::seconds(20)));
  const auto vars = ParseExports(r.out);
  const pid_t pid = Adopt(vars);
  ASSERT_TRUE(ExitedWith(r, 0));
  EXPECT_GT(pid, 1) << r.out;
  EXPECT_EQ(vars.count(""), 0u) << r.out;
  ASSERT_EQ(vars.count("HF_ENDPOINT"), 1u) << r.out;
  EXPECT_EQ(vars.at("HF_ENDPOINT").rfind("https://127.0.0.1:", 0), 0u) << r.out;
  EXPECT_EQ(vars.at("MOCKHUB_CDN").rfind("https://127.0.0.2:", 0), 0u) << r.out;
  ASSERT_EQ(vars.count("MOCKHUB_CA"), 1u) << r.out;
  EXPECT_TRUE(Exists(vars.at("MOCKHUB_CA"))) << vars.at("MOCKHUB_CA");
  EXPECT_EQ(ParseEnv(Slurp(env)), vars) << "the env file holds the same variables, unquoted";
  EXPECT_FALSE(Gone(pid)) << "the background server is gone";
  // It answers (TLS: a plain request to the HTTPS port still reaches it, so
  // the raw client's view is enough to see it accept).
  const int fd = testsupport::Connect("http://" + vars.at("HF_ENDPOINT").substr(8));
  EXPECT_GE(fd, 0) << "nothing accepts on " << vars.at("HF_ENDPOINT");
  if (fd >= 0) ::close(fd);
  ::kill(pid, SIGTERM);
  EXPECT_TRUE(testsupport::WaitFor(
      [&] { return Slurp(log).find("SIGTERM, stopping") != std::string::npos; },
      "the stop in the --log-file"));
}

// `eval "$(mockhub serve --background)"` as /bin/sh runs it: the variables
// reach a process that shell starts (plain assignments would not: issue 20),
// with their values exact even when a path holds a space, quotes, `$` and a
// backquote.
TEST_F(ServeStartupTest, EvalExportsEveryVariableToChildProcessesWhateverItHolds) {
  const std::string tls_dir = dir_ + "/it's a \"$HOME\" `x` \\ dir";
  const std::string script =
      "eval \"$(\"$0\" serve --background --tls --tls-dir \"$1\")\" && "
      "sh -c 'printf \"%s\\n\" \"$MOCKHUB_PID\" \"$HF_ENDPOINT\" \"$MOCKHUB_CDN\" \"$MOCKHUB_CA\"'";
  BoundedRun r =
      RunBounded({"/bin/sh", "-c", script, MOCKHUB_BIN, tls_dir}, Within(std::chrono::seconds(30)));
  std::istringstream in(r.out);
  std::vector<std::string> seen;
  for (std::string line; std::getline(in, line);) seen.push_back(line);
  if (!seen.empty() && std::atol(seen[0].c_str()) > 1)
    pids_.push_back(static_cast<pid_t>(std::atol(seen[0].c_str())));
  ASSERT_TRUE(ExitedWith(r, 0));
  ASSERT_EQ(seen.size(), 4u) << r.out;
  EXPECT_GT(std::atol(seen[0].c_str()), 1) << "the child sees no MOCKHUB_PID";
  EXPECT_EQ(seen[1].rfind("https://127.0.0.1:", 0), 0u) << "the child's HF_ENDPOINT: " << seen[1];
  EXPECT_EQ(seen[2].rfind("https://127.0.0.2:", 0), 0u) << "the child's MOCKHUB_CDN: " << seen[2];
  EXPECT_EQ(seen[3], tls_dir + "/ca.pem");
  EXPECT_TRUE(Exists(seen[3])) << seen[3];
  // What the server answers at that address (TLS: a connection is enough).
  const int fd = testsupport::Connect("http://" + seen[1].substr(8));
  EXPECT_GE(fd, 0) << "nothing accepts on " << seen[1];
  if (fd >= 0) ::close(fd);
}

// SIGHUP (a `kill -HUP`, or a terminal closing on a foreground server) stops
// the server as SIGTERM does: exit through Stop(), the TLS folder it created
// removed, the stop logged. Before, SIGHUP's default action ended the process
// and left the folder with the CA's key behind (issue 25, N15).
TEST_F(ServeStartupTest, BackgroundServerStopsOnSighupAndRemovesItsTlsFolder) {
  const std::string log = dir_ + "/serve.log";
  BoundedRun r = RunBounded({MOCKHUB_BIN, "serve", "--background", "--tls", "--log-file", log},
                            Within(std::chrono::seconds(20)));
  const auto vars = ParseExports(r.out);
  const pid_t pid = Adopt(vars);
  ASSERT_TRUE(ExitedWith(r, 0));
  ASSERT_GT(pid, 1) << r.out;
  ASSERT_EQ(vars.count("MOCKHUB_CA"), 1u) << r.out;
  const std::string ca = vars.at("MOCKHUB_CA");
  const std::string folder = ca.substr(0, ca.rfind('/'));
  ASSERT_TRUE(Exists(ca)) << ca;
  ASSERT_EQ(::kill(pid, SIGHUP), 0);
  EXPECT_TRUE(testsupport::WaitFor([&] { return Gone(pid); }, "the server to stop on SIGHUP"));
  EXPECT_NE(Slurp(log).find("SIGHUP, stopping"), std::string::npos) << Slurp(log);
  EXPECT_FALSE(Exists(ca)) << "the CA is left behind";
  EXPECT_FALSE(Exists(folder)) << "the TLS folder is left behind: " << folder;
}

TEST_F(ServeStartupTest, APortInUseIsExit2InTheForegroundAndTheBackground) {
  BoundedRun first = RunBounded({MOCKHUB_BIN, "serve", "--background"});
  const auto vars = ParseExports(first.out);
  Adopt(vars);
  ASSERT_TRUE(ExitedWith(first, 0));
  const std::string endpoint = vars.at("HF_ENDPOINT");
  const std::string port = endpoint.substr(endpoint.rfind(':') + 1);
  const std::string expected = "cannot bind the hub site to 127.0.0.1:" + port;
  BoundedRun fg = RunBounded({MOCKHUB_BIN, "serve", "--port", port});
  EXPECT_TRUE(ExitedWith(fg, 2));
  EXPECT_NE(fg.err.find(expected), std::string::npos) << fg.err;
  EXPECT_NE(fg.err.find("Address already in use"), std::string::npos) << fg.err;
  EXPECT_EQ(fg.out, "") << "no variables for a server that did not start";
  BoundedRun bg = RunBounded({MOCKHUB_BIN, "serve", "--background", "--port", port});
  EXPECT_TRUE(ExitedWith(bg, 2));
  EXPECT_NE(bg.err.find(expected), std::string::npos) << bg.err;
  EXPECT_EQ(bg.out, "");
  // The first server alone still owns the port.
  EXPECT_EQ(testsupport::Request(endpoint, "GET", "/_mockhub/health").status, 200);
}

TEST_F(ServeStartupTest, ABackgroundServerThatFailsBeforeReadyIsExit2WithItsError) {
  const std::string env = dir_ + "/no-such-dir/env";
  BoundedRun r = RunBounded({MOCKHUB_BIN, "serve", "--background", "--env-file", env});
  EXPECT_TRUE(ExitedWith(r, 2));
  EXPECT_NE(r.err.find("cannot write the env file " + env), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

// Sites bind addresses: "localhost" is 127.0.0.1 and a host name is refused
// rather than looked up (the static portable build has no NSS to look it up
// with, and a name could resolve beyond loopback).
TEST_F(ServeStartupTest, HostLocalhostBindsLoopbackAndAHostNameIsRefused) {
  BoundedRun ok = RunBounded({MOCKHUB_BIN, "serve", "--background", "--host", "localhost"});
  const auto vars = ParseExports(ok.out);
  Adopt(vars);
  ASSERT_TRUE(ExitedWith(ok, 0)) << ok.err;
  EXPECT_EQ(testsupport::Request(vars.at("HF_ENDPOINT"), "GET", "/_mockhub/health").status, 200);
  BoundedRun named = RunBounded({MOCKHUB_BIN, "serve", "--host", "ip6-localhost.invalid"});
  EXPECT_TRUE(ExitedWith(named, 2));
  EXPECT_NE(named.err.find("cannot bind the hub site to ip6-localhost.invalid:0: not an IP "
                           "address (give one, or localhost)"),
            std::string::npos)
      << named.err;
}

}  // namespace
