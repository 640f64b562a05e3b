// A hub-change step (advance_clock, revoke_token, expire_token, move_branch,
// approve, rename) applied to the live state: by the runner between client
// runs, and by `mockhub serve` for POST /_mockhub/steps (step_request.cc).
#pragma once

#include "mockhub/hub_state.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/status.h"

namespace mockhub::runner {

// Ok, or why it could not apply: kInvalidArgument (a branch or repo id the
// world loader would refuse, a clock past 9999-12-31), kNotFound,
// kAlreadyExists. Steps that are not hub changes do nothing.
Status HubChange(const Step& step, HubState& state);

}  // namespace mockhub::runner
