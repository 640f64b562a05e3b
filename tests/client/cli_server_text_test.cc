// Server text reaches the terminal escaped: an X-Error-Message with
// ESC ] 0 ; ... BEL (the window title) and ESC [ 2 J (clear the screen) is
// printed as visible \x1b escapes, on stderr and in the --json message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "canned_server.h"
#include "hostile_cli.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::RawResponse;

const std::string kRepo = "org/model";

const std::string kEscapes = "\x1b]0;pwned\x07\x1b[2J";

class CliServerTextTest : public testing::HostileCliTest {
 protected:
  testing::CannedServer hub{
      RawResponse(404, {{"X-Error-Code", "RepoNotFound"},
                        {"X-Error-Message", "Repository " + kEscapes + " not found"}})};
};

TEST_F(CliServerTextTest, EscapeSequencesInAnErrorMessageArePrintedEscaped) {
  const ProcessResult r = Hubget(hub.url(), {"download", kRepo, "f.txt"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Repository \\x1b]0;pwned\\x07\\x1b[2J not found"));
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x07'), std::string::npos) << r.err;
}

TEST_F(CliServerTextTest, EscapeSequencesInAnErrorMessageAreEscapedInJson) {
  const ProcessResult r = Hubget(hub.url(), {"--json", "download", kRepo, "f.txt"});
  const std::string message = LastJson(r).value("message", "");
  EXPECT_THAT(message, HasSubstr("Repository \\x1b]0;pwned\\x07\\x1b[2J not found"));
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_EQ(message.find('\x07'), std::string::npos);
}

}  // namespace
}  // namespace hubget
