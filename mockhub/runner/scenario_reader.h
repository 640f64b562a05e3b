// The strict reader of scenario files, split by concern: the primitive and
// client readers (scenario_reader.cc), expectations (scenario_expect.cc),
// steps (scenario_steps.cc) and the reference checks against the scenario's
// own world (scenario_refs.cc). scenario_load.cc assembles a Scenario from
// them. Within one part a reader records the first failure with its JSON
// pointer and returns false, as JsonChecker does; the independent parts of a
// file (the top-level sections, each fault, each step, each expectation, each
// client setting) are read with Part(), which collects a part's failure and
// goes on, so `mockhub validate` reports every mistake of a file in one run.
#pragma once

#include <exception>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockhub/base/status.h"
#include "mockhub/json/json_checker.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/world/names.h"

namespace mockhub::runner {

class ScenarioReader : public JsonChecker {
 public:
  explicit ScenarioReader(std::string file) : JsonChecker(file), file_(std::move(file)) {}
  using JsonChecker::Uint;

  // Every failure so far, in the order found: the collected parts' first.
  std::vector<LoadError> Errors() const;
  // Reads one independent part with a reader of its own, so that its failure
  // does not hide the next part's: the failure (or an exception, at `ptr`) is
  // collected here and the caller goes on. Returns whether the part read.
  template <typename Read>
  bool Part(const std::string& ptr, Read&& read) {
    ScenarioReader part(file_);
    bool ok = false;
    try {
      ok = read(part);
    } catch (const std::exception& e) {
      part.errors_.push_back(LoadError{file_, ptr, std::string("malformed scenario: ") + e.what()});
    }
    std::vector<LoadError> found = part.Errors();
    errors_.insert(errors_.end(), found.begin(), found.end());
    return ok && found.empty();
  }
  // Collects an error found elsewhere (the world and fault loaders).
  void Add(LoadError e) { errors_.push_back(std::move(e)); }
  // Like JsonChecker::Keys, but every unknown key is an error of its own.
  bool Keys(const nlohmann::json& obj, const std::string& ptr,
            const std::set<std::string>& allowed) override;

  // A string or an array of strings (a single string is a one-element list,
  // as in huggingface_hub).
  bool Strs(const nlohmann::json& o, const std::string& ptr, const char* key,
            std::vector<std::string>& out);
  // An optional unsigned member.
  bool Uint(const nlohmann::json& o, const std::string& ptr, const char* key,
            std::optional<std::uint64_t>& out);
  bool Type(const nlohmann::json& o, const std::string& ptr, const char* key, RepoType& out);
  // Strs() of o[key], then each value checked by `rule` (NamedStr and
  // Name: JsonChecker's).
  bool NamedStrs(const nlohmann::json& o, const std::string& ptr, const char* key, NameRule rule,
                 const char* what, std::vector<std::string>& out);
  bool Token(const nlohmann::json& v, const std::string& ptr, std::vector<TokenSetup>& out);
  // `step`: a `client` step, which may change only the token and env.
  bool Client(const nlohmann::json& c, const std::string& ptr, ClientSetup& out, bool step);
  bool Expect(const nlohmann::json& e, const std::string& ptr, Expectation& out);
  bool ParseStep(const nlohmann::json& s, const std::string& ptr, Step& out);

 private:
  bool Env(const nlohmann::json& env, const std::string& ptr, ClientSetup& out);
  bool EnvVariable(const std::string& name, const nlohmann::json& v, const std::string& ptr,
                   ClientSetup& out);
  bool Cdn(const nlohmann::json& c, const std::string& ptr, ClientSetup& out);
  bool Cache(const nlohmann::json& cache, const std::string& ptr, ClientSetup& out);
  bool Outcome(const nlohmann::json& e, const std::string& ptr, Expectation& out);
  bool Incomplete(const nlohmann::json& c, const std::string& ptr, CacheExpectation& ce);
  bool ExpectFiles(const nlohmann::json& f, const std::string& ptr, Expectation& out);
  bool ExpectCache(const nlohmann::json& c, const std::string& ptr, Expectation& out);
  bool ExpectWire(const nlohmann::json& w, const std::string& ptr, Expectation& out);
  bool StepAction(const std::string& action, const nlohmann::json& a, const std::string& ptr,
                  Step& out);
  bool RepoAndType(const nlohmann::json& a, const std::string& ptr, Step& out);

  std::string file_;
  std::vector<LoadError> errors_;  // the collected parts' failures
};

// The meaning checks: what a cache seed or a step names must exist where it
// must; each seed and step is a part. `branches_move`: some step (parsed or
// not) moves a branch, so what a revision holds at a step is unknown.
bool CheckReferences(ScenarioReader& r, const Scenario& sc, bool branches_move);

}  // namespace mockhub::runner
