// The meaning checks of a scenario: what its cache seeds and steps name must
// exist in its own world, and an "ok" must be possible. See scenario_reader.h.
#include "scenario_reader.h"

#include <chrono>

#include "mockhub/world/hub_state.h"

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

// A hub change (a step's, or a "step" fault's) written at `ptr`: what it
// names must exist in the scenario's world.
bool CheckHubChange(ScenarioReader& r, const World& w, const HubChange& c, const std::string& ptr) {
  switch (c.kind) {
    case HubChange::Kind::kRevokeToken:
    case HubChange::Kind::kExpireToken:
      if (!w.FindToken(c.token))
        return r.Fail(ptr, "no token \"" + c.token + "\" under /hub tokens");
      return true;
    case HubChange::Kind::kMoveBranch: {
      const Repo* repo = w.FindRepo(c.type, c.repo);
      if (!repo) return r.Fail(ptr + "/move_branch/repo", "no repo \"" + c.repo + "\"");
      if (!repo->commit_labels.count(c.to) && !repo->commits.count(c.to)) {
        return r.Fail(ptr + "/move_branch/to", "no commit labelled \"" + c.to + "\" in " + c.repo);
      }
      return true;
    }
    case HubChange::Kind::kApprove:
      if (!w.FindRepo(c.type, c.repo))
        return r.Fail(ptr + "/approve/repo", "no repo \"" + c.repo + "\"");
      if (!w.FindUser(c.user)) return r.Fail(ptr + "/approve/user", "no user \"" + c.user + "\"");
      return true;
    case HubChange::Kind::kRename:
      if (!w.FindRepo(c.type, c.repo) && !w.RenamedTo(c.type, c.repo))
        return r.Fail(ptr + "/rename/repo", "no repo \"" + c.repo + "\"");
      return true;
    case HubChange::Kind::kAdvanceClock:
      return true;
  }
  return true;
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
    now += s.change.seconds;
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
      if (client_step) return CheckClientStep(p, sc.world, s, branches_move);
      return !s.IsHubChange() || CheckHubChange(p, sc.world, s.change, s.pointer);
    }) && ok;
  }
  for (std::size_t i = 0; i < sc.faults.size(); ++i) {
    const HubChange* change = StepChange(sc.faults[i]);
    if (!change) continue;
    const std::string ptr = "/faults/" + std::to_string(i) + "/do/step";
    ok = r.Part(ptr, [&](ScenarioReader& p) {
      return CheckHubChange(p, sc.world, *change, ptr);
    }) && ok;
  }
  return ok;
}

}  // namespace mockhub::runner
