// The outcome vocabulary of the adapter contract: "ok" or one error kind, the
// stable names a client prints in its last JSON line. Defined here once and
// used by the loader (validation), the expectations, `mockhub validate`'s
// messages, and checked against scenarios/schema.json, scenarios/README.md and
// every kind hubget can emit by tests/runner/outcomes_test.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mockhub {

struct OutcomeKind {
  std::string_view name;     // "invalid_token"
  std::string_view meaning;  // one line, for docs and error messages
};

// Every error kind, in the order of scenarios/README.md. "ok" is not one.
const std::vector<OutcomeKind>& ErrorKinds();
// "ok" followed by every error kind's name.
std::vector<std::string> OutcomeNames();
bool IsOutcome(std::string_view name);

}  // namespace mockhub
