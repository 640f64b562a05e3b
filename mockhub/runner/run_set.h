// A set of scenario files through the runner (run_set.cc): selected,
// checked, loaded and run in parallel, results in order.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mockhub/base/load_error.h"
#include "mockhub/base/status.h"
#include "mockhub/runner/adapter.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/scenario_result.h"

namespace mockhub {

// A file that does not load, as a result: kError, its reason naming the
// file and the JSON pointer.
ScenarioResult LoadFailure(const LoadError& error);

// Loads and runs each file, `jobs` at a time (0: one per core; each
// scenario has its own mock on port 0 and its own temporary folder). Results come back in the
// order of `files`; `on_result` is called for each in that order too, as soon
// as it and all before it are done, one call at a time.
std::vector<ScenarioResult> RunScenarioFiles(
    const std::vector<std::string>& files, const RunOptions& options, int jobs,
    const std::function<void(const ScenarioResult&)>& on_result);

// The files whose scenario name (file stem) matches `filter` ("" = all),
// then every `shards`-th of them from the `shard`-th (1-based).
std::vector<std::string> SelectScenarioFiles(const std::vector<std::string>& files,
                                             const std::string& filter, int shard, int shards);

// Before any scenario runs: the adapter's program exists and is executable
// (looked up on PATH as the runner will), so a missing client is one error,
// not one failure per scenario.
Status CheckClient(const Adapter& adapter);

}  // namespace mockhub
