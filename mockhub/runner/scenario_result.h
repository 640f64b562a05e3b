// What running a scenario gives: its result and, per step, what the HTML
// report shows (its journal, its failures with the requests they concern).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mockhub/http/journal.h"

namespace mockhub {

// One step as it ran, for the HTML report: its journal and its failures,
// each with the requests it concerns (a wire expectation names them; other
// failures concern the step as a whole). Tokens are redacted as in the text.
struct StepReport {
  std::string name, pointer;
  std::string action;  // "download org/name config.json", "advance_clock 3600"
  bool client_action = false;
  std::string outcome;  // what the client reported: "ok", "invalid_token (401): ..."
  struct Failure {
    std::string text;
    std::vector<std::uint64_t> seqs;  // journal entries it concerns; empty: the step
    std::string check;                // the expectation that failed ("wire.ranges")
    std::string waived;               // the adapter's reason when it declared this failure
  };
  std::vector<Failure> failures;
  std::vector<JournalEntry> entries;  // the requests made during the step, in order
};

struct ScenarioResult {
  std::string name, file;
  std::string description;
  enum class Status { kPass, kFail, kExpectedFail, kUnexpectedPass, kError } status = Status::kPass;
  bool did_not_load = false;  // kError because the file is bad input (exit 2)
  std::string reason;         // one line
  std::string details;        // failures, journal lines, client output
  double seconds = 0;
  std::vector<StepReport> steps;  // up to the step that ended the run
  // Failed checks the adapter declared, each with its reason: they do not
  // fail the scenario, every other check does.
  struct Waived {
    std::string step, check, text, reason;
  };
  std::vector<Waived> waived;
  // The bound of the journal the steps were checked against (0: no mock
  // started), so a report says how many requests a step may make.
  std::size_t journal_max_entries = 0;
  std::size_t journal_max_bytes = 0;
};

}  // namespace mockhub
