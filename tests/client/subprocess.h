// Runs a program as a child process with an explicit environment (nothing
// inherited), its stdout and stderr captured to files, and waits with a
// deadline: a hung child is killed and reported, never waited on forever.
// For the process-level tests of the hubget binary; one variant runs the
// child under a file-size limit (a disk that fills up), one on a
// pseudo-terminal (a person's terminal). The one child-process helper of the
// client's tests.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace hubget::testing {

// How long a test waits for a child that should finish by itself before it
// kills it and fails: the one default of these tests' waits.
inline constexpr std::chrono::seconds kChildDeadline{60};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or not finished
  std::string out;
  std::string err;
  // The last non-empty stdout line (where --json puts its object).
  std::string LastLine() const;
};

class Child {
 public:
  // Starts `argv[0]` (an absolute path) with exactly `env`; output goes to
  // files under `scratch_dir`.
  Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
        const std::string& scratch_dir);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  // Where its stdout goes (a long-running child's first lines, read as they come).
  const std::string& out_path() const { return out_path_; }
  const std::string& err_path() const { return err_path_; }
  // Sends `signal` (SIGINT: a Ctrl-C) to the running child; false if it is not running.
  bool Signal(int signal) const;
  // Waits up to `timeout`; on expiry kills the child and fails.
  ::testing::AssertionResult Wait(std::chrono::milliseconds timeout, ProcessResult* result);

 private:
  pid_t pid_ = -1;
  std::string out_path_;
  std::string err_path_;
};

// Start, wait (kChildDeadline at most) and collect.
ProcessResult Run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env, const std::string& scratch_dir);

// As Run, with the child's RLIMIT_FSIZE set to `max_file_bytes` and SIGXFSZ
// ignored: every write that would make a file larger fails with EFBIG, as on
// a full disk, without root or a loop device. Its stdout and stderr are
// pipes (a file would be cut by the same limit), read until it exits.
ProcessResult RunWithFileSizeLimit(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env,
                                   long long max_file_bytes);

// Runs `argv` with exactly `env` and stdin, stdout and stderr on a
// pseudo-terminal of `columns` columns (40 rows), as in a person's
// terminal: what it printed ("\r\n" read as "\n", both streams in `out`)
// and its exit code, within kChildDeadline.
ProcessResult RunInTerminal(const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env, int columns);

}  // namespace hubget::testing
