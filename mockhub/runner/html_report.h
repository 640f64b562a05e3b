// `mockhub run --html`: one self-contained page a person reads (html_report.cc).
#pragma once

#include <string>
#include <vector>

#include "mockhub/runner/scenario_result.h"

namespace mockhub {

// One self-contained HTML page (html_report.cc): the table, then per
// scenario and step a sequence diagram of the wire (client, hub, CDN and any
// other site as lanes, one arrow per journal entry), token flags and faults
// marked, each failure beside the requests it concerns. `note` (the run's
// containment) is shown under the totals.
std::string FormatHtml(const std::vector<ScenarioResult>& results, const std::string& title,
                       const std::string& note = "");

}  // namespace mockhub
