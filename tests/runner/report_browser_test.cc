// The HTML report in a real browser: headless Chromium (Debian's `chromium`)
// renders the report of a small set with one failing scenario; the test
// reads the DOM Chromium built (lanes, one arrow per journal entry, the
// failure marked, no element out of untrusted text) and keeps a screenshot
// in the build folder for people and CI to look at. Without Chromium the
// test fails and says how to install it: it is never skipped silently.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "markup.h"
#include "report_fixture.h"
#include "temp_dir_test.h"

namespace {

namespace fs = std::filesystem;

// MOCKHUB_CHROMIUM, else chromium or chromium-browser on PATH.
std::string FindChromium() {
  if (const char* named = std::getenv("MOCKHUB_CHROMIUM")) return named;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const std::string candidate = dir + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "";
}

class ReportBrowserTest : public testsupport::TempDirTest {
 protected:
  // Chromium in a container: no sandbox, no GPU, a profile and HOME of its
  // own (it writes both), a small /dev/shm tolerated; bounded in time.
  testsupport::BoundedRun Chromium(const std::string& chromium,
                                   const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "HOME=" + dir_ + "/home",
                                     chromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-dev-shm-usage",
                                     "--no-first-run",
                                     "--user-data-dir=" + dir_ + "/profile"};
    argv.insert(argv.end(), args.begin(), args.end());
    testsupport::BoundedRunOptions options = reporttest::Unbounded();  // V8 reserves a lot
    options.timeout = std::chrono::seconds(90);
    return testsupport::RunBounded(argv, options);
  }
};

TEST_F(ReportBrowserTest, ChromiumRendersTheDiagramAndTheFailure) {
  const std::string chromium = FindChromium();
  ASSERT_FALSE(chromium.empty())
      << "chromium is not installed: this test renders the HTML report in it. Install it with "
         "`apt-get install chromium` (./quickstart.sh deps does), or name a binary with "
         "MOCKHUB_CHROMIUM.";
  const std::string html = std::string(MOCKHUB_ARTIFACT_DIR) + "/report.html";
  const std::string png = std::string(MOCKHUB_ARTIFACT_DIR) + "/report.png";
  fs::remove(png);
  const auto report = reporttest::RunReportSet(dir_, html);
  ASSERT_TRUE(testsupport::ExitedWith(report.run, 1));

  const auto dom = Chromium(chromium, {"--dump-dom", "file://" + html});
  ASSERT_TRUE(testsupport::ExitedWith(dom, 0));
  const markup::Document doc = markup::Parse(dom.out, true);
  ASSERT_EQ(doc.error, "") << dom.out.substr(0, 4000);
  reporttest::ExpectReportOfTheSet(*doc.root);

  const auto shot =
      Chromium(chromium, {"--screenshot=" + png, "--window-size=1400,1000", "file://" + html});
  ASSERT_TRUE(testsupport::ExitedWith(shot, 0));
  const std::string image = reporttest::ReadFile(png);
  ASSERT_GT(image.size(), 10000u) << png;
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  std::printf("report: %s\nscreenshot: %s\n", html.c_str(), png.c_str());
}

}  // namespace
