// See child_process.h.
#include "child_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wait_for.h"

namespace testsupport {

Child Spawn(const std::vector<std::string>& args) {
  int out[2], err[2];
  if (args.empty() || ::pipe(out) != 0 || ::pipe(err) != 0) return {};
  Child c;
  c.pid = ::fork();
  if (c.pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  c.out = out[0];
  c.err = err[0];
  return c;
}

::testing::AssertionResult ReadLine(int fd, std::string& line, std::chrono::milliseconds timeout) {
  line.clear();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return ::testing::AssertionFailure()
             << "no line within " << timeout.count() << " ms; got '" << line << "'";
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    if (::read(fd, &c, 1) != 1)
      return ::testing::AssertionFailure() << "stream closed; got '" << line << "'";
    if (c == '\n') return ::testing::AssertionSuccess();
    line += c;
  }
}

std::string ReadAll(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

::testing::AssertionResult ExitsWith(pid_t pid, int code, std::chrono::milliseconds timeout) {
  int status = 0;
  auto exited =
      WaitFor([&] { return ::waitpid(pid, &status, WNOHANG) != 0; }, "the child to exit", timeout);
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return exited;
  }
  if (!WIFEXITED(status))
    return ::testing::AssertionFailure() << "killed by signal " << WTERMSIG(status);
  if (WEXITSTATUS(status) != code)
    return ::testing::AssertionFailure() << "exit " << WEXITSTATUS(status) << ", expected " << code;
  return ::testing::AssertionSuccess();
}

}  // namespace testsupport
