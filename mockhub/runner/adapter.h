// An adapter: how `mockhub run` drives one downloader (its command, what it
// does, the checks it is known to fail), read from an adapter file
// (adapter.cc), and the scenario files a run is given.
#pragma once

#include <string>
#include <vector>

#include "mockhub/base/load_error.h"
#include "mockhub/base/status.h"

namespace mockhub {

// How to run one downloader. The action's arguments (hubget's grammar) are
// appended to `command`.
// A check the client is known to fail, and why: a scenario name glob, an
// optional step name glob, and the check's name glob ("wire.token_to_cdn",
// "outcome", "cache.*"; see CheckFailure in expect.h). Every other check of
// that scenario still counts. LoadAdapter refuses a check name or glob that
// names no check (check_names.h).
struct ExpectedFailure {
  std::string scenarios;
  std::string step;  // "" = any step
  std::string check;
  std::string reason;
};

struct Adapter {
  std::string name = "hubget";
  std::vector<std::string> command;
  // Capabilities: what the client does, so that checks describing one
  // algorithm apply only to clients that follow it.
  bool messages = true;          // check "message" expectations against its output
  bool cache_layout = true;      // it writes the huggingface_hub cache: check "cache"
  bool metadata_by_head = true;  // it HEADs the resolve URL: HEAD counts, head_before_get
  bool resume = true;            // it resumes partials: "ranges", "incomplete": true | N
  std::vector<ExpectedFailure> expected_failures;
};

// Reads an adapter file (JSON); relative command paths are resolved against
// its folder.
Loaded<Adapter> LoadAdapter(const std::string& path);

// Expands files and folders into scenario files (*.json, sorted), skipping
// adapter files and the schema.
// A path that does not exist is a kNotFound naming it.
StatusOr<std::vector<std::string>> CollectScenarioFiles(const std::vector<std::string>& paths);

}  // namespace mockhub
