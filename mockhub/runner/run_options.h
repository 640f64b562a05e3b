// How `mockhub run` runs scenarios (the adapter, timeouts, containment,
// the journal's bound), and how the client steps are contained with these
// options on this kernel (containment.cc).
#pragma once

#include <cstddef>
#include <string>

#include "mockhub/http/journal.h"
#include "mockhub/runner/adapter.h"

namespace mockhub {

struct RunOptions {
  Adapter adapter;
  int step_timeout_seconds = 120;
  bool verbose = false;  // print every step's client output
  // Each client step under Linux Landlock: writes only in the scenario's
  // folder, TCP only to the mock (scenarios/README.md, "Containment").
  // false only for debugging (--no-containment).
  bool contain = true;
  // Each scenario's mock keeps this many requests (and bytes) in its
  // journal; a step whose requests outgrow it fails (journal.dropped).
  // Tests lower it rather than make 20,000 requests.
  std::size_t journal_max_entries = Journal::kMaxEntries;
  std::size_t journal_max_bytes = Journal::kMaxBytes;
};

// How client steps are contained with these options on this kernel: one
// line for the run's summary, JUnit and HTML ("Landlock ABI 7: ..."), and
// whether anything is left uncontained (the line then says what, and why).
struct ContainmentSummary {
  std::string text;
  bool complete = false;
};
ContainmentSummary DescribeContainment(const RunOptions& options);

}  // namespace mockhub
