// Whether a scenario passed, given its failed checks and what the adapter
// declares: a declared failure names one check (and optionally one step), so
// it waives only that check's failures and every other check still counts. A
// declaration that matches a scenario but waives nothing is an unexpected
// pass: the adapter is out of date.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mockhub/runner/adapter.h"
#include "mockhub/runner/scenario_result.h"

namespace mockhub::runner {

// The declaration (index into adapter.expected_failures) that covers this
// failed check, if any.
std::optional<std::size_t> FindWaiver(const Adapter& adapter, const std::string& scenario,
                                      const std::string& step, const std::string& check);

struct VerdictInput {
  std::vector<std::string> failures;           // not waived: "step: text"
  std::vector<ScenarioResult::Waived> waived;  // declared and seen
  std::vector<bool> used;                      // per declaration: it waived something
};

std::pair<ScenarioResult::Status, std::string> Decide(const VerdictInput& in,
                                                      const std::string& scenario,
                                                      const Adapter& adapter);

}  // namespace mockhub::runner
