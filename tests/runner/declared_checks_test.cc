// An adapter's expected_failures name checks, or globs over them, that
// exist: a typo would otherwise waive nothing and pass unnoticed until the
// scenario it was meant for fails. The load error names the adapter file and
// the JSON pointer of the bad name; the shipped adapters all load.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "check_names.h"
#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario_result.h"
#include "temp_dir_test.h"

namespace mockhub {
namespace {

using ::testing::HasSubstr;

class DeclaredChecksTest : public testsupport::TempDirTest {
 protected:
  Loaded<Adapter> Load(const std::string& check) {
    path_ = dir_ + "/x.adapter.json";
    std::ofstream(path_) << R"({"command": ["x"], "expected_failures": [
        {"scenarios": "s01-*", "check": "outcome", "reason": "r"},
        {"scenarios": "s02-*", "check": )"
                         << check << R"(, "reason": "r"}]})";
    return LoadAdapter(path_);
  }
  std::string path_;
};

TEST_F(DeclaredChecksTest, AnUnknownCheckIsALoadErrorWithTheFileAndPointer) {
  auto a = Load(R"("wire.token_to_cnd")");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().file, path_);
  EXPECT_EQ(a.error().pointer, "/expected_failures/1/check");
  EXPECT_THAT(a.error().reason, HasSubstr("unknown check \"wire.token_to_cnd\""));
  EXPECT_THAT(a.error().reason, HasSubstr("wire.token_to_cdn")) << "the message lists the checks";
}

TEST_F(DeclaredChecksTest, AnUnknownCheckInAListIsPointedAtByItsIndex) {
  auto a = Load(R"(["outcome", "cache.blob"])");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().pointer, "/expected_failures/1/check/1");
  EXPECT_THAT(a.error().reason, HasSubstr("unknown check \"cache.blob\""));
}

TEST_F(DeclaredChecksTest, AGlobThatMatchesNoCheckIsALoadError) {
  auto a = Load(R"("wire.token_to_proxy*")");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().pointer, "/expected_failures/1/check");
  EXPECT_THAT(a.error().reason, HasSubstr("the glob \"wire.token_to_proxy*\" matches no check"));
}

TEST_F(DeclaredChecksTest, GlobsThatMatchSomeCheckStillWork) {
  for (const char* glob : {R"("*")", R"("cache.*")", R"("wire.*token*")", R"("wire.ranges")",
                           R"(["client", "env", "mock", "message", "files"])"}) {
    auto a = Load(glob);
    ASSERT_TRUE(a.ok()) << glob << ": " << a.error().ToString();
    EXPECT_GE(a->expected_failures.size(), 2u);
  }
}

TEST_F(DeclaredChecksTest, TheJournalBoundCannotBeDeclaredAway) {
  auto a = Load(R"("journal.dropped")");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().pointer, "/expected_failures/1/check");
  EXPECT_THAT(a.error().reason, HasSubstr("journal.dropped cannot be declared"));
}

TEST(ShippedAdapters, EveryDeclaredCheckNamesACheck) {
  for (const char* file :
       {"scenarios/adapters/curl.adapter.json", "scenarios/adapters/hfjs.adapter.json",
        "examples/requests_downloader/requests.adapter.json"}) {
    auto a = LoadAdapter(std::string(MOCKHUB_SOURCE_DIR) + "/" + file);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    EXPECT_FALSE(a->expected_failures.empty()) << file;
  }
}

TEST(DeclarableChecks, EachNamesItselfAndNothingElse) {
  for (const std::string& name : runner::DeclarableChecks())
    EXPECT_TRUE(runner::CheckDeclarable(name).ok()) << name;
  EXPECT_FALSE(runner::CheckDeclarable("outcomes").ok());
  EXPECT_FALSE(runner::CheckDeclarable("wire").ok()) << "a section is no check; wire.* is";
}

}  // namespace
}  // namespace mockhub
