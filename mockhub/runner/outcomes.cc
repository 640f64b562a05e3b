// See outcomes.h. The list follows hubget's Kind (client/include/hubget/
// result.h) without including it: mockhub and hubget share no code, and a
// test compares the two lists instead.
#include "mockhub/runner/outcomes.h"

#include <algorithm>

namespace mockhub {

const std::vector<OutcomeKind>& ErrorKinds() {
  static const std::vector<OutcomeKind> kKinds = {
      {"invalid_token", "401 with a token the Hub does not know"},
      {"token_expired", "401 with an expired token"},
      {"auth_required", "401 without a token: a private or missing repo"},
      {"gated_auth_required", "401 GatedRepo: log in first"},
      {"gated_not_authorized", "403 GatedRepo: ask for access"},
      {"forbidden", "another 403"},
      {"disabled", "the repo is disabled"},
      {"repo_not_found", "404 RepoNotFound"},
      {"revision_not_found", "404 RevisionNotFound"},
      {"entry_not_found", "404 EntryNotFound"},
      {"rate_limited", "429 after retries"},
      {"server_error", "5xx after retries"},
      {"http_error", "any other unexpected HTTP status"},
      {"network", "connection refused or reset, DNS, TLS"},
      {"timeout", "connect or read timeout, 408, the total deadline"},
      {"integrity", "size or sha256 mismatch"},
      {"not_a_hub", "the answer lacks X-Repo-Commit, ETag or size"},
      {"offline_not_cached", "offline and nothing cached"},
      {"invalid_argument", "a bad repo id, path or pattern"},
      {"cancelled", "the caller cancelled"},
      {"io", "a local filesystem failure"},
  };
  return kKinds;
}

std::vector<std::string> OutcomeNames() {
  std::vector<std::string> names = {"ok"};
  for (const auto& k : ErrorKinds()) names.emplace_back(k.name);
  return names;
}

bool IsOutcome(std::string_view name) {
  if (name == "ok") return true;
  const auto& kinds = ErrorKinds();
  return std::any_of(kinds.begin(), kinds.end(),
                     [&](const OutcomeKind& k) { return k.name == name; });
}

}  // namespace mockhub
