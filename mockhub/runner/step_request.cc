// POST /_mockhub/steps: parse one step as a scenario file's, refuse client
// actions, apply the hub change (see step_request.h).
#include "mockhub/runner/step_request.h"

#include <nlohmann/json.hpp>

#include "mockhub/server/admin_reply.h"
#include "mockhub/world/hub_change.h"
#include "mockhub/world/world_json.h"
#include "scenario_reader.h"

namespace mockhub {

using nlohmann::json;

namespace {

constexpr const char* kBody = "<request body>";

HttpResponse Refused(int status, const std::string& reason, const std::string& pointer) {
  return AdminError(status, reason, &pointer);
}

// The step's action key (the one that is not "name" or "expect").
std::string ActionOf(const json& step) {
  for (auto it = step.begin(); it != step.end(); ++it) {
    if (it.key() != "name" && it.key() != "expect") return it.key();
  }
  return "";
}

}  // namespace

HttpResponse AnswerStepRequest(const HttpRequest& req, HubState& state) {
  auto doc = ParseJsonText(req.body, kBody);
  if (!doc) return Refused(400, doc.error().reason, doc.error().pointer);
  runner::ScenarioReader reader(kBody);
  Step step;
  if (!reader.ParseStep(*doc, "", step) || !reader.Errors().empty()) {
    const std::vector<LoadError> errors = reader.Errors();
    if (errors.empty()) return Refused(400, "malformed step", "");
    return Refused(400, errors.front().reason, errors.front().pointer);
  }
  const std::string action = ActionOf(*doc);
  if (!step.IsHubChange()) {
    return Refused(400,
                   "only hub changes can be posted (advance_clock, revoke_token, expire_token, "
                   "move_branch, approve, rename); \"" +
                       action + "\" is the client's",
                   "/" + PointerToken(action));
  }
  if (Status st = ApplyHubChange(step.change, state); !st.ok()) {
    const int status = st.code() == StatusCode::kNotFound          ? 404
                       : st.code() == StatusCode::kInvalidArgument ? 400
                                                                   : 409;
    return Refused(status, st.message(), "/" + PointerToken(action));
  }
  return AdminJson(200, {{"step", action}, {"clock", state.Now()}});
}

}  // namespace mockhub
