// The meaning checks of a scenario: what its cache seeds and steps name must
// exist in its own world, and an "ok" must be possible. See scenario_reader.h.
#include "scenario_reader.h"

#include <chrono>

#include "mockhub/hub_state.h"

namespace mockhub::runner {

namespace {

bool CheckCachedFile(ScenarioReader& r, const World& w, const CachedFile& f,
                     const std::string& ptr) {
  const Repo* repo = w.FindRepoFollowingRenames(f.type, f.repo);
  if (!repo) return r.Fail(ptr + "/repo", "no repo \"" + f.repo + "\" in this scenario's world");
  const Commit* c = repo->Resolve(f.revision);
  if (!c) return r.Fail(ptr + "/revision", "no revision \"" + f.revision + "\" in " + f.repo);
  auto file = c->files.find(f.path);
  if (file == c->files.end())
    return r.Fail(ptr + "/path", "no file \"" + f.path + "\" at " + f.revision);
  if (f.partial_bytes && *f.partial_bytes > file->second.content->size()) {
    return r.Fail(
        ptr + "/partial_bytes",
        "larger than the file (" + std::to_string(file->second.content->size()) + " bytes)");
  }
  return true;
}

// A download or info step. When branches move during the scenario, what a
// revision holds at the step's time is unknown here, so only the repo counts.
bool CheckClientStep(ScenarioReader& r, const World& w, const Step& s, bool branches_move) {
  const bool expects_ok = s.expect && s.expect->outcome == std::string("ok");
  const std::string action = s.kind == Step::Kind::kInfo ? "info" : "download";
  const Repo* repo = w.FindRepoFollowingRenames(s.type, s.repo);
  if (!repo) {
    if (!expects_ok) return true;
    return r.Fail(s.pointer + "/" + action + "/repo",
                  "\"ok\" is impossible: no repo \"" + s.repo + "\" in this world");
  }
  const std::string rev = s.revision.empty() ? "main" : s.revision;
  const Commit* c = repo->Resolve(rev);
  if (branches_move || !c) {
    if (!c && expects_ok && !branches_move) {
      return r.Fail(s.pointer + "/" + action + "/revision",
                    "\"ok\" is impossible: no revision \"" + rev + "\"");
    }
    return true;
  }
  for (std::size_t k = 0; expects_ok && k < s.files.size(); ++k) {
    if (!c->files.count(s.files[k])) {
      return r.Fail(s.pointer + "/download/files/" + std::to_string(k),
                    "\"ok\" is impossible: no file \"" + s.files[k] + "\" at " + rev);
    }
  }
  if (!s.expect) return true;
  for (const auto& f : s.expect->files) {
    if (f.from_hub && !c->files.count(f.path)) {
      return r.Fail(s.pointer + "/expect/files/" + PointerToken(f.path),
                    "no such file at " + rev + " to compare with");
    }
  }
  return true;
}

bool CheckHubChange(ScenarioReader& r, const World& w, const Step& s) {
  switch (s.kind) {
    case Step::Kind::kRevokeToken:
    case Step::Kind::kExpireToken:
      if (!w.FindToken(s.token))
        return r.Fail(s.pointer, "no token \"" + s.token + "\" under /hub tokens");
      return true;
    case Step::Kind::kMoveBranch: {
      const Repo* repo = w.FindRepo(s.type, s.repo);
      if (!repo) return r.Fail(s.pointer + "/move_branch/repo", "no repo \"" + s.repo + "\"");
      if (!repo->commit_labels.count(s.to) && !repo->commits.count(s.to)) {
        return r.Fail(s.pointer + "/move_branch/to",
                      "no commit labelled \"" + s.to + "\" in " + s.repo);
      }
      return true;
    }
    case Step::Kind::kApprove:
      if (!w.FindRepo(s.type, s.repo))
        return r.Fail(s.pointer + "/approve/repo", "no repo \"" + s.repo + "\"");
      if (!w.FindUser(s.user))
        return r.Fail(s.pointer + "/approve/user", "no user \"" + s.user + "\"");
      return true;
    case Step::Kind::kRename:
      if (!w.FindRepo(s.type, s.repo) && !w.RenamedTo(s.type, s.repo))
        return r.Fail(s.pointer + "/rename/repo", "no repo \"" + s.repo + "\"");
      return true;
    default:
      return true;
  }
}

// The clock starts at the world's "clock" (else now) and only moves
// forward: the step whose advance would take it past the year 9999 is
// refused here, as the live state refuses it (HubState::AdvanceBounded).
bool CheckClock(ScenarioReader& r, const Scenario& sc) {
  using std::chrono::system_clock;
  double now = sc.world.clock_start
                   ? static_cast<double>(*sc.world.clock_start)
                   : std::chrono::duration<double>(system_clock::now().time_since_epoch()).count();
  for (const Step& s : sc.steps) {
    if (s.kind != Step::Kind::kAdvanceClock) continue;
    now += s.seconds;
    if (now > static_cast<double>(HubState::kLatestTime)) {
      return r.Fail(s.pointer + "/advance_clock",
                    "the server clock would pass 9999-12-31T23:59:59Z");
    }
  }
  return true;
}

}  // namespace

bool CheckReferences(ScenarioReader& r, const Scenario& sc, bool branches_move) {
  bool ok = true;
  for (std::size_t i = 0; i < sc.client.cache.size(); ++i) {
    const std::string ptr = "/client/cache/" + std::to_string(i);
    ok = r.Part(ptr, [&](ScenarioReader& p) {
      return CheckCachedFile(p, sc.world, sc.client.cache[i], ptr);
    }) && ok;
  }
  ok = r.Part("/steps", [&](ScenarioReader& p) { return CheckClock(p, sc); }) && ok;
  for (const Step& s : sc.steps) {
    const bool client_step = s.kind == Step::Kind::kDownload || s.kind == Step::Kind::kInfo;
    ok = r.Part(s.pointer, [&](ScenarioReader& p) {
      return client_step ? CheckClientStep(p, sc.world, s, branches_move)
                         : CheckHubChange(p, sc.world, s);
    }) && ok;
  }
  return ok;
}

}  // namespace mockhub::runner
