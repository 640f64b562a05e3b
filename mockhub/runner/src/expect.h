// Checks one step's expectations against what happened: the client's JSON
// outcome, the files on disk, the cache layout, and the journal. Every failure
// is a sentence saying what was expected and what was seen.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockhub/journal.h"
#include "mockhub/runner/scenario.h"

namespace mockhub::runner {

struct Observation {
  nlohmann::json outcome;             // the client's last stdout line, parsed
  std::string outcome_error;          // why there is no outcome ("" if there is)
  std::vector<JournalEntry> entries;  // requests made during the step
  const World* world = nullptr;       // the hub as it was during the step
  std::string hub_cache;
};

struct Caps {
  bool messages = true;      // the client's messages are checked
  bool cache_layout = true;  // the client writes the huggingface_hub cache
};

// "ok", an error kind, or "" when the outcome is missing.
std::string ReportedOutcome(const nlohmann::json& outcome);

// The "wire" expectations, checked against the journal of the step only, so
// they hold whatever client ran (expect_wire.cc).
void CheckWire(const WireExpectation& w, const std::vector<JournalEntry>& entries,
               std::vector<std::string>& out);

// The same failures, each with the seq of the requests it is about (the
// leaking request, the early retry, the counted ones), for the HTML report.
struct WireFailure {
  std::string text;
  std::vector<std::uint64_t> seqs;
};
void CheckWire(const WireExpectation& w, const std::vector<JournalEntry>& entries,
               std::vector<WireFailure>& out);

std::vector<std::string> CheckStep(const Step& step, const Observation& seen, const Caps& caps);

}  // namespace mockhub::runner
