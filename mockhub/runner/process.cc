// See process.h.
#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mockhub::runner {

namespace {

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// A relative path is relative to the runner, not to the child's cwd; a bare
// name is looked up in the parent, along the child's PATH.
std::string ResolveProgram(const std::string& argv0,
                           const std::map<std::string, std::string>& env) {
  if (argv0.find('/') != std::string::npos)
    return argv0[0] == '/' ? argv0 : std::filesystem::absolute(argv0).string();
  auto it = env.find("PATH");
  const std::string path = it == env.end() ? "/usr/bin:/bin" : it->second;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto colon = path.find(':', start);
    const std::string dir =
        path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + argv0;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return argv0;
}

// Why a child did not become the client, sent to the parent through the
// close-on-exec `exec_err` pipe (nothing arrives once execve succeeded).
struct ChildFailure {
  enum Stage : int { kChdir, kContain, kExec } stage;
  int err;
};

[[noreturn]] void FailChild(int exec_err, ChildFailure::Stage stage, int exit_code) {
  const ChildFailure f{stage, errno};
  (void)!::write(exec_err, &f, sizeof f);
  ::_exit(exit_code);
}

// In the child, after fork: only async-signal-safe calls. The containment
// goes on last, after the pipes and the folder are in place, and a child
// that cannot be contained never runs the client.
[[noreturn]] void ExecChild(const std::string& program, std::vector<char*>& cargv,
                            std::vector<char*>& cenv, const std::string& cwd,
                            const Ruleset& ruleset, int out, int err, int exec_err) {
  ::setpgid(0, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, 0);
  if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) FailChild(exec_err, ChildFailure::kChdir, 126);
  if (!ruleset.EnforceInChild()) FailChild(exec_err, ChildFailure::kContain, 126);
  ::execve(program.c_str(), cargv.data(), cenv.data());
  FailChild(exec_err, ChildFailure::kExec, 127);
}

// Reads both pipes until the child has exited and they have closed, or the
// deadline passes; then kills the child's process group. The child's exit is
// watched apart from its pipes (a pidfd, or waitpid every 50 ms on kernels
// without one): a client that closes its stdout and stderr and keeps running
// is still killed at the deadline. Once the child has exited, what it left
// behind is killed, so a leftover holding the pipes cannot keep us waiting.
void Drain(pid_t pid, int out_fd, int err_fd, std::chrono::milliseconds timeout, ProcessResult& r,
           int& status) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
  bool exited = false;
  char buf[65536];
  for (;;) {
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      ::kill(-pid, SIGKILL);
      fds[2].fd = -1;
    }
    if (exited && fds[0].fd < 0 && fds[1].fd < 0) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      break;
    }
    const long long slice = exited || pidfd >= 0 ? 1000 : 50;
    if (::poll(fds, 3, static_cast<int>(std::min<long long>(left.count(), slice))) < 0 &&
        errno != EINTR)
      break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        continue;
      }
      std::string& sink = i == 0 ? r.out : r.err;
      if (sink.size() < (16u << 20)) sink.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::kill(-pid, SIGKILL);
  if (!exited) ::waitpid(pid, &status, 0);
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd >= 0) ::close(fds[i].fd);
  }
  if (pidfd >= 0) ::close(pidfd);
}

}  // namespace

Status CheckRunnable(const std::string& argv0, const std::map<std::string, std::string>& env) {
  if (argv0.empty()) return InvalidArgument("empty client command");
  const std::string program = ResolveProgram(argv0, env);
  std::error_code ec;
  const auto st = std::filesystem::status(program, ec);
  if (!std::filesystem::exists(st)) {
    return NotFound("cannot run the client \"" + argv0 + "\": " +
                    (argv0.find('/') == std::string::npos ? "not found on PATH" : "no such file"));
  }
  if (!std::filesystem::is_regular_file(st) || ::access(program.c_str(), X_OK) != 0) {
    return FailedPrecondition("cannot run the client \"" + argv0 + "\": " + program +
                              " is not an executable file");
  }
  return Status::Ok();
}

StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env,
                                   const std::string& cwd, std::chrono::milliseconds timeout,
                                   const Containment& containment) {
  if (argv.empty()) return InvalidArgument("empty client command");
  // Built before fork: after it, the child may only make async-signal-safe
  // calls, and building the rules allocates.
  auto ruleset = BuildRuleset(containment, RulesForAbi(KernelLandlockAbi()));
  if (!ruleset.ok())
    return FailedPrecondition("cannot contain the client: " + ruleset.status().message());
  int out[2], err[2], exec_err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 ||
      ::pipe2(exec_err, O_CLOEXEC) != 0) {
    return Internal(Errno("pipe"));
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (auto& e : env_strings) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  const std::string program = ResolveProgram(argv[0], env);
  const pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1], exec_err[0], exec_err[1]}) ::close(fd);
    return Internal(Errno("fork"));
  }
  if (pid == 0) ExecChild(program, cargv, cenv, cwd, *ruleset, out[1], err[1], exec_err[1]);
  *ruleset = Ruleset();  // the parent has no use for it
  ::setpgid(pid, pid);
  ::close(out[1]);
  ::close(err[1]);
  ::close(exec_err[1]);
  ChildFailure failure{};
  const bool failed =
      ::read(exec_err[0], &failure, sizeof failure) == static_cast<ssize_t>(sizeof failure);
  ::close(exec_err[0]);
  if (failed) {
    ::close(out[0]);
    ::close(err[0]);
    ::waitpid(pid, nullptr, 0);
    const std::string why = std::strerror(failure.err);
    switch (failure.stage) {
      case ChildFailure::kChdir:
        return Internal("cannot enter " + cwd + " for the client: " + why);
      case ChildFailure::kContain:
        return FailedPrecondition("cannot contain the client (Landlock): " + why);
      case ChildFailure::kExec:
        break;
    }
    return NotFound("cannot run \"" + argv[0] + "\": " + why);
  }
  ProcessResult r;
  int status = 0;
  Drain(pid, out[0], err[0], timeout, r, status);
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

}  // namespace mockhub::runner
