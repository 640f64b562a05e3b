// Containment of the client under test, which does not depend on every
// check of the runner being right: each client step runs under Linux
// Landlock, so a client that a scenario (or a hostile mock answer) talks
// into writing outside the scenario's temporary folder, or into connecting
// anywhere but the mock, is refused by the kernel. No library: the kernel's
// <linux/landlock.h> and raw syscalls.
//
// Three parts: which rules a Landlock ABI version allows and what the run
// says about it (a plain function of the version, tested without a kernel);
// what one step may touch (the scenario's folder, the mock's ports); and a
// ruleset built in the parent before fork, enforced in the child after it
// with async-signal-safe calls only.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mockhub/base/status.h"

namespace mockhub::runner {

// What the rules of one Landlock ABI version contain, and the run's one line
// about it. Access rights the ABI does not know are masked out (Landlock's
// documented best-effort pattern); reading and executing are never handled,
// so they stay allowed everywhere.
struct ContainmentRules {
  int abi = 0;               // 0: no Landlock (or containment turned off)
  std::uint64_t fs = 0;      // handled write rights; 0: writes are not contained
  std::uint64_t net = 0;     // handled TCP rights; 0: connections are not contained
  std::uint64_t scoped = 0;  // signals and abstract unix sockets kept inside
  bool complete = false;     // false: `summary` says what is not contained
  std::string summary;       // "Landlock ABI 7: ..." or "NOT contained: ..."
};

// The rules for a kernel whose Landlock ABI is `abi` (<= 0: none).
ContainmentRules RulesForAbi(int abi);
// The rules when the run asked for no containment (--no-containment).
ContainmentRules RulesTurnedOff();
// This kernel's Landlock ABI version, asked once: 0 when it has none.
int KernelLandlockAbi();

// What one client step may do: change files only beneath `writable` (and
// write to /dev/null), connect over TCP only to `tcp_ports`, bind nothing.
struct Containment {
  bool enabled = false;  // false: the step runs uncontained
  std::string writable;
  std::vector<std::uint16_t> tcp_ports;
};

// A step's containment: the scenario's folder, and the port of every site of
// the mock (hub, cdn, cas...) taken from their base URLs.
Containment ContainmentFor(bool enabled, const std::string& folder,
                           const std::vector<std::pair<std::string, std::string>>& site_urls);

// A Landlock ruleset file descriptor, built in the parent. Empty (nothing
// to enforce) when the containment is off or the rules contain nothing.
class Ruleset {
 public:
  Ruleset() = default;
  ~Ruleset();
  Ruleset(Ruleset&& other) noexcept;
  Ruleset& operator=(Ruleset&& other) noexcept;
  Ruleset(const Ruleset&) = delete;
  Ruleset& operator=(const Ruleset&) = delete;

  bool empty() const { return fd_ < 0; }
  // In the child after fork (async-signal-safe): no new privileges, then
  // the ruleset on this process and all it starts. False with errno set.
  bool EnforceInChild() const;

 private:
  friend StatusOr<Ruleset> BuildRuleset(const Containment&, const ContainmentRules&);
  int fd_ = -1;
};

// The ruleset for `containment` under `rules`: an error Status when the
// kernel refuses it (the step must then not run uncontained).
StatusOr<Ruleset> BuildRuleset(const Containment& containment, const ContainmentRules& rules);

}  // namespace mockhub::runner
