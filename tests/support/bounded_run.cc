// See bounded_run.h.
#include "bounded_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

namespace testsupport {

namespace {

constexpr std::size_t kOutputCap = 1u << 20;

// A sanitizer build's children (built with the same preset) reserve
// terabytes of address space for shadow memory at start-up, which any
// RLIMIT_AS refuses: there the timeout alone bounds them (the loaders'
// own caps are what the hostile-file tests check; the limit is a second
// guard for a regression in a normal build).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kCanLimitAddressSpace = false;
#else
constexpr bool kCanLimitAddressSpace = true;
#endif

[[noreturn]] void Exec(const std::vector<std::string>& argv, const BoundedRunOptions& o, int out,
                       int err) {
  ::setpgid(0, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, 0);
  if (kCanLimitAddressSpace) {
    const rlimit as{o.max_memory_bytes, o.max_memory_bytes};
    ::setrlimit(RLIMIT_AS, &as);
  }
  if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) ::_exit(126);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  ::execv(cargv[0], cargv.data());
  ::_exit(127);
}

}  // namespace

std::string BoundedRun::Describe() const {
  std::string how = !started    ? "not started"
                    : timed_out ? "timed out (killed)"
                    : signal    ? "killed by signal " + std::to_string(signal)
                                : "exit " + std::to_string(exit_code);
  return how + " after " + std::to_string(seconds) + " s\nstdout:\n" + out.substr(0, 4000) +
         "\nstderr:\n" + err.substr(0, 4000);
}

BoundedRun RunBounded(const std::vector<std::string>& argv, const BoundedRunOptions& options) {
  BoundedRun r;
  int out[2], err[2];
  if (argv.empty() || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return r;
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) Exec(argv, options, out[1], err[1]);
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(out[0]);
    ::close(err[0]);
    return r;
  }
  ::setpgid(pid, pid);
  r.started = true;
  const auto deadline = start + options.timeout;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int status = 0;
  bool exited = false;
  char buf[65536];
  for (;;) {
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
    if (exited && fds[0].fd < 0 && fds[1].fd < 0) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      break;
    }
    // Pipes closed but the child still running: look again shortly.
    const bool pipes_open = fds[0].fd >= 0 || fds[1].fd >= 0;
    ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), pipes_open ? 1000 : 5)));
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        continue;
      }
      std::string& sink = i == 0 ? r.out : r.err;
      if (sink.size() < kOutputCap) sink.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::kill(-pid, SIGKILL);
  if (!exited) ::waitpid(pid, &status, 0);
  for (const auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (!r.timed_out && WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

::testing::AssertionResult ExitedWith(const BoundedRun& run, int code) {
  if (run.started && !run.timed_out && run.signal == 0 && run.exit_code == code)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected exit " << code << ", got " << run.Describe();
}

}  // namespace testsupport
