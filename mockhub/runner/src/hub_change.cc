// Hub-change steps on the live state (see hub_change.h). The reader has
// checked the names already (scenario_steps.cc); they are checked again here
// with the world loader's rules (names.h) because a Step can also be built
// in code, and a branch or repo id the world file could not hold must not
// enter the hub by a step either.
#include "hub_change.h"

#include "mockhub/names.h"

namespace mockhub::runner {

namespace {

Status Named(Status (*rule)(std::string_view), const char* what, const std::string& value) {
  if (Status st = rule(value); !st.ok())
    return InvalidArgument(std::string("invalid ") + what + ": it " + st.message());
  return Status::Ok();
}

}  // namespace

Status HubChange(const Step& s, HubState& st) {
  switch (s.kind) {
    case Step::Kind::kAdvanceClock:
      if (s.seconds > kMaxAdvanceSeconds)
        return InvalidArgument("a step advances the clock by at most 3155760000 s (100 years)");
      return st.AdvanceBounded(s.seconds);
    case Step::Kind::kRevokeToken:
      return st.RevokeToken(s.token);
    case Step::Kind::kExpireToken:
      return st.ExpireToken(s.token);
    case Step::Kind::kApprove:
      return st.Approve(s.type, s.repo, s.user);
    case Step::Kind::kRename: {
      if (Status ok = Named(names::RepoId, "repo id", s.to); !ok.ok()) return ok;
      return st.Rename(s.type, s.repo, s.to);
    }
    case Step::Kind::kMoveBranch: {
      if (Status ok = Named(names::BranchName, "branch name", s.branch); !ok.ok()) return ok;
      // "to" is a commit label of the world file or a sha.
      auto w = st.Snapshot();
      const Repo* repo = w->FindRepo(s.type, s.repo);
      if (!repo) return NotFound("no repo " + s.repo);
      auto it = repo->commit_labels.find(s.to);
      return st.MoveBranch(s.type, s.repo, s.branch,
                           it == repo->commit_labels.end() ? s.to : it->second);
    }
    default:
      return Status::Ok();
  }
}

}  // namespace mockhub::runner
