// The pieces of a step's report (runner.h's StepReport) that are not the
// running itself: a hub change in words, the client's outcome in a line, each
// failure tied to the requests it concerns, and the redaction of placed
// tokens from everything the runner reports.
#pragma once

#include <string>
#include <vector>

#include "expect.h"
#include "mockhub/runner/runner.h"

namespace mockhub::runner {

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
