// What `mockhub run` and `mockhub validate` print comes from scenario files
// and clients (issue 25, N12): a file name, a step name or a client's output
// holding ESC ] 0 ; ... BEL would retitle the window, ESC [ 2 J clear it.
// Every such byte is shown escaped (\x1b), as hubget shows server text.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "bounded_run.h"
#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario_result.h"
#include "runner_fixture.h"

namespace mockhub {
namespace {

// The runner tests' fixture, for its Write.
using TerminalOutputTest = RunnerTest;

// A name a terminal would obey: OSC "set the title", then "clear the screen".
const std::string kHostile = "\x1b]0;pwned\x07\x1b[2J";
const std::string kShown = "\\x1b]0;pwned\\x07\\x1b[2J";

TEST_F(TerminalOutputTest, RunShowsControlCharactersOfNamesAndClientOutputEscaped) {
  // The client's message is the failure's reason; its stderr is in the details.
  const std::string client = Write("client.sh",
                                   "#!/bin/sh\nprintf 'noise \\033[2J\\n' >&2\n"
                                   "echo '{\"ok\":false,\"error\":\"network\",\"message\":"
                                   "\"\\u001b]0;pwned\\u0007\"}'\n",
                                   true);
  const std::string scenario = Write(
      "s" + kHostile + ".json",
      R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})");
  const testsupport::BoundedRun r =
      testsupport::RunBounded({MOCKHUB_BIN, "run", "--client", client, scenario});
  EXPECT_TRUE(testsupport::ExitedWith(r, 1));
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.Describe();
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.Describe();
  EXPECT_NE(r.out.find("s" + kShown + "  FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected outcome ok, got network: \\x1b]0;pwned\\x07"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("FAIL s" + kShown + ": "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("noise \\x1b[2J\n"), std::string::npos) << "client output, lines kept\n"
                                                               << r.err;
}

TEST_F(TerminalOutputTest, ValidateShowsControlCharactersOfFileNamesEscaped) {
  const std::string good = Write("ok" + kHostile + ".json", R"({"about": {"description": "d"},
      "steps": [{"whoami": {}}]})");
  const std::string bad =
      Write("bad" + kHostile + ".json", R"({"about": {"description": "d"},
      "steps": [{"whoami": {}, "expect": {"outcome": "ok", "nope)" +
                                            std::string("\\u009b") + R"(": 1}}]})");
  const testsupport::BoundedRun r = testsupport::RunBounded({MOCKHUB_BIN, "validate", good, bad});
  EXPECT_TRUE(testsupport::ExitedWith(r, 2));
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.Describe();
  EXPECT_EQ(r.out.find("\xc2\x9b"), std::string::npos) << "a C1 CSI: " << r.Describe();
  EXPECT_NE(r.out.find("ok " + dir_ + "/ok" + kShown + ".json\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("error " + dir_ + "/bad" + kShown + ".json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nope\\u009b"), std::string::npos) << r.out;
}

TEST(TerminalText, KeepsPrintableUtf8AndEscapesTheRestOnce) {
  EXPECT_EQ(TerminalText("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(TerminalText("a\tb\nc\x7f"), "a\\x09b\\x0ac\\x7f");
  EXPECT_EQ(TerminalText("a\nb\r", true), "a\nb\\x0d");
  EXPECT_EQ(TerminalText("\xc2\x9b"
                         "31m"),
            "\\u009b31m");
  EXPECT_EQ(TerminalText("\xff\xc3"), "\\xff\\xc3");
  EXPECT_EQ(TerminalText(TerminalText(kHostile)), kShown);
}

}  // namespace
}  // namespace mockhub
