// `mockhub run`: executes scenarios against a client through the adapter
// contract of scenarios/README.md, and reports a table and JUnit XML.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mockhub/load_error.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/status.h"

namespace mockhub {

// How to run one downloader. The action's arguments (hubget's grammar) are
// appended to `command`.
struct Adapter {
  std::string name = "hubget";
  std::vector<std::string> command;
  bool messages = true;      // check "message" expectations against its output
  bool cache_layout = true;  // it writes the huggingface_hub cache: check "cache"
  // Scenario name globs -> why the client is expected to fail them.
  std::vector<std::pair<std::string, std::string>> expected_failures;
};

// Reads an adapter file (JSON); relative command paths are resolved against
// its folder.
Loaded<Adapter> LoadAdapter(const std::string& path);

struct RunOptions {
  Adapter adapter;
  int step_timeout_seconds = 120;
  bool verbose = false;  // print every step's client output
};

struct ScenarioResult {
  std::string name, file;
  enum class Status { kPass, kFail, kExpectedFail, kUnexpectedPass, kError } status = Status::kPass;
  std::string reason;   // one line
  std::string details;  // failures, journal lines, client output
  double seconds = 0;
};
const char* StatusName(ScenarioResult::Status s);

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options);

// Expands files and folders into scenario files (*.json, sorted), skipping
// adapter files and the schema.
// A path that does not exist is a kNotFound naming it.
StatusOr<std::vector<std::string>> CollectScenarioFiles(const std::vector<std::string>& paths);

std::string FormatTable(const std::vector<ScenarioResult>& results);
std::string FormatJUnit(const std::vector<ScenarioResult>& results, const std::string& suite);

}  // namespace mockhub
