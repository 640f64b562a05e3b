// The pieces of a step's report (runner.h's StepReport) that are not the
// running itself: a hub change in words, the client's outcome in a line, each
// failure tied to the requests it concerns, and the redaction of placed
// tokens from everything the runner reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "expect.h"
#include "mockhub/runner/scenario_result.h"

namespace mockhub::runner {

// The check a step fails when the journal no longer holds all of its
// requests (its bound dropped the oldest): the wire checks would see a
// partial view and pass. Never waived by an adapter's declarations.
inline constexpr const char* kJournalDroppedCheck = "journal.dropped";
std::string JournalDroppedText(std::uint64_t missing, const Journal& journal);

// The journal's bound in words: "20000 requests or 32 MiB".
std::string JournalBoundText(std::size_t max_entries, std::size_t max_bytes);

// The bound of a run's journals in words ("" when no mock started): every
// report says it, so a reader knows how many requests a step may make.
std::string RunJournalBound(const std::vector<ScenarioResult>& results);

// What a hub-change (or client-setup) step did, in words; a token shown as
// the journal shows one.
std::string HubChangeText(const Step& s);

// The client's outcome in one line: "ok", "invalid_token (401): message".
std::string OutcomeText(const Observation& seen);

// What the runner reports (reasons, the command line, the client's output)
// never holds a whole token: each is cut as the journal cuts it ("hf_arg…").
std::string WithoutTokens(std::string text, const std::vector<std::string>& tokens);

// The same for the step reports: client text and the journal's targets,
// wherever a client put a token.
void RedactSteps(std::vector<StepReport>& steps, const std::vector<std::string>& tokens);

}  // namespace mockhub::runner
