// `mockhub run --html` as a process, read as written (no browser): the page
// is well-formed, self-contained, escapes what scenarios and clients wrote,
// draws one arrow per journal entry, marks each failure beside its requests,
// and reaches its name only whole. report_browser_test.cc renders it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "markup.h"
#include "report_fixture.h"
#include "temp_dir_test.h"

namespace {

namespace fs = std::filesystem;

class HtmlReportTest : public testsupport::TempDirTest {
 protected:
};

TEST_F(HtmlReportTest, ThePageShowsEveryRequestAndEachFailureBesideIt) {
  const auto r = reporttest::RunReportSet(dir_, dir_ + "/report.html");
  ASSERT_TRUE(testsupport::ExitedWith(r.run, 1));
  const std::string html = reporttest::ReadFile(r.html);
  const markup::Document doc = markup::Parse(html, true);
  ASSERT_EQ(doc.error, "") << html.substr(0, 2000);
  reporttest::ExpectReportOfTheSet(*doc.root);
  EXPECT_EQ(html.find(reporttest::kToken), std::string::npos) << "a whole token in the file";
}

TEST_F(HtmlReportTest, ThePageLoadsNothingFromElsewhere) {
  const auto r = reporttest::RunReportSet(dir_, dir_ + "/report.html");
  ASSERT_TRUE(testsupport::ExitedWith(r.run, 1));
  const std::string html = reporttest::ReadFile(r.html);
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  // The journal's URLs appear, escaped, as text; nothing is fetched.
  for (const char* fetch : {"<link", "<script", "<img", "<iframe", "url(", "@import"})
    EXPECT_EQ(html.find(fetch), std::string::npos) << fetch;
  const auto doc = markup::Parse(html, true);
  ASSERT_EQ(doc.error, "");
  // Links only within the page (#sc0, #sc0-s0-e3); no src at all.
  auto loaders = doc.root->FindAll([](const markup::Element& e) {
    return e.Has("src") || (e.Has("href") && e.Attr("href").rfind('#', 0) != 0);
  });
  EXPECT_TRUE(loaders.empty()) << loaders.size() << " element(s) load something";
}

TEST_F(HtmlReportTest, TheReportIsWrittenWholeOrNotAtAll) {
  const auto r = reporttest::RunReportSet(dir_, dir_ + "/report.html");
  ASSERT_TRUE(testsupport::ExitedWith(r.run, 1));
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos)
        << "left behind: " << e.path();
  }
  // A folder that does not exist: an error naming the file, exit 1, no crash.
  const auto bad = reporttest::RunReportSet(dir_ + "/again", dir_ + "/missing/report.html");
  EXPECT_TRUE(testsupport::ExitedWith(bad.run, 1));
  EXPECT_NE(bad.run.err.find(dir_ + "/missing/report.html"), std::string::npos) << bad.run.err;
  EXPECT_FALSE(fs::exists(dir_ + "/missing"));
}

}  // namespace
