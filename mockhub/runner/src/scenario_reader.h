// The strict reader of scenario files, split by concern: the primitive and
// client readers (scenario_reader.cc), expectations (scenario_expect.cc),
// steps (scenario_steps.cc) and the reference checks against the scenario's
// own world (scenario_refs.cc). scenario_load.cc assembles a Scenario from
// them. Each reader records the first failure with its JSON pointer and
// returns false, as JsonChecker does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_checker.h"
#include "mockhub/runner/scenario.h"

namespace mockhub::runner {

class ScenarioReader : public JsonChecker {
 public:
  using JsonChecker::JsonChecker;
  using JsonChecker::Uint;

  // A string or an array of strings (a single string is a one-element list,
  // as in huggingface_hub).
  bool Strs(const nlohmann::json& o, const std::string& ptr, const char* key,
            std::vector<std::string>& out);
  // An optional unsigned member.
  bool Uint(const nlohmann::json& o, const std::string& ptr, const char* key,
            std::optional<std::uint64_t>& out);
  bool Type(const nlohmann::json& o, const std::string& ptr, const char* key, RepoType& out);
  bool Token(const nlohmann::json& v, const std::string& ptr, std::vector<TokenSetup>& out);
  // `step`: a `client` step, which may change only the token and env.
  bool Client(const nlohmann::json& c, const std::string& ptr, ClientSetup& out, bool step);
  bool Expect(const nlohmann::json& e, const std::string& ptr, Expectation& out);
  bool ParseStep(const nlohmann::json& s, const std::string& ptr, Step& out);

 private:
  bool Env(const nlohmann::json& env, const std::string& ptr, ClientSetup& out);
  bool Cache(const nlohmann::json& cache, const std::string& ptr, ClientSetup& out);
  bool ExpectFiles(const nlohmann::json& f, const std::string& ptr, Expectation& out);
  bool ExpectCache(const nlohmann::json& c, const std::string& ptr, Expectation& out);
  bool ExpectWire(const nlohmann::json& w, const std::string& ptr, Expectation& out);
  bool WireRequest(const nlohmann::json& r, const std::string& ptr, CountExpectation& out);
  bool StepAction(const nlohmann::json& a, const std::string& ptr, Step& out);
};

// The meaning checks: what a step names must exist where it must.
bool CheckReferences(ScenarioReader& r, Scenario& sc);

}  // namespace mockhub::runner
