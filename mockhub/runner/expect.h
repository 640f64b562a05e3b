// Checks one step's expectations against what happened: the client's JSON
// outcome, the files on disk, the cache layout, and the journal. Every failure
// is a sentence saying what was expected and what was seen.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockhub/http/journal.h"
#include "mockhub/runner/scenario.h"

namespace mockhub::runner {

// How long a step's checks may take when the runner sets no deadline: they
// read only files the client wrote, capped by the hub's sizes, so this is
// room for hashing a large download, not a wait.
inline constexpr std::chrono::seconds kDefaultCheckTime{60};

struct Observation {
  nlohmann::json outcome;             // the client's last stdout line, parsed
  std::string outcome_error;          // why there is no outcome ("" if there is)
  std::vector<JournalEntry> entries;  // requests made during the step
  const World* world = nullptr;       // the hub as it was during the step
  std::string hub_cache;
  // The scenario's temporary folder (the client's working directory): files
  // the client reports are read only beneath it. "" = the folder that holds
  // home/hf/hub, as the runner lays it out.
  std::string scenario_dir;
  // The checks stop here with a failure (a file still being hashed).
  std::chrono::steady_clock::time_point deadline =
      std::chrono::steady_clock::now() + kDefaultCheckTime;
};

// What the client's adapter declares it does (scenarios/README.md, "The
// adapter contract"): checks that describe only one algorithm apply only to
// clients that follow it.
struct Caps {
  bool messages = true;          // the client's messages are checked
  bool cache_layout = true;      // the client writes the huggingface_hub cache
  bool metadata_by_head = true;  // it asks for metadata with a HEAD of the resolve URL
  bool resume = true;            // it keeps a partial file and resumes it with a Range
};

// One failed check: `check` names the expectation as it is spelled under a
// step's "expect" ("outcome", "message", "files", "cache.refs",
// "wire.token_to_cdn", "wire.requests", ...), so an adapter can declare the
// one it expects to fail; `seqs` are the journal entries it is about (the
// leaking request, the early retry, the counted ones), for the HTML report.
struct CheckFailure {
  std::string text;
  std::vector<std::uint64_t> seqs;
  std::string check;
};

// "ok", an error kind, or "" when the outcome is missing.
std::string ReportedOutcome(const nlohmann::json& outcome);

// The "wire" expectations, checked against the journal of the step only, so
// they hold whatever client ran (expect_wire.cc).
void CheckWire(const WireExpectation& w, const std::vector<JournalEntry>& entries, const Caps& caps,
               std::vector<CheckFailure>& out);

std::vector<CheckFailure> CheckStep(const Step& step, const Observation& seen, const Caps& caps);

}  // namespace mockhub::runner
