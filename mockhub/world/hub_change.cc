// Hub changes: their names, strict reading (the scenario runner's steps and
// the "step" fault verb read them here) and application to the live state
// (see hub_change.h). A change is checked again when applied, with the
// world loader's rules (names.h), because a HubChange can also be built in
// code, and a branch or repo id the world file could not hold must not
// enter the hub by a change either.
#include "mockhub/world/hub_change.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "mockhub/json/json_checker.h"
#include "mockhub/world/names.h"

namespace mockhub {

using nlohmann::json;

namespace {

using Kind = HubChange::Kind;

Status Named(Status (*rule)(std::string_view), const char* what, const std::string& value) {
  if (Status st = rule(value); !st.ok())
    return InvalidArgument(std::string("invalid ") + what + ": it " + st.message());
  return Status::Ok();
}

Status MoveBranch(const HubChange& c, HubState& st) {
  if (Status ok = Named(names::BranchName, "branch name", c.branch); !ok.ok()) return ok;
  // "to" is a commit label of the world file or a sha.
  auto w = st.Snapshot();
  const Repo* repo = w->FindRepo(c.type, c.repo);
  if (!repo) return NotFound("no repo " + c.repo);
  auto it = repo->commit_labels.find(c.to);
  return st.MoveBranch(c.type, c.repo, c.branch,
                       it == repo->commit_labels.end() ? c.to : it->second);
}

bool ReadType(JsonChecker& c, const json& o, const std::string& ptr, RepoType& out) {
  std::string t = RepoTypeName(out);
  if (!c.Str(o, ptr, "type", t)) return false;
  auto parsed = ParseRepoType(t);
  if (!parsed) return c.Fail(ptr + "/type", "must be \"model\", \"dataset\" or \"space\"");
  out = *parsed;
  return true;
}

bool ReadRepo(JsonChecker& c, const json& a, const std::string& ptr, HubChange& out) {
  return c.NamedStr(a, ptr, "repo", names::RepoId, "repo id", out.repo, true) &&
         ReadType(c, a, ptr, out.type);
}

bool ReadArgs(JsonChecker& c, const json& a, const std::string& ptr, HubChange& out) {
  switch (out.kind) {
    case Kind::kAdvanceClock:
      // At most a hundred years a change, so the clock stays far from
      // overflow; where the clock may go at all is checked when applied.
      if (!a.is_number() || !(a.get<double>() >= 0 && a.get<double>() <= kMaxAdvanceSeconds))
        return c.Fail(ptr, "seconds to advance the server clock (0 to 3155760000, 100 years)");
      out.seconds = a.get<double>();
      return true;
    case Kind::kRevokeToken:
    case Kind::kExpireToken:
      if (!a.is_string()) return c.Fail(ptr, "the token's value");
      out.token = a.get<std::string>();
      return true;
    case Kind::kMoveBranch:
      return c.Keys(a, ptr, {"repo", "type", "branch", "to"}) && ReadRepo(c, a, ptr, out) &&
             c.NamedStr(a, ptr, "branch", names::BranchName, "branch name", out.branch, true) &&
             c.Str(a, ptr, "to", out.to, true);
    case Kind::kApprove:
      return c.Keys(a, ptr, {"repo", "type", "user"}) && ReadRepo(c, a, ptr, out) &&
             c.Str(a, ptr, "user", out.user, true);
    case Kind::kRename:
      return c.Keys(a, ptr, {"repo", "type", "to"}) && ReadRepo(c, a, ptr, out) &&
             c.NamedStr(a, ptr, "to", names::RepoId, "repo id", out.to, true);
  }
  return c.Fail(ptr, "unknown hub change");
}

struct ChangeRow {
  const char* name;
  Kind kind;
};

constexpr ChangeRow kChanges[] = {
    {"advance_clock", Kind::kAdvanceClock},
    {"revoke_token", Kind::kRevokeToken},
    {"expire_token", Kind::kExpireToken},
    {"move_branch", Kind::kMoveBranch},
    {"approve", Kind::kApprove},
    {"rename", Kind::kRename},
};

}  // namespace

const std::vector<std::string>& HubChangeNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const ChangeRow& r : kChanges) names.emplace_back(r.name);
    return names;
  }();
  return kNames;
}

bool ParseHubChangeArgs(JsonChecker& c, const std::string& name, const json& args,
                        const std::string& ptr, HubChange& out) {
  for (const ChangeRow& r : kChanges) {
    if (name != r.name) continue;
    out.kind = r.kind;
    return ReadArgs(c, args, ptr, out);
  }
  return c.Fail(ptr, "unknown hub change \"" + name + "\"");
}

bool ParseHubChange(JsonChecker& c, const json& v, const std::string& ptr, HubChange& out) {
  std::string list;
  for (const std::string& n : HubChangeNames()) list += (list.empty() ? "" : ", ") + n;
  if (!v.is_object() || v.size() != 1)
    return c.Fail(ptr, "expected one hub change, e.g. {\"advance_clock\": 3600} (" + list + ")");
  const std::string name = v.begin().key();
  const std::string at = ptr + "/" + PointerToken(name);
  const auto& names = HubChangeNames();
  if (std::find(names.begin(), names.end(), name) == names.end())
    return c.Fail(at, "unknown hub change \"" + name + "\" (" + list + ")");
  return ParseHubChangeArgs(c, name, v.begin().value(), at, out);
}

Status ApplyHubChange(const HubChange& c, HubState& st) {
  switch (c.kind) {
    case Kind::kAdvanceClock:
      if (c.seconds > kMaxAdvanceSeconds)
        return InvalidArgument("a step advances the clock by at most 3155760000 s (100 years)");
      return st.AdvanceBounded(c.seconds);
    case Kind::kRevokeToken:
      return st.RevokeToken(c.token);
    case Kind::kExpireToken:
      return st.ExpireToken(c.token);
    case Kind::kApprove:
      return st.Approve(c.type, c.repo, c.user);
    case Kind::kRename: {
      if (Status ok = Named(names::RepoId, "repo id", c.to); !ok.ok()) return ok;
      return st.Rename(c.type, c.repo, c.to);
    }
    case Kind::kMoveBranch:
      return MoveBranch(c, st);
  }
  return InvalidArgument("unknown hub change");
}

}  // namespace mockhub
