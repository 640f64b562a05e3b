// `mockhub run`: executes scenarios against a client through the adapter
// contract of scenarios/README.md, and reports a table, JUnit XML and an
// HTML page with the wire of every step (html_report.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mockhub/base/load_error.h"
#include "mockhub/base/status.h"
#include "mockhub/http/journal.h"
#include "mockhub/runner/scenario.h"

namespace mockhub {

// How to run one downloader. The action's arguments (hubget's grammar) are
// appended to `command`.
// A check the client is known to fail, and why: a scenario name glob, an
// optional step name glob, and the check's name glob ("wire.token_to_cdn",
// "outcome", "cache.*"; see CheckFailure in expect.h). Every other check of
// that scenario still counts. LoadAdapter refuses a check name or glob that
// names no check (runner/src/check_names.h).
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
const char* StatusName(ScenarioResult::Status s);

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options);

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

// Expands files and folders into scenario files (*.json, sorted), skipping
// adapter files and the schema.
// A path that does not exist is a kNotFound naming it.
StatusOr<std::vector<std::string>> CollectScenarioFiles(const std::vector<std::string>& paths);

// Text bound for the terminal: scenario and file names, reasons and client
// output come from files and programs nobody controls, so their control
// characters are shown escaped, never obeyed (escape.h). `lines` keeps
// newlines (a client's output).
std::string TerminalText(const std::string& text, bool lines = false);
// The line `mockhub run` prints as each scenario ends ("FAIL name: reason"),
// and with `with_details` its failures, journal and client output.
std::string FormatProgress(const ScenarioResult& result, bool with_details);
std::string FormatTable(const std::vector<ScenarioResult>& results);
// `properties` go on the <testsuite> (name, value): the run's containment.
std::string FormatJUnit(const std::vector<ScenarioResult>& results, const std::string& suite,
                        const std::vector<std::pair<std::string, std::string>>& properties = {});
// One self-contained HTML page (html_report.cc): the table, then per
// scenario and step a sequence diagram of the wire (client, hub, CDN and any
// other site as lanes, one arrow per journal entry), token flags and faults
// marked, each failure beside the requests it concerns. `note` (the run's
// containment) is shown under the totals.
std::string FormatHtml(const std::vector<ScenarioResult>& results, const std::string& title,
                       const std::string& note = "");

// Writes a report beside its final name and renames it into place, so a
// reader never sees half a file.
Status WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace mockhub
