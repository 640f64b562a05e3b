// The outcome vocabulary is defined once (mockhub/runner/outcomes.h); these
// tests keep everything that repeats it in step: hubget's error kinds (the
// reference client must not emit a kind `mockhub validate` refuses), the
// schema's enum, the table in scenarios/README.md, and the loader. The site
// names in the schema are checked against the mock's list the same way.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hubget/result.h"
#include "mockhub/runner/outcomes.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/sites/site.h"
#include "source_text.h"

namespace {

using nlohmann::json;

using mockhub::testsupport::ReadSource;

json Schema() { return json::parse(ReadSource("scenarios/schema.json")); }

std::vector<std::string> Strings(const json& array) {
  return array.get<std::vector<std::string>>();
}

TEST(OutcomeVocabulary, ContainsEveryKindHubgetCanEmit) {
  std::vector<std::string> missing;
  for (int k = 0; k <= static_cast<int>(hubget::Kind::kIo); ++k) {
    const std::string name = hubget::KindName(static_cast<hubget::Kind>(k));
    if (!mockhub::IsOutcome(name)) missing.push_back(name);
  }
  EXPECT_THAT(missing, ::testing::IsEmpty()) << "kinds hubget emits that the runner refuses";
}

TEST(OutcomeVocabulary, HttpErrorIsAnOutcome) {
  EXPECT_TRUE(mockhub::IsOutcome("http_error"));
  EXPECT_TRUE(mockhub::IsOutcome("ok"));
  EXPECT_FALSE(mockhub::IsOutcome("unauthorized"));
}

TEST(OutcomeVocabulary, SchemaEnumIsTheRunnersList) {
  const json schema = Schema();
  EXPECT_EQ(Strings(schema["$defs"]["expect"]["properties"]["outcome"]["enum"]),
            mockhub::OutcomeNames());
}

TEST(OutcomeVocabulary, ReadmeTableListsEveryKindWithItsMeaning) {
  const std::string readme = ReadSource("scenarios/README.md");
  ASSERT_FALSE(readme.empty());
  for (const auto& k : mockhub::ErrorKinds()) {
    const std::string row = "| `" + std::string(k.name) + "` | " + std::string(k.meaning) + " |";
    EXPECT_NE(readme.find(row), std::string::npos) << "scenarios/README.md lacks the row " << row;
  }
}

TEST(SiteVocabulary, SchemaServerEnumsAreTheMocksSites) {
  const json schema = Schema();
  const json& requests = schema["$defs"]["expect"]["properties"]["wire"]["properties"]["requests"];
  EXPECT_EQ(Strings(requests["items"]["properties"]["server"]["enum"]), mockhub::SiteNames());
  std::vector<std::string> fault_sites = mockhub::SiteNames();
  fault_sites.push_back("any");
  EXPECT_EQ(Strings(schema["$defs"]["fault"]["properties"]["server"]["enum"]), fault_sites);
}

class ScenarioOutcome : public ::testing::Test {
 protected:
  // A one-step scenario on the demo world whose download expects `outcome`.
  mockhub::Loaded<mockhub::Scenario> Load(const std::string& outcome) {
    const json doc = {
        {"about", {{"description", "outcome vocabulary"}}},
        {"steps",
         {{{"download", {{"repo", "InvokeAI/clip-vit-large-patch14"}, {"files", {"config.json"}}}},
           {"expect", {{"outcome", outcome}}}}}}};
    path_ = ::testing::TempDir() + "outcome-" + outcome + ".json";
    std::ofstream(path_) << doc.dump();
    return mockhub::LoadScenario(path_);
  }
  std::string path_;
};

TEST_F(ScenarioOutcome, ValidateAcceptsHttpError) {
  auto sc = Load("http_error");
  ASSERT_TRUE(sc.ok()) << sc.error().ToString();
  ASSERT_TRUE(sc->steps[0].expect->outcome.has_value());
  EXPECT_EQ(*sc->steps[0].expect->outcome, "http_error");
}

TEST_F(ScenarioOutcome, ValidateRefusesAnUnknownKindWithItsPointer) {
  auto sc = Load("unauthorized");
  ASSERT_FALSE(sc.ok());
  EXPECT_EQ(sc.error().pointer, "/steps/0/expect/outcome");
  EXPECT_THAT(sc.error().reason, ::testing::HasSubstr("unknown outcome \"unauthorized\""));
}

TEST_F(ScenarioOutcome, WireRequestsRefuseAnUnknownSiteNamingTheSites) {
  const json doc = {
      {"about", {{"description", "site names"}}},
      {"steps",
       {{{"whoami", json::object()},
         {"expect", {{"wire", {{"requests", {{{"server", "proxy"}, {"count", 0}}}}}}}}}}}};
  path_ = ::testing::TempDir() + "site-name.json";
  std::ofstream(path_) << doc.dump();
  auto sc = mockhub::LoadScenario(path_);
  ASSERT_FALSE(sc.ok());
  EXPECT_EQ(sc.error().pointer, "/steps/0/expect/wire/requests/0/server");
  EXPECT_THAT(sc.error().reason, ::testing::HasSubstr(mockhub::QuotedSiteNames()));
}

}  // namespace
