// Child processes for the CLI tests. See subprocess.h.
#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
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

}  // namespace hubget::testing
