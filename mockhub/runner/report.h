// The results of `mockhub run` for people and CI (report.cc): the progress
// line, the table, JUnit XML, and reports written atomically.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mockhub/base/status.h"
#include "mockhub/runner/scenario_result.h"

namespace mockhub {

const char* StatusName(ScenarioResult::Status s);

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
// Writes a report beside its final name and renames it into place, so a
// reader never sees half a file.
Status WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace mockhub
