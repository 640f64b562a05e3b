// Child processes for the CLI tests. See subprocess.h.
#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
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

// A child's argv and exactly its environment as the C arrays exec takes,
// built before fork (the child may only make async-signal-safe calls).
class ExecArgs {
 public:
  ExecArgs(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    for (const auto& [k, v] : env) env_strings_.push_back(k + "=" + v);
    for (const auto& a : argv) argv_.push_back(const_cast<char*>(a.c_str()));
    argv_.push_back(nullptr);
    for (const auto& e : env_strings_) envp_.push_back(const_cast<char*>(e.c_str()));
    envp_.push_back(nullptr);
  }
  char* const* argv() const { return argv_.data(); }
  char* const* envp() const { return envp_.data(); }

 private:
  std::vector<std::string> env_strings_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
};

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
  const ExecArgs args(argv, env);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, args.argv()[0], &fa, nullptr, args.argv(), args.envp()) == 0) pid_ = pid;
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
  EXPECT_TRUE(child.Wait(kChildDeadline, &r));
  return r;
}

namespace {

// The child side of RunWithFileSizeLimit, before exec: stdin from
// /dev/null, stdout and stderr to the pipes, the file-size limit.
void LimitAndRedirect(int out_fd, int err_fd, long long max_file_bytes) {
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
}

// Reads each of `fds` into its sink until all are closed (or, a terminal,
// fail with EIO once the child's side closed) or `deadline` passes; false
// on the deadline.
bool DrainUntilClosed(std::vector<pollfd> fds, const std::vector<std::string*>& sinks,
                      std::chrono::steady_clock::time_point deadline) {
  std::size_t open_fds = fds.size();
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int rc = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return false;
    for (std::size_t i = 0; i < fds.size(); ++i) {
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

// Forks `args`, the child running `setup` (async-signal-safe calls only: the
// parent has threads) before exec; the parent closes `child_fds`, reads
// `read_fds` into `sinks` within kChildDeadline (then kills the child), and
// reaps it. The exit code is -1 when it was killed or did not start.
ProcessResult ForkAndCollect(const ExecArgs& args, const std::function<void()>& setup,
                             const std::vector<int>& child_fds, const std::vector<int>& read_fds) {
  ProcessResult r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    setup();
    ::execve(args.argv()[0], args.argv(), args.envp());
    ::_exit(127);
  }
  for (const int fd : child_fds) ::close(fd);
  std::vector<pollfd> polled;
  for (const int fd : read_fds) polled.push_back({fd, POLLIN, 0});
  std::vector<std::string*> sinks = {&r.out, &r.err};
  sinks.resize(read_fds.size());
  const bool drained =
      pid > 0 && DrainUntilClosed(polled, sinks, std::chrono::steady_clock::now() + kChildDeadline);
  for (const int fd : read_fds) ::close(fd);
  if (pid <= 0) {
    ADD_FAILURE() << "fork failed: " << std::strerror(errno);
    return r;
  }
  if (!drained) {
    ::kill(pid, SIGKILL);
    ADD_FAILURE() << "the child still ran after " << kChildDeadline.count() << " s; stderr:\n"
                  << r.err;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = drained ? ExitCodeOf(status) : -1;
  return r;
}

}  // namespace

ProcessResult RunWithFileSizeLimit(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env,
                                   long long max_file_bytes) {
  const ExecArgs args(argv, env);
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return {};
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return {};
  }
  return ForkAndCollect(args, [&] { LimitAndRedirect(out[1], err[1], max_file_bytes); },
                        {out[1], err[1]}, {out[0], err[0]});
}

ProcessResult RunInTerminal(const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env, int columns) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    ADD_FAILURE() << "no pseudo-terminal: " << std::strerror(errno);
    return {};
  }
  const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  winsize ws{};
  ws.ws_row = 40;
  ws.ws_col = static_cast<unsigned short>(columns);
  if (slave < 0 || ::ioctl(slave, TIOCSWINSZ, &ws) != 0) {
    ADD_FAILURE() << "cannot open or size the terminal: " << std::strerror(errno);
    ::close(master);
    return {};
  }
  const ExecArgs args(argv, env);
  auto setup = [slave] {
    if (::setsid() < 0 || ::ioctl(slave, TIOCSCTTY, 0) != 0 || ::dup2(slave, 0) < 0 ||
        ::dup2(slave, 1) < 0 || ::dup2(slave, 2) < 0) {
      ::_exit(126);
    }
  };
  ProcessResult r = ForkAndCollect(args, setup, {slave}, {master});
  r.out.erase(std::remove(r.out.begin(), r.out.end(), '\r'), r.out.end());
  return r;
}

}  // namespace hubget::testing
