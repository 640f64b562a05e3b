// `mockhub run`'s core: one scenario against a client through the adapter
// contract of scenarios/README.md (runner.cc). The parts around it have
// headers of their own: adapter.h, run_options.h, scenario_result.h,
// run_set.h (many files, in parallel), report.h and html_report.h.
#pragma once

#include "mockhub/runner/run_options.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/runner/scenario_result.h"

namespace mockhub {

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options);

}  // namespace mockhub
