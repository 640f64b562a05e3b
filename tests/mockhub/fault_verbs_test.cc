// The verb table (fault_verbs.cc) against what repeats it: scenarios/
// schema.json's "do" properties and the verb table of scenarios/README.md
// (a verb added to one and not the others fails here, as outcomes_test.cc
// does for outcomes); and the "step" verb's parsing and request stage.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mockhub/faults/faults.h"
#include "mockhub/world/hub_change.h"

namespace mockhub {
namespace {

using nlohmann::json;
using Names = std::vector<std::string>;

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(MOCKHUB_SOURCE_DIR) + "/" + relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json Schema() { return json::parse(ReadSource("scenarios/schema.json")); }

Names Sorted(Names v) {
  std::sort(v.begin(), v.end());
  return v;
}

Names Keys(const json& object) {
  Names out;
  for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
  return Sorted(out);
}

// The verbs of the table under "| verb | parameters | effect |" in the
// "Faults" section of scenarios/README.md: the first cell of each row.
Names ReadmeVerbs() {
  std::istringstream in(ReadSource("scenarios/README.md"));
  Names out;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "| verb | parameters | effect |") {
      in_table = true;
      continue;
    }
    if (!in_table || line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| `", 0) != 0) break;
    out.push_back(line.substr(3, line.find('`', 3) - 3));
  }
  return Sorted(out);
}

TEST(FaultVerbVocabulary, SchemaDoPropertiesAreTheVerbTable) {
  EXPECT_EQ(Keys(Schema()["$defs"]["fault"]["properties"]["do"]["properties"]),
            Sorted(FaultSet::Verbs()));
}

TEST(FaultVerbVocabulary, ReadmeVerbTableHasARowForEveryVerbAndNoOther) {
  EXPECT_EQ(ReadmeVerbs(), Sorted(FaultSet::Verbs()));
}

TEST(FaultVerbVocabulary, EveryVerbHasAOneLineDoc) {
  for (const auto& [name, doc] : FaultSet::VerbDocs()) {
    EXPECT_FALSE(doc.empty()) << name;
    EXPECT_EQ(doc.find('\n'), std::string::npos) << name;
  }
}

// The "step" verb takes a hub change as a step writes it: its schema points
// at the steps' own definitions, one per hub change.
TEST(FaultVerbVocabulary, SchemaStepVerbTakesEveryHubChangeAsAStepWritesIt) {
  const json schema = Schema();
  const json& step = schema["$defs"]["fault"]["properties"]["do"]["properties"]["step"];
  EXPECT_EQ(Keys(step["properties"]), Sorted(HubChangeNames()));
  for (const std::string& name : HubChangeNames()) {
    const std::string ref = step["properties"][name].value("$ref", "");
    ASSERT_EQ(ref.rfind("#/", 0), 0u) << name;
    const json target = schema.at(json::json_pointer(ref.substr(1)));
    const std::string parent = ref.substr(0, ref.rfind("/properties/"));
    const json entry = schema.at(json::json_pointer(parent.substr(1)));
    EXPECT_EQ(entry.value("required", json::array()), json::array({name})) << ref;
    EXPECT_FALSE(target.is_null()) << ref;
  }
}

LoadError FaultError(const std::string& text) {
  auto set = FaultSet::FromJson(json::parse(text), "s.json", "/faults");
  EXPECT_FALSE(set.ok()) << text;
  return set.ok() ? LoadError{} : set.error();
}

TEST(FaultStepParseTest, ABadHubChangeNamesItsPointer) {
  EXPECT_EQ(FaultError(R"([{"do": {"step": {}}}])").pointer, "/faults/0/do/step");
  EXPECT_EQ(FaultError(R"([{"do": {"step": {"explode": 1}}}])").pointer,
            "/faults/0/do/step/explode");
  EXPECT_EQ(FaultError(R"([{"do": {"step": {"advance_clock": -1}}}])").pointer,
            "/faults/0/do/step/advance_clock");
  EXPECT_EQ(
      FaultError(R"([{"do": {"step": {"rename": {"repo": "a/b", "to": "a/../c"}}}}])").pointer,
      "/faults/0/do/step/rename/to");
  EXPECT_EQ(
      FaultError(R"([{"do": {"step": {"advance_clock": 1, "revoke_token": "hf_x"}}}])").pointer,
      "/faults/0/do/step");
}

struct NoTransport : FaultInjector {
  void Refuse(bool) override {}
  void Reset() override {}
  bool Stall(std::uint64_t) override { return true; }
  bool Pause(std::uint64_t) override { return true; }
};

TEST(FaultStepPlanTest, StepsAccumulateInFaultOrderAtTheRequestStage) {
  auto set = FaultSet::FromJson(json::parse(R"([
      {"do": {"step": {"advance_clock": 60}}},
      {"do": {"set_headers": {"X-A": "1"}}},
      {"do": {"step": {"expire_token": "hf_alice"}}}])"),
                                "s.json", "/faults");
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  const FaultPlan plan = set.value()->Plan("hub", "GET", "/x");
  HttpRequest req{"GET", "/x", {}, ""};
  NoTransport none;
  std::vector<HubChange> changes;
  ApplyRequestFaults(plan, req, none, changes);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, HubChange::Kind::kAdvanceClock);
  EXPECT_EQ(changes[0].seconds, 60);
  EXPECT_EQ(changes[1].kind, HubChange::Kind::kExpireToken);
  EXPECT_EQ(changes[1].token, "hf_alice");
  EXPECT_EQ(plan.fired, (Names{"fault:step", "fault:set_headers", "fault:step"}));
}

TEST(FaultStepPlanTest, StepChangeIsTheParsedChangeOfAStepFaultOnly) {
  auto step = FaultSet::ParseOne(json::parse(R"({"do": {"step": {"advance_clock": 5}}})"), "s.json",
                                 "/faults/0");
  auto delay =
      FaultSet::ParseOne(json::parse(R"({"do": {"delay": {"ms": 5}}})"), "s.json", "/faults/1");
  ASSERT_TRUE(step.ok() && delay.ok());
  ASSERT_NE(StepChange(step.value()), nullptr);
  EXPECT_EQ(StepChange(step.value())->seconds, 5);
  EXPECT_EQ(StepChange(delay.value()), nullptr);
}

}  // namespace
}  // namespace mockhub
