// One entry of "steps": which action it is, the action's arguments, and its
// expectations. See scenario_reader.h.
#include <map>

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
  if (!StepAction(s.at(action), ptr + "/" + action, out)) return false;
  if (s.contains("expect")) {
    if (!out.IsClientAction())
      return Fail(ptr + "/expect",
                  "only client actions (download, info, whoami) have expectations");
    out.expect.emplace();
    if (!Expect(s.at("expect"), ptr + "/expect", *out.expect)) return false;
  }
  return true;
}

bool ScenarioReader::StepAction(const json& a, const std::string& aptr, Step& out) {
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
      // At most a hundred years a step, so the clock stays far from overflow;
      // where the clock may go at all is HubChange's check (year 9999).
      if (!a.is_number() || !(a.get<double>() >= 0 && a.get<double>() <= kMaxAdvanceSeconds))
        return Fail(aptr, "seconds to advance the server clock (0 to 3155760000, 100 years)");
      out.seconds = a.get<double>();
      return true;
    case Step::Kind::kRevokeToken:
    case Step::Kind::kExpireToken:
      if (!a.is_string()) return Fail(aptr, "the token's value");
      out.token = a.get<std::string>();
      return true;
    case Step::Kind::kMoveBranch:
      return Keys(a, aptr, {"repo", "type", "branch", "to"}) && RepoAndType(a, aptr, out) &&
             NamedStr(a, aptr, "branch", names::BranchName, "branch name", out.branch, true) &&
             Str(a, aptr, "to", out.to, true);
    case Step::Kind::kApprove:
      return Keys(a, aptr, {"repo", "type", "user"}) && RepoAndType(a, aptr, out) &&
             Str(a, aptr, "user", out.user, true);
    case Step::Kind::kRename:
      return Keys(a, aptr, {"repo", "type", "to"}) && RepoAndType(a, aptr, out) &&
             NamedStr(a, aptr, "to", names::RepoId, "repo id", out.to, true);
    case Step::Kind::kClient:
      out.client.emplace();
      return Client(a, aptr, *out.client, true);
  }
  return Fail(aptr, "unknown action");
}

}  // namespace mockhub::runner
