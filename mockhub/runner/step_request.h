// POST /_mockhub/steps for `mockhub serve`: one hub-change step of the
// scenario format, read by the scenario reader (same strictness: an unknown
// key or step is a 400 naming the JSON pointer) and applied to the running
// server's state. It lives in the runner because the step vocabulary does;
// the server only calls it through ServerOptions::step_handler.
#pragma once

#include "mockhub/http/http_types.h"
#include "mockhub/world/hub_state.h"

namespace mockhub {

// 200 {"step": "<action>", "clock": <server clock>} once applied; 400
// {"error", "pointer"} for a step that does not parse or is not a hub change;
// 404 / 409 {"error"} when it names what the world lacks or cannot take.
HttpResponse AnswerStepRequest(const HttpRequest& request, HubState& state);

}  // namespace mockhub
