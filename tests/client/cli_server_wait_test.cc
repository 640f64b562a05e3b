// Waits a server asks for are capped: a Retry-After of a day or a RateLimit
// reset of 31 years, on the body GET or on the HEAD, ends the retries at
// once (hubget used to sleep a day on the GET) and the error says how long
// the server asked for. Asserted on the outcome and the request count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "canned_server.h"
#include "hostile_cli.h"

namespace hubget {
namespace {

using testing::FileHeaders;
using ::testing::HasSubstr;
using testing::MethodOf;
using testing::ProcessResult;
using testing::RawResponse;

const std::string kRepo = "org/model";

struct WaitCase {
  std::string name;
  bool on_head;  // else on the body GET
  int status;
  testing::RawHeaders headers;
  std::string wait;  // the seconds the message reports
};
void PrintTo(const WaitCase& c, std::ostream* os) { *os << c.name; }

class CliServerWaitTest : public testing::HostileCliTest,
                          public ::testing::WithParamInterface<WaitCase> {};

// A wait longer than hubget's cap is not slept: hubget gives up at once and
// says how long the server asked for. Two retries allowed, none used.
TEST_P(CliServerWaitTest, WaitLongerThanTheCapGivesUpAtOnceNamingIt) {
  const WaitCase& c = GetParam();
  testing::CannedServer hub([&c](const std::string& request) {
    if (!c.on_head && MethodOf(request) == "HEAD") return RawResponse(200, FileHeaders("hello"));
    return RawResponse(c.status, c.headers);
  });
  const ProcessResult r =
      Hubget(hub.url(), {"--json", "download", kRepo, "f.txt"}, {{"HUBGET_MAX_RETRIES", "2"}});
  EXPECT_EQ(hub.served(), c.on_head ? 1 : 2);
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  const auto j = LastJson(r);
  EXPECT_EQ(j.value("status", 0), c.status);
  EXPECT_THAT(j.value("message", ""), HasSubstr("asked to wait " + c.wait + " s"));
}

INSTANTIATE_TEST_SUITE_P(
    Waits, CliServerWaitTest,
    ::testing::Values(
        WaitCase{"RetryAfterOnTheGet", false, 503, {{"Retry-After", "86400"}}, "86400"},
        WaitCase{"RateLimitOnTheGet",
                 false,
                 429,
                 {{"RateLimit", "\"resolvers\";r=0;t=999999999"}},
                 "999999999"},
        WaitCase{"RetryAfterOnTheHead", true, 503, {{"Retry-After", "86400"}}, "86400"}),
    [](const ::testing::TestParamInfo<WaitCase>& p) { return p.param.name; });

}  // namespace
}  // namespace hubget
