// See serve_startup.h.
#include "serve_startup.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario_result.h"
#include "mockhub/sites/site.h"

namespace mockhub {

namespace {

// The first line of the child's report; anything else (or nothing) from the
// pipe means the child failed before it was ready.
constexpr char kReady[] = "ready\n";

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

std::string PidLine(pid_t pid) { return "MOCKHUB_PID=" + std::to_string(pid); }

// `NAME=value` as `export NAME='value'`: eval sets and exports it in any
// POSIX shell, whatever the value holds (a --tls-dir may hold spaces, `$`,
// quotes).
std::string ExportLine(const std::string& name_value) {
  const std::size_t eq = name_value.find('=');
  return "export " + name_value.substr(0, eq) + "=" + ShellQuote(name_value.substr(eq + 1));
}

bool WriteAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// What the pipe said before it closed, or nullopt at the deadline.
std::optional<std::string> ReadUntilClosed(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string got;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return got;
    got.append(buf, static_cast<std::size_t>(n));
  }
}

// The child's end, once its pipe closed without a ready report: it is
// exiting, its error already on the caller's stderr. Always exit 2: the
// server did not start, whatever the child's own code.
int ChildFailure(pid_t pid) {
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  pid_t got = 0;
  while ((got = ::waitpid(pid, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    ::usleep(2000);
  }
  if (got == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  if (got > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0) return 2;
  const std::string how =
      got > 0 && WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status)) : "no report";
  std::fprintf(stderr, "mockhub: the background server stopped before it was ready (%s)\n",
               how.c_str());
  return 2;
}

int WaitForChild(pid_t pid, int fd, std::chrono::milliseconds timeout) {
  const std::optional<std::string> said = ReadUntilClosed(fd, timeout);
  ::close(fd);
  if (!said) {
    std::fprintf(stderr,
                 "mockhub: the background server was not ready within %lld ms; stopped it\n",
                 static_cast<long long>(timeout.count()));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return 2;
  }
  if (said->rfind(kReady, 0) != 0) return ChildFailure(pid);
  const std::string lines = said->substr(sizeof kReady - 1);
  std::fwrite(lines.data(), 1, lines.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

std::string ShellQuote(const std::string& value) {
  std::string out = "'";
  for (char ch : value) {
    if (ch == '\'') {
      out += "'\\''";  // close, an escaped quote, reopen
    } else {
      out += ch;
    }
  }
  return out + "'";
}

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
  return set;
}

const char* StopSignalName(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "SIGTERM";
  }
}

std::vector<std::string> EnvLines(const MockServer& server) {
  std::vector<std::string> lines;
  for (const auto& [name, url] : server.urls()) {
    std::string var = name == kHubSite ? "HF_ENDPOINT" : "MOCKHUB_" + name;
    for (char& ch : var) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    lines.push_back(var + "=" + url);
  }
  if (!server.ca_file().empty()) lines.push_back("MOCKHUB_CA=" + server.ca_file());
  return lines;
}

Status WriteEnvFile(const std::string& path, const std::vector<std::string>& lines) {
  // The reports' writer: a temporary file beside `path`, renamed over it.
  Status written = WriteFileAtomically(path, Joined(lines));
  if (!written.ok())
    return FailedPrecondition("cannot write the env file " + path + ": " + written.message());
  return Status::Ok();
}

ServeStartup::ServeStartup(StartupOptions options) : options_(std::move(options)) {}

ServeStartup::~ServeStartup() {
  if (ready_fd_ >= 0) ::close(ready_fd_);
  if (log_fd_ >= 0) ::close(log_fd_);
}

std::optional<int> ServeStartup::Detach() {
  if (!options_.background) return std::nullopt;
  const std::string log = options_.log_file.empty() ? "/dev/null" : options_.log_file;
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    std::fprintf(stderr, "mockhub: cannot open the log file %s: %s\n", log.c_str(),
                 std::strerror(errno));
    return 2;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "mockhub: cannot make a pipe: %s\n", std::strerror(errno));
    ::close(log_fd);
    return 1;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "mockhub: cannot fork: %s\n", std::strerror(errno));
    ::close(fds[0]);
    ::close(fds[1]);
    ::close(log_fd);
    return 1;
  }
  if (pid > 0) {
    ::close(fds[1]);
    ::close(log_fd);
    return WaitForChild(pid, fds[0], options_.ready_timeout);
  }
  // The child: no terminal, no hold on the caller's stdin or stdout, so
  // `$(mockhub serve --background)` ends when the parent does.
  ::close(fds[0]);
  ::setsid();
  const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0) {
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(devnull, STDOUT_FILENO);
    ::close(devnull);
  }
  ready_fd_ = fds[1];
  log_fd_ = log_fd;
  return std::nullopt;
}

Status ServeStartup::Ready(const MockServer& server) {
  std::vector<std::string> lines = EnvLines(server);
  if (!options_.env_file.empty()) {
    std::vector<std::string> with_pid = lines;
    with_pid.push_back(PidLine(::getpid()));
    if (Status written = WriteEnvFile(options_.env_file, with_pid); !written.ok()) return written;
  }
  if (ready_fd_ < 0) {
    std::fputs(Joined(lines).c_str(), stdout);
    std::fflush(stdout);
    return Status::Ok();
  }
  // Last hold on the caller's descriptors: from here on stderr is the log.
  std::fflush(stderr);
  ::dup2(log_fd_, STDERR_FILENO);
  ::close(log_fd_);
  log_fd_ = -1;
  lines.push_back(PidLine(::getpid()));
  std::vector<std::string> exports;
  for (const auto& line : lines) exports.push_back(ExportLine(line));
  const bool told = WriteAll(ready_fd_, kReady + Joined(exports));
  ::close(ready_fd_);
  ready_fd_ = -1;
  if (!told) return Unavailable("the waiting parent is gone");
  return Status::Ok();
}

}  // namespace mockhub
