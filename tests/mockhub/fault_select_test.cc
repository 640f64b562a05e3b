// Fault selection beyond site, method and path, without sockets: request
// headers (a glob on the value, or absence), run scopes with attempts
// counted per run, the refuse verb's parsing, and the live set's ids and
// counters (attempts counted from when a fault is added).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mockhub/faults/faults.h"

namespace mockhub {
namespace {

using nlohmann::json;

std::shared_ptr<FaultSet> Faults(const std::string& text) {
  auto set = FaultSet::FromJson(json::parse(text), "s.json", "/faults");
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().ToString());
  return set.ok() ? set.value() : std::make_shared<FaultSet>();
}

std::string ErrorPointer(const std::string& text) {
  auto set = FaultSet::FromJson(json::parse(text), "s.json", "/faults");
  EXPECT_FALSE(set.ok()) << text;
  return set.ok() ? "" : set.error().pointer;
}

// The injector as the verbs see it, recording what they asked for.
struct Recorder : FaultInjector {
  std::vector<std::string> calls;
  void Refuse(bool reset) override { calls.push_back(reset ? "refuse:reset" : "refuse:close"); }
  void Reset() override { calls.push_back("reset"); }
  bool Stall(std::uint64_t) override { return true; }
  bool Pause(std::uint64_t) override { return true; }
};

// Whether the plan refuses the connection, and how.
std::vector<std::string> Refused(const FaultPlan& plan) {
  Recorder rec;
  ApplyConnectionFaults(plan, rec);
  return rec.calls;
}

bool Fires(FaultSet& f, const HeaderList& headers, const std::string& method = "GET") {
  return !f.Plan("cdn", method, "/x", headers).empty();
}

TEST(FaultHeaderSelectTest, GlobOnThePresentValue) {
  auto f = Faults(R"([{"headers": {"Range": "bytes=*"}, "do": {"ignore_range": {}}}])");
  EXPECT_TRUE(Fires(*f, {{"Range", "bytes=10-"}}));
  EXPECT_TRUE(Fires(*f, {{"range", "bytes=0-0"}})) << "header names are case-insensitive";
  EXPECT_FALSE(Fires(*f, {{"Range", "items=1-2"}}));
  EXPECT_FALSE(Fires(*f, {}));
}

TEST(FaultHeaderSelectTest, StarMeansPresentAndNullMeansAbsent) {
  auto present = Faults(R"([{"headers": {"Range": "*"}, "do": {"ignore_range": {}}}])");
  auto absent = Faults(R"([{"headers": {"Range": null}, "do": {"ignore_range": {}}}])");
  EXPECT_TRUE(Fires(*present, {{"Range", ""}}));
  EXPECT_FALSE(Fires(*present, {{"Accept", "*/*"}}));
  EXPECT_FALSE(Fires(*absent, {{"Range", "bytes=0-"}}));
  EXPECT_TRUE(Fires(*absent, {{"Accept", "*/*"}}));
}

TEST(FaultHeaderSelectTest, EverySelectorMustHoldAndOnlySelectedRequestsCountAttempts) {
  auto f = Faults(R"([{"headers": {"Range": "*", "If-Range": null}, "when": {"only": [2]},
                       "do": {"status": {"code": 503}}}])");
  EXPECT_FALSE(Fires(*f, {{"Range", "bytes=1-"}, {"If-Range", "\"e\""}}));  // not an attempt
  EXPECT_FALSE(Fires(*f, {{"Range", "bytes=1-"}}));                         // attempt 1
  EXPECT_TRUE(Fires(*f, {{"Range", "bytes=2-"}}));                          // attempt 2
  EXPECT_EQ(f->List().at(0).attempts, 2u);
  EXPECT_EQ(f->List().at(0).fired, 1u);
}

TEST(FaultRunScopeTest, FiresOnlyInItsRunsAndCountsAttemptsPerRun) {
  auto f = Faults(R"([{"runs": [1, 3], "when": {"first": 1}, "do": {"status": {"code": 503}}}])");
  EXPECT_FALSE(Fires(*f, {})) << "outside any run (run 0), a run-scoped fault is inert";
  std::string seen;
  for (std::uint64_t run = 1; run <= 3; ++run) {
    f->BeginRun(run);
    for (int i = 0; i < 2; ++i) seen += Fires(*f, {}) ? 'F' : '.';
    seen += '|';
  }
  EXPECT_EQ(seen, "F.|..|F.|") << "the first attempt of runs 1 and 3";
}

TEST(FaultRunScopeTest, UnscopedFaultsCountOverTheWholeScenario) {
  auto f = Faults(R"([{"when": {"first": 1}, "do": {"status": {"code": 503}}}])");
  f->BeginRun(1);
  EXPECT_TRUE(Fires(*f, {}));
  f->BeginRun(2);
  EXPECT_FALSE(Fires(*f, {}));
}

TEST(FaultParseTest, NewKeysAndTheRefuseVerbNameTheirPointer) {
  EXPECT_EQ(ErrorPointer(R"([{"headers": {"Range": 1}, "do": {"refuse": {}}}])"),
            "/faults/0/headers/Range");
  EXPECT_EQ(ErrorPointer(R"([{"headers": {"Bad Name": "*"}, "do": {"refuse": {}}}])"),
            "/faults/0/headers/Bad Name");
  EXPECT_EQ(ErrorPointer(R"([{"headers": {}, "do": {"refuse": {}}}])"), "/faults/0/headers");
  EXPECT_EQ(ErrorPointer(R"([{"runs": [1, 0], "do": {"refuse": {}}}])"), "/faults/0/runs/1");
  EXPECT_EQ(ErrorPointer(R"([{"runs": [], "do": {"refuse": {}}}])"), "/faults/0/runs");
  EXPECT_EQ(ErrorPointer(R"([{"do": {"refuse": {"mode": "slam"}}}])"), "/faults/0/do/refuse/mode");
  EXPECT_EQ(ErrorPointer(R"([{"do": {"refuse": {"after": 1}}}])"), "/faults/0/do/refuse/after");
}

TEST(FaultRefuseTest, DefaultsToAResetAndTheFirstRefuseWins) {
  FaultPlan plan = Faults(R"([{"do": {"refuse": {"mode": "close"}}}, {"do": {"refuse": {}}},
                              {"do": {"delay": {"ms": 5}}}])")
                       ->Plan("hub", "GET", "/x");
  EXPECT_EQ(Refused(plan), std::vector<std::string>{"refuse:close"});
  EXPECT_EQ(Refused(Faults(R"([{"do": {"refuse": {}}}])")->Plan("hub", "GET", "/x")),
            std::vector<std::string>{"refuse:reset"});
}

TEST(FaultVerbDocsTest, RefuseIsInTheVerbTable) {
  bool found = false;
  for (const auto& [name, doc] : FaultSet::VerbDocs()) found = found || name == "refuse";
  EXPECT_TRUE(found);
}

TEST(LiveFaultSetTest, AddedFaultsGetFreshIdsAndCountFromTheirAddition) {
  auto set = Faults(R"([{"do": {"ignore_range": {}}}])");
  set->Plan("hub", "GET", "/x");
  set->Plan("hub", "GET", "/x");
  auto more = FaultSet::Parse(json::parse(R"([{"when": {"first": 1}, "do": {"refuse": {}}}])"),
                              "<body>", "");
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(set->Add(std::move(more.value())).value_or(std::vector<std::string>{}),
            std::vector<std::string>{"f2"});
  EXPECT_FALSE(Refused(set->Plan("hub", "GET", "/x")).empty())
      << "attempt 1 of f2, though the third request";
  EXPECT_TRUE(Refused(set->Plan("hub", "GET", "/x")).empty());
  const auto listed = set->List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, "f1");
  EXPECT_EQ(listed[0].attempts, 4u);
  EXPECT_EQ(listed[1].attempts, 2u);
  EXPECT_EQ(json::parse(listed[1].source),
            json::parse(R"({"when": {"first": 1}, "do": {"refuse": {}}})"));
  EXPECT_TRUE(set->Remove("f1"));
  EXPECT_FALSE(set->Remove("f1"));
  set->Clear();
  EXPECT_EQ(set->size(), 0u);
  auto again = FaultSet::Parse(json::parse(R"([{"do": {"refuse": {}}}])"), "<body>", "");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(set->Add(std::move(again.value())).value_or(std::vector<std::string>{}),
            std::vector<std::string>{"f3"})
      << "ids are never reused";
}

}  // namespace
}  // namespace mockhub
