// Child processes for the CLI tests. See subprocess.h.
#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace hubget::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ExitCodeOf(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

std::string ProcessResult::LastLine() const {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  const auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

Child::Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
             const std::string& scratch_dir) {
  static std::atomic<int> counter{0};
  const std::string stem = scratch_dir + "/child" + std::to_string(counter++);
  out_path_ = stem + ".out";
  err_path_ = stem + ".err";
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env_strings) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data()) == 0) pid_ = pid;
  posix_spawn_file_actions_destroy(&fa);
}

Child::~Child() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool Child::Signal(int signal) const { return pid_ > 0 && ::kill(pid_, signal) == 0; }

::testing::AssertionResult Child::Wait(std::chrono::milliseconds timeout, ProcessResult* result) {
  if (pid_ <= 0) return ::testing::AssertionFailure() << "the child did not start";
  // A pidfd becomes readable when the child exits: a deadline without polling.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int rc;
    do {
      rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    } while (rc < 0 && errno == EINTR);
    ::close(pidfd);
    if (rc == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      result->out = Slurp(out_path_);
      result->err = Slurp(err_path_);
      return ::testing::AssertionFailure()
             << "the child still ran after " << timeout.count() << " ms; stderr:\n"
             << result->err;
    }
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  result->exit_code = ExitCodeOf(status);
  result->out = Slurp(out_path_);
  result->err = Slurp(err_path_);
  return ::testing::AssertionSuccess();
}

ProcessResult Run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env, const std::string& scratch_dir) {
  ProcessResult r;
  Child child(argv, env, scratch_dir);
  EXPECT_TRUE(child.Wait(std::chrono::seconds(60), &r));
  return r;
}

namespace {

// The child side of RunWithFileSizeLimit: only async-signal-safe calls
// between fork and exec (the parent has threads).
[[noreturn]] void ExecLimited(char* const* argv, char* const* envp, int out_fd, int err_fd,
                              long long max_file_bytes) {
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
    ::_exit(126);
  }
  const rlimit limit{static_cast<rlim_t>(max_file_bytes), static_cast<rlim_t>(max_file_bytes)};
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  if (::setrlimit(RLIMIT_FSIZE, &limit) != 0 || ::sigaction(SIGXFSZ, &ignore, nullptr) != 0) {
    ::_exit(126);
  }
  ::execve(argv[0], argv, envp);
  ::_exit(127);
}

// Reads both pipes until both are closed or `deadline` passes; false on
// the deadline.
bool DrainUntilClosed(int out_fd, int err_fd, std::chrono::steady_clock::time_point deadline,
                      ProcessResult* result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result->out, &result->err};
  int open_fds = 2;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int rc = ::poll(fds, 2, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      fds[i].fd = -1;  // closed (or broken): poll ignores negative fds
      --open_fds;
    }
  }
  return true;
}

}  // namespace

ProcessResult RunWithFileSizeLimit(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env,
                                   long long max_file_bytes) {
  ProcessResult r;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env_strings) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return r;
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return r;
  }
  const pid_t pid = ::fork();
  if (pid == 0) ExecLimited(cargv.data(), cenv.data(), out[1], err[1], max_file_bytes);
  ::close(out[1]);
  ::close(err[1]);
  const bool drained =
      pid > 0 && DrainUntilClosed(out[0], err[0],
                                  std::chrono::steady_clock::now() + std::chrono::seconds(60), &r);
  ::close(out[0]);
  ::close(err[0]);
  if (pid <= 0) {
    ADD_FAILURE() << "fork failed: " << std::strerror(errno);
    return r;
  }
  if (!drained) {
    ::kill(pid, SIGKILL);
    ADD_FAILURE() << "the child still ran after 60 s; stderr:\n" << r.err;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = drained ? ExitCodeOf(status) : -1;
  return r;
}

}  // namespace hubget::testing
