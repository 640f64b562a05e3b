// See verdict.h.
#include "verdict.h"

#include "mockhub/faults/faults.h"

namespace mockhub::runner {

namespace {

bool Covers(const ExpectedFailure& x, const std::string& scenario) {
  return GlobMatch(x.scenarios, scenario);
}

std::string AndMore(std::size_t n) { return n > 1 ? " (+" + std::to_string(n - 1) + " more)" : ""; }

}  // namespace

std::optional<std::size_t> FindWaiver(const Adapter& adapter, const std::string& scenario,
                                      const std::string& step, const std::string& check) {
  for (std::size_t i = 0; i < adapter.expected_failures.size(); ++i) {
    const ExpectedFailure& x = adapter.expected_failures[i];
    if (!Covers(x, scenario) || !GlobMatch(x.check, check)) continue;
    if (!x.step.empty() && !GlobMatch(x.step, step)) continue;
    return i;
  }
  return std::nullopt;
}

std::pair<ScenarioResult::Status, std::string> Decide(const VerdictInput& in,
                                                      const std::string& scenario,
                                                      const Adapter& adapter) {
  using Status = ScenarioResult::Status;
  if (!in.failures.empty()) return {Status::kFail, in.failures[0] + AndMore(in.failures.size())};
  for (std::size_t i = 0; i < adapter.expected_failures.size(); ++i) {
    const ExpectedFailure& x = adapter.expected_failures[i];
    if (!Covers(x, scenario) || (i < in.used.size() && in.used[i])) continue;
    return {Status::kUnexpectedPass, "declared that " + x.check +
                                         (x.step.empty() ? "" : " in step " + x.step) + " fails (" +
                                         x.reason + ") but it passed: update the adapter"};
  }
  if (in.waived.empty()) return {Status::kPass, ""};
  const ScenarioResult::Waived& first = in.waived.front();
  return {Status::kExpectedFail, first.check + ": " + first.reason + " [" + first.step + ": " +
                                     first.text + "]" + AndMore(in.waived.size())};
}

}  // namespace mockhub::runner
