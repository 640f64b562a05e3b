// `mockhub validate` reports every mistake of a scenario file in one run:
// one error per independent part (a section, a fault, a step, an
// expectation, a client setting), each naming the file and the JSON pointer,
// while the loader still refuses the file and `mockhub run` still names the
// first.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bounded_run.h"
#include "mockhub/runner/scenario.h"
#include "temp_dir_test.h"

namespace mockhub {
namespace {

namespace fs = std::filesystem;

class ScenarioErrorsTest : public testsupport::TempDirTest {
 protected:
  std::string Write(const std::string& text) {
    const std::string path = dir_ + "/case.json";
    std::ofstream(path) << text;
    return path;
  }
  // The errors' pointers, in the order reported.
  std::vector<std::string> Pointers(const std::string& text) {
    std::vector<std::string> out;
    for (const LoadError& e : ScenarioErrors(Write(text))) {
      EXPECT_EQ(e.file, dir_ + "/case.json");
      out.push_back(e.pointer);
    }
    return out;
  }
};

using Ptrs = std::vector<std::string>;

// A bad "about", a bad fault and a bad expectation: three sections.
const char* kThreeMistakes = R"({"about": {"description": 7},
  "faults": [{"do": {"explode": {}}}],
  "steps": [{"whoami": {}, "expect": {"outcome": "kaput"}}]})";

TEST_F(ScenarioErrorsTest, ThreeIndependentMistakesAreThreeErrors) {
  EXPECT_EQ(Pointers(kThreeMistakes),
            (Ptrs{"/about/description", "/faults/0/do/explode", "/steps/0/expect/outcome"}));
}

TEST_F(ScenarioErrorsTest, EachFaultIsReportedAtItsOwnPointer) {
  EXPECT_EQ(Pointers(R"({"about": {"description": "d"},
    "faults": [{"do": {"delay": {"ms": 1}}}, {"when": {"only": [0]}, "do": {"ignore_range": {}}},
               {"do": {"delay": {"ms": 1}, "ignore_range": {}}}],
    "steps": [{"whoami": {}}]})"),
            (Ptrs{"/faults/1/when/only/0", "/faults/2/do"}));
}

TEST_F(ScenarioErrorsTest, EachClientSettingAndEachUnknownKeyIsItsOwnError) {
  EXPECT_EQ(Pointers(R"({"about": {"description": "d"}, "hubb": {}, "faultz": [],
    "client": {"token": {"source": "keychain"}, "env": {"LD_PRELOAD": "x", "HF_X": "/etc"},
               "tls": "yes", "cdn": "akamai", "cache": [{"repo": 1, "path": "a"}]},
    "steps": [{"whoami": {}}]})"),
            (Ptrs{"/faultz", "/hubb", "/client/token/source", "/client/env/HF_X",
                  "/client/env/LD_PRELOAD", "/client/tls", "/client/cdn", "/client/cache/0/repo"}));
}

TEST_F(ScenarioErrorsTest, EachStepAndEachExpectationOfAStep) {
  EXPECT_EQ(Pointers(R"({"about": {"description": "d"},
    "steps": [{"bogus": {}},
              {"whoami": {}, "expect": {"outcome": "kaput", "files": [], "wire": {"tokn": true}}},
              {"advance_clock": -1}]})"),
            (Ptrs{"/steps/0/bogus", "/steps/1/expect/outcome", "/steps/1/expect/files",
                  "/steps/1/expect/wire/tokn", "/steps/2/advance_clock"}));
}

// The meaning checks run over the steps that did read, beside their errors.
TEST_F(ScenarioErrorsTest, ReferenceChecksStillRunBesideSchemaErrors) {
  EXPECT_EQ(Pointers(R"({"about": {"description": "d"},
    "steps": [{"whoami": {}, "expect": {"outcome": "kaput"}},
              {"download": {"repo": "nope/nope"}, "expect": {"outcome": "ok"}},
              {"revoke_token": "hf_nobody"}]})"),
            (Ptrs{"/steps/0/expect/outcome", "/steps/1/download/repo", "/steps/2"}));
}

TEST_F(ScenarioErrorsTest, AValidFileHasNoErrorAndABrokenOneOnlyItsParseError) {
  EXPECT_TRUE(ScenarioErrors(Write(R"({"about": {"description": "d"}, "steps": [{"whoami": {}}]})"))
                  .empty());
  EXPECT_EQ(ScenarioErrors(Write(R"({"about": {"descr)")).size(), 1U);
}

TEST_F(ScenarioErrorsTest, TheLoaderRefusesTheFileWithTheFirstError) {
  auto sc = LoadScenario(Write(kThreeMistakes));
  ASSERT_FALSE(sc.ok());
  EXPECT_EQ(sc.error().pointer, "/about/description");
}

TEST_F(ScenarioErrorsTest, ValidatePrintsALineForEachAndExitsTwo) {
  const std::string path = Write(kThreeMistakes);
  const testsupport::BoundedRun v = testsupport::RunBounded({MOCKHUB_BIN, "validate", path});
  EXPECT_TRUE(testsupport::ExitedWith(v, 2));
  for (const char* line :
       {": /about/description: must be a string\n", ": /faults/0/do/explode: unknown fault verb",
        ": /steps/0/expect/outcome: unknown outcome \"kaput\""}) {
    EXPECT_NE(v.out.find("error " + path + line), std::string::npos) << line << " in:\n" << v.out;
  }
  const testsupport::BoundedRun r =
      testsupport::RunBounded({MOCKHUB_BIN, "run", "--client", "/bin/false", path});
  EXPECT_TRUE(testsupport::ExitedWith(r, 2));
  EXPECT_NE(r.err.find(path + ": /about/description: must be a string"), std::string::npos)
      << r.err;
}

// "symptom" (what the user saw, for the library's index) is optional, and a
// string when given.
TEST_F(ScenarioErrorsTest, SymptomIsAnOptionalString) {
  const std::string ok = Write(R"({"about": {"description": "d", "symptom": "401 on a public repo"},
    "steps": [{"whoami": {}}]})");
  auto sc = LoadScenario(ok);
  ASSERT_TRUE(sc) << sc.error().ToString();
  EXPECT_EQ(sc->symptom, "401 on a public repo");
  EXPECT_EQ(Pointers(R"({"about": {"description": "d", "symptom": 4}, "steps": [{"whoami": {}}]})"),
            (Ptrs{"/about/symptom"}));
}

}  // namespace
}  // namespace mockhub
