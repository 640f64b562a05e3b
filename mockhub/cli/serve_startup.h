// How `mockhub serve` tells a script it is ready: the variables a client
// exports (HF_ENDPOINT=..., MOCKHUB_<SITE>=..., MOCKHUB_CA=...) on stdout,
// in an env file written atomically (--env-file), and with --background the
// same variables and MOCKHUB_PID printed by a parent that then exits, while a
// detached child keeps serving; and which signals stop the server.
//
// Formats, one per reader: the foreground prints `NAME=value` (scripts read
// the first line; tests/bench, tools/demo.sh); the env file holds the same
// `NAME=value` lines, unquoted, the format docker --env-file, $GITHUB_ENV and
// python/src/mockhub/server.py read; --background prints
// `export NAME='value'`, shell-quoted, because its reader is
// `eval "$(mockhub serve --background)"`, and plain assignments would not
// reach the processes that shell starts (issue 20).
//
// fork() after threads have started is unsafe (the listeners, a hash
// thread): Detach() forks before the server is set up, and the child tells
// the parent through a pipe once every site accepts. A child that fails
// before then writes its error to stderr, still the caller's; the parent then
// exits 2.
#pragma once

#include <signal.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mockhub/base/status.h"
#include "mockhub/server/server.h"

namespace mockhub {

struct StartupOptions {
  std::string env_file;  // "" for none
  bool background = false;
  std::string log_file;  // background only: the child's stderr; "" for /dev/null
  // How long the parent waits for the child to be ready.
  std::chrono::milliseconds ready_timeout{30000};
};

// The lines a client exports, in SiteNames() order: the hub as HF_ENDPOINT,
// every other site as MOCKHUB_<NAME>, then MOCKHUB_CA with TLS.
std::vector<std::string> EnvLines(const MockServer& server);

// `value` in single quotes for a POSIX shell, each `'` written as `'\''`.
std::string ShellQuote(const std::string& value);

// The signals `serve` waits for and stops on, cleanly (its TLS folder
// removed): SIGINT, SIGTERM and SIGHUP (a closed terminal, or `kill -HUP`
// of a --background server, which has no terminal of its own).
sigset_t StopSignals();
const char* StopSignalName(int sig);

// Writes `lines` (one per line) to `path` through a temporary file in the
// same folder renamed over it, so a reader sees no file or a whole one.
Status WriteEnvFile(const std::string& path, const std::vector<std::string>& lines);

class ServeStartup {
 public:
  explicit ServeStartup(StartupOptions options);
  ~ServeStartup();
  ServeStartup(const ServeStartup&) = delete;
  ServeStartup& operator=(const ServeStartup&) = delete;

  // Foreground: nothing (nullopt). Background: forks; the parent waits for
  // the child's Ready() and returns its own exit code (0 after printing the
  // lines and MOCKHUB_PID; 2 when the child failed or timed out); the child
  // returns nullopt in a session of its own, stdin and stdout on /dev/null.
  // Call before any thread is started.
  std::optional<int> Detach();

  // Once every site accepts: the env file (with MOCKHUB_PID), then the lines
  // on stdout (foreground) or, with stderr moved to the log file, to the
  // waiting parent (background). An error means the caller should stop.
  Status Ready(const MockServer& server);

 private:
  StartupOptions options_;
  int ready_fd_ = -1;  // background child: the pipe to the parent
  int log_fd_ = -1;    // background child: its stderr once ready
};

}  // namespace mockhub
