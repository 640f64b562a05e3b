// See containment.h. The kernel's rules are documented in
// Documentation/userspace-api/landlock.rst; the constants below come from
// its UAPI header, include/uapi/linux/landlock.h.
#include "containment.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mockhub/runner/run_options.h"

// Debian 12's <linux/landlock.h> is Linux 6.1's: it stops at ABI 2. These are
// the later kernel-ABI values, as in include/uapi/linux/landlock.h.
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)  // ABI 3, Linux 6.2
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)  // ABI 4, Linux 6.7
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)  // ABI 4, Linux 6.7
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)  // ABI 6, Linux 6.12
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)  // ABI 6, Linux 6.12
#endif

namespace mockhub::runner {

namespace {

// The UAPI's struct landlock_ruleset_attr up to ABI 6 (handled_access_net
// came with ABI 4, scoped with ABI 6). An older kernel accepts the larger
// size as long as the fields it does not know are zero, which RulesForAbi
// ensures.
struct RulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;
  std::uint64_t scoped;
};

// The UAPI's struct landlock_net_port_attr and rule type (ABI 4): an enum
// value there, so no #ifndef can tell whether the header has it.
struct __attribute__((packed)) NetPortAttr {
  std::uint64_t allowed_access;
  std::uint64_t port;
};
constexpr int kRuleNetPort = 2;  // LANDLOCK_RULE_NET_PORT

// Every right that changes the file system, by the ABI that brought it.
constexpr std::uint64_t kWritesAbi1 =
    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
    LANDLOCK_ACCESS_FS_MAKE_SYM;
// The rights a rule on a file (not a folder) may carry.
constexpr std::uint64_t kFileRights = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;

constexpr const char* kUncontained = "the client may write anywhere and connect anywhere";
constexpr const char* kVersions =
    "Linux 5.19+ (Landlock ABI 2) contains writes, 6.7+ (ABI 4) connections too";

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// The port of "scheme://host:port[/...]", or 0.
std::uint16_t PortOf(const std::string& url) {
  const auto scheme = url.find("://");
  const std::size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  const std::string authority = url.substr(host, url.find('/', host) - host);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos || authority.find(']', colon) != std::string::npos) return 0;
  unsigned long port = 0;
  for (char c : authority.substr(colon + 1)) {
    if (c < '0' || c > '9' || (port = port * 10 + static_cast<unsigned long>(c - '0')) > 65535)
      return 0;
  }
  return static_cast<std::uint16_t>(port);
}

// A rule granting `access` beneath `path` (opened O_PATH for the rule).
Status AddPathRule(int ruleset, const std::string& path, std::uint64_t access) {
  const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return Internal(Errno("cannot open " + path + " for the Landlock rules"));
  landlock_path_beneath_attr rule{};
  rule.allowed_access = access;
  rule.parent_fd = fd;
  const long added =
      ::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  const int e = errno;
  ::close(fd);
  errno = e;
  if (added != 0) return Internal(Errno("landlock_add_rule(" + path + ")"));
  return Status::Ok();
}

Status AddPortRule(int ruleset, std::uint16_t port) {
  NetPortAttr rule{LANDLOCK_ACCESS_NET_CONNECT_TCP, port};
  if (::syscall(SYS_landlock_add_rule, ruleset, kRuleNetPort, &rule, 0) != 0)
    return Internal(Errno("landlock_add_rule(port " + std::to_string(port) + ")"));
  return Status::Ok();
}

}  // namespace

ContainmentRules RulesForAbi(int abi) {
  ContainmentRules r;
  r.abi = abi < 0 ? 0 : abi;
  if (abi <= 0) {
    r.summary = std::string("NOT contained: this kernel has no Landlock; ") + kUncontained + " (" +
                kVersions + ")";
    return r;
  }
  const std::string name = "Landlock ABI " + std::to_string(abi);
  // ABI 1 refuses every rename or link across folders (REFER is not a
  // right there, always denied), which clients do: moving a download
  // from its temporary name into place. Nothing is enforced then.
  if (abi == 1) {
    r.summary = "NOT contained: " + name + " (Linux 5.13-5.18) refuses renames across folders, " +
                "which clients need; " + kUncontained + " (" + kVersions + ")";
    return r;
  }
  r.fs = kWritesAbi1 | LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) r.fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 4) r.net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
  if (abi >= 6) r.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
  r.complete = abi >= 4;
  r.summary = name + ": the client writes only in the scenario's folder";
  if (!r.complete) {
    r.summary += "; NOT contained: its TCP connections (network rules need ABI 4, Linux 6.7+)";
    return r;
  }
  r.summary += " and connects only to the mock's TCP ports";
  if (r.scoped) r.summary += "; its signals and abstract sockets stay inside";
  return r;
}

ContainmentRules RulesTurnedOff() {
  ContainmentRules r;
  r.summary = std::string("NOT contained: --no-containment; ") + kUncontained;
  return r;
}

int KernelLandlockAbi() {
  static const int abi = [] {
    const long v =
        ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return v > 0 ? static_cast<int>(v) : 0;
  }();
  return abi;
}

Containment ContainmentFor(bool enabled, const std::string& folder,
                           const std::vector<std::pair<std::string, std::string>>& site_urls) {
  Containment c;
  c.enabled = enabled;
  c.writable = folder;
  for (const auto& [site, url] : site_urls) {
    if (const std::uint16_t port = PortOf(url)) c.tcp_ports.push_back(port);
  }
  return c;
}

Ruleset::~Ruleset() {
  if (fd_ >= 0) ::close(fd_);
}
Ruleset::Ruleset(Ruleset&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
Ruleset& Ruleset::operator=(Ruleset&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

bool Ruleset::EnforceInChild() const {
  if (fd_ < 0) return true;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  return ::syscall(SYS_landlock_restrict_self, fd_, 0) == 0;
}

StatusOr<Ruleset> BuildRuleset(const Containment& containment, const ContainmentRules& rules) {
  Ruleset set;
  if (!containment.enabled || rules.fs == 0) return set;
  if (containment.writable.empty()) return Internal("no folder for the client to write in");
  const RulesetAttr attr{rules.fs, rules.net, rules.scoped};
  const long fd = ::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0) return Internal(Errno("landlock_create_ruleset"));
  set.fd_ = static_cast<int>(fd);  // the kernel opens it close-on-exec
  if (Status s = AddPathRule(set.fd_, containment.writable, rules.fs); !s.ok()) return s;
  if (Status s = AddPathRule(set.fd_, "/dev/null", rules.fs & kFileRights); !s.ok()) return s;
  if (rules.net == 0) return set;
  for (std::uint16_t port : containment.tcp_ports) {
    if (Status s = AddPortRule(set.fd_, port); !s.ok()) return s;
  }
  return set;
}

}  // namespace mockhub::runner

namespace mockhub {

ContainmentSummary DescribeContainment(const RunOptions& options) {
  const runner::ContainmentRules rules =
      options.contain ? runner::RulesForAbi(runner::KernelLandlockAbi()) : runner::RulesTurnedOff();
  return {rules.summary, rules.complete};
}

}  // namespace mockhub
