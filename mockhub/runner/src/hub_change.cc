// Hub-change steps on the live state (see hub_change.h).
#include "hub_change.h"

namespace mockhub::runner {

Status HubChange(const Step& s, HubState& st) {
  switch (s.kind) {
    case Step::Kind::kAdvanceClock:
      st.Advance(s.seconds);
      return Status::Ok();
    case Step::Kind::kRevokeToken:
      return st.RevokeToken(s.token);
    case Step::Kind::kExpireToken:
      return st.ExpireToken(s.token);
    case Step::Kind::kApprove:
      return st.Approve(s.type, s.repo, s.user);
    case Step::Kind::kRename:
      return st.Rename(s.type, s.repo, s.to);
    case Step::Kind::kMoveBranch: {
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
