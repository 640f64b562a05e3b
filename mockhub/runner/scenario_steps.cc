// One entry of "steps": which action it is, the action's arguments, and its
// expectations. See scenario_reader.h.
#include <map>

#include "mockhub/world/hub_change.h"

#include "scenario_reader.h"

namespace mockhub::runner {

using nlohmann::json;

namespace {

const std::map<std::string, Step::Kind>& Actions() {
  static const std::map<std::string, Step::Kind> kActions = {
      {"download", Step::Kind::kDownload},
      {"info", Step::Kind::kInfo},
      {"whoami", Step::Kind::kWhoami},
      {"advance_clock", Step::Kind::kAdvanceClock},
      {"revoke_token", Step::Kind::kRevokeToken},
      {"expire_token", Step::Kind::kExpireToken},
      {"move_branch", Step::Kind::kMoveBranch},
      {"approve", Step::Kind::kApprove},
      {"rename", Step::Kind::kRename},
      {"client", Step::Kind::kClient}};
  return kActions;
}

}  // namespace

bool ScenarioReader::RepoAndType(const json& a, const std::string& aptr, Step& out) {
  return NamedStr(a, aptr, "repo", names::RepoId, "repo id", out.repo, true) &&
         Type(a, aptr, "type", out.type);
}

bool ScenarioReader::ParseStep(const json& s, const std::string& ptr, Step& out) {
  if (!s.is_object()) return Fail(ptr, "expected an object");
  std::string action;
  for (auto it = s.begin(); it != s.end(); ++it) {
    if (it.key() == "name" || it.key() == "expect") continue;
    if (!Actions().count(it.key())) {
      return Fail(ptr + "/" + PointerToken(it.key()),
                  "unknown step \"" + it.key() +
                      "\" (download, info, whoami, advance_clock, revoke_token, "
                      "expire_token, move_branch, approve, rename, client)");
    }
    if (!action.empty())
      return Fail(ptr, "a step has one action; found \"" + action + "\" and \"" + it.key() + "\"");
    action = it.key();
  }
  if (action.empty()) return Fail(ptr, "a step needs an action");
  out.kind = Actions().at(action);
  out.pointer = ptr;
  out.name = action;
  if (!Str(s, ptr, "name", out.name)) return false;
  if (!StepAction(action, s.at(action), ptr + "/" + action, out)) return false;
  if (s.contains("expect")) {
    if (!out.IsClientAction())
      return Fail(ptr + "/expect",
                  "only client actions (download, info, whoami) have expectations");
    out.expect.emplace();
    if (!Expect(s.at("expect"), ptr + "/expect", *out.expect)) return false;
  }
  return true;
}

bool ScenarioReader::StepAction(const std::string& action, const json& a, const std::string& aptr,
                                Step& out) {
  switch (out.kind) {
    case Step::Kind::kDownload:
      return Keys(a, aptr, {"repo", "type", "revision", "files", "include", "exclude"}) &&
             RepoAndType(a, aptr, out) &&
             NamedStr(a, aptr, "revision", names::Revision, "revision", out.revision) &&
             NamedStrs(a, aptr, "files", names::RepoPath, "file path", out.files) &&
             NamedStrs(a, aptr, "include", names::Pattern, "pattern", out.include) &&
             NamedStrs(a, aptr, "exclude", names::Pattern, "pattern", out.exclude);
    case Step::Kind::kInfo:
      return Keys(a, aptr, {"repo", "type", "revision"}) && RepoAndType(a, aptr, out) &&
             NamedStr(a, aptr, "revision", names::Revision, "revision", out.revision);
    case Step::Kind::kWhoami:
      return Keys(a, aptr, {});
    case Step::Kind::kAdvanceClock:
    case Step::Kind::kRevokeToken:
    case Step::Kind::kExpireToken:
    case Step::Kind::kMoveBranch:
    case Step::Kind::kApprove:
    case Step::Kind::kRename:
      // The hub's own reader of changes, as the "step" fault verb's.
      return ParseHubChangeArgs(*this, action, a, aptr, out.change);
    case Step::Kind::kClient:
      out.client.emplace();
      return Client(a, aptr, *out.client, true);
  }
  return Fail(aptr, "unknown action");
}

}  // namespace mockhub::runner
