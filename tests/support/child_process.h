// A long-running child process a test talks to while it runs (a `mockhub
// serve` in the foreground): started with its stdout and stderr on pipes,
// read a line at a time with a deadline, and awaited with a deadline. For a
// command that runs to its end, RunBounded (bounded_run.h) is simpler.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace testsupport {

struct Child {
  pid_t pid = -1;
  int out = -1, err = -1;  // read ends of its stdout and stderr
};

// Runs argv[0] (a path) with argv; pid -1 when it could not be started.
Child Spawn(const std::vector<std::string>& args);

// Reads until a newline or the timeout; the failure message says which.
::testing::AssertionResult ReadLine(int fd, std::string& line, std::chrono::milliseconds timeout);

// Everything until end of file (call once the writer has exited).
std::string ReadAll(int fd);

// Success when `pid` exits by itself with `code` within the timeout; else
// the failure says how it ended (and a child still running is killed).
::testing::AssertionResult ExitsWith(pid_t pid, int code, std::chrono::milliseconds timeout);

}  // namespace testsupport
