// A change to the live hub (advance_clock, revoke_token, expire_token,
// move_branch, approve, rename): the one write mechanism. The scenario
// runner's hub-change steps, POST /_mockhub/steps and a request's own
// writes (the "step" fault verb; a site's decision may return changes
// beside its answer, site.h) all become HubChange values applied by
// ApplyHubChange, each change atomically under the state's lock.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "mockhub/base/status.h"
#include "mockhub/world/hub_state.h"
#include "mockhub/world/world.h"

namespace mockhub {

class JsonChecker;  // json_checker.h, the strict reader every loader shares

struct HubChange {
  enum class Kind { kAdvanceClock, kRevokeToken, kExpireToken, kMoveBranch, kApprove, kRename };
  Kind kind = Kind::kAdvanceClock;
  double seconds = 0;  // advance_clock
  std::string token;   // revoke_token, expire_token
  RepoType type = RepoType::kModel;
  std::string repo;    // move_branch, approve, rename
  std::string branch;  // move_branch
  std::string to;      // move_branch: a commit label of the world file or a sha; rename: the new id
  std::string user;    // approve
};

// The most an advance_clock change may move the clock at once (100 years);
// and the clock never passes 9999-12-31T23:59:59Z (HubState::kLatestTime).
inline constexpr double kMaxAdvanceSeconds = 3155760000.0;

// Ok, or why it could not apply: kInvalidArgument (a branch or repo id the
// world loader would refuse, a clock past 9999-12-31), kNotFound,
// kAlreadyExists. Nothing changes when it fails.
Status ApplyHubChange(const HubChange& change, HubState& state);

// The change names, in the order scenarios/README.md lists them.
const std::vector<std::string>& HubChangeNames();

// Reads `{"<change>": arguments}` (one key, as a scenario step writes it)
// strictly; a failure is recorded in `c` at its JSON pointer under `ptr`.
bool ParseHubChange(JsonChecker& c, const nlohmann::json& v, const std::string& ptr,
                    HubChange& out);
// The arguments of the change named `name` (a key of HubChangeNames()), at `ptr`.
bool ParseHubChangeArgs(JsonChecker& c, const std::string& name, const nlohmann::json& args,
                        const std::string& ptr, HubChange& out);

}  // namespace mockhub
