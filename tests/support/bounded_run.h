// Runs a command as a child process and waits for it with a deadline, for
// tests that feed hostile input to a binary: the child gets its own process
// group (killed whole at the deadline), stdin from /dev/null, an address
// space limit so a loader that reads without bound fails instead of taking
// the machine's memory, and its stdout and stderr captured (each capped).
// Never an unbounded wait.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace testsupport {

struct BoundedRunOptions {
  std::chrono::milliseconds timeout{30000};
  std::string cwd;                                   // "" keeps the test's
  unsigned long long max_memory_bytes = 2ull << 30;  // RLIMIT_AS of the child (not under ASan/TSan)
};

struct BoundedRun {
  bool started = false;
  bool timed_out = false;
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  double seconds = 0;
  std::string out, err;
  // "exit 2", "killed by signal 11", "timed out after 30 s", with the output.
  std::string Describe() const;
};

BoundedRun RunBounded(const std::vector<std::string>& argv, const BoundedRunOptions& options = {});

// Success when the child ended by itself with `code`; the failure says how
// it ended instead and shows its output.
::testing::AssertionResult ExitedWith(const BoundedRun& run, int code);

}  // namespace testsupport
