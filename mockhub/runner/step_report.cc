// See step_report.h.
#include "step_report.h"

#include <sstream>

namespace mockhub::runner {

std::string JournalBoundText(std::size_t max_entries, std::size_t max_bytes) {
  std::ostringstream out;
  out << max_entries << " requests or ";
  if (max_bytes % (1u << 20) == 0)
    out << (max_bytes >> 20) << " MiB";
  else
    out << max_bytes << " bytes";
  return out.str();
}

std::string RunJournalBound(const std::vector<ScenarioResult>& results) {
  for (const ScenarioResult& r : results) {
    if (r.journal_max_entries > 0)
      return JournalBoundText(r.journal_max_entries, r.journal_max_bytes);
  }
  return "";
}

std::string JournalDroppedText(std::uint64_t missing, const Journal& journal) {
  return "the journal dropped " + std::to_string(missing) + " of this step's requests (it keeps " +
         JournalBoundText(journal.max_entries(), journal.max_bytes()) +
         "): the wire expectations were not checked against a partial view";
}

std::string HubChangeText(const Step& s) {
  const HubChange& c = s.change;
  switch (s.kind) {
    case Step::Kind::kAdvanceClock: {
      std::ostringstream out;
      out << "advance_clock " << c.seconds << " s";
      return out.str();
    }
    case Step::Kind::kRevokeToken:
      return "revoke_token " + RedactAuthorization(c.token);
    case Step::Kind::kExpireToken:
      return "expire_token " + RedactAuthorization(c.token);
    case Step::Kind::kApprove:
      return "approve " + c.user + " for " + c.repo;
    case Step::Kind::kRename:
      return "rename " + c.repo + " to " + c.to;
    case Step::Kind::kMoveBranch:
      return "move_branch " + c.repo + " " + c.branch + " to " + c.to;
    case Step::Kind::kClient: {
      std::string text = "client setup:";
      if (s.client->tokens_given) {
        text += s.client->tokens.empty() ? " no token" : " token in";
        for (const TokenSetup& t : s.client->tokens)
          text += std::string(" ") + TokenSourceName(t.source);
      }
      for (const auto& kv : s.client->env) text += " " + kv.first + "=" + kv.second;
      return text;
    }
    default:
      return "";
  }
}

std::string OutcomeText(const Observation& seen) {
  if (!seen.outcome_error.empty()) return "no outcome: " + seen.outcome_error;
  std::string kind = ReportedOutcome(seen.outcome);
  if (kind.empty() || kind == "ok") return kind;
  std::string text = kind;
  const auto status = seen.outcome.find("status");
  if (status != seen.outcome.end() && status->is_number_integer())
    text += " (" + std::to_string(status->get<int>()) + ")";
  const auto message = seen.outcome.find("message");
  if (message != seen.outcome.end() && message->is_string())
    text += ": " + message->get<std::string>().substr(0, 500);
  return text;
}

std::string WithoutTokens(std::string text, const std::vector<std::string>& tokens) {
  for (const std::string& t : tokens) {
    const std::string shown = RedactAuthorization(t);
    for (auto at = text.find(t); at != std::string::npos; at = text.find(t, at + shown.size()))
      text.replace(at, t.size(), shown);
  }
  return text;
}

void RedactSteps(std::vector<StepReport>& steps, const std::vector<std::string>& tokens) {
  for (StepReport& step : steps) {
    step.action = WithoutTokens(step.action, tokens);
    step.outcome = WithoutTokens(step.outcome, tokens);
    for (auto& f : step.failures) f.text = WithoutTokens(f.text, tokens);
    for (JournalEntry& e : step.entries) {
      for (std::string* field : {&e.target, &e.location, &e.error_message, &e.user_agent})
        *field = WithoutTokens(*field, tokens);
    }
  }
}

}  // namespace mockhub::runner
