// Waits a server asks for are capped: a Retry-After of a day or a RateLimit
// reset of 31 years, on the body GET or on the HEAD, ends the retries at
// once (hubget used to sleep a day on the GET) and the error says how long
// the server asked for. Asserted on the outcome and the request count.
// A wait under the cap is said ("retrying in 30 s", the status and the
// host) and Ctrl-C (SIGINT to the process) ends it at once: exit 130 and,
// on the body GET, the kept bytes said (hubget used to sleep through it
// without a word, then exit 6).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "canned_server.h"
#include "hostile_cli.h"
#include "wait_for.h"

namespace hubget {
namespace {

using testing::FileHeaders;
using ::testing::HasSubstr;
using testing::MethodOf;
using ::testing::Not;
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

// How soon Ctrl-C must end hubget in a retry wait: the point of the test, so
// a bound of its own (the waits it interrupts last 30 s).
constexpr std::chrono::seconds kInterruptBound{2};

// hubget as a child in a retry wait of 30 s, to be interrupted.
class CliRetryWaitTest : public testing::HostileCliTest {
 protected:
  // Starts `hubget args` against `endpoint` with two retries allowed and
  // waits until its stderr says it waits; false (and a failure) if it never does.
  ::testing::AssertionResult StartAndAwaitTheWait(const std::string& endpoint,
                                                  std::vector<std::string> args,
                                                  const testing::Env& extra = {}) {
    testing::Env env = BaseEnv(endpoint);
    env["HUBGET_MAX_RETRIES"] = "2";
    for (const auto& [k, v] : extra) env[k] = v;
    args.insert(args.begin(), HUBGET_BINARY);
    child = std::make_unique<testing::Child>(args, env, dir.path() + "/scratch");
    if (!child->started()) return ::testing::AssertionFailure() << "hubget did not start";
    return testsupport::WaitFor(
        [&] {
          return testing::ReadFile(child->err_path()).find("retrying in") != std::string::npos;
        },
        "hubget to say it waits");
  }
  // Ctrl-C now; the result once hubget exits, which must take under 2 s.
  ProcessResult Interrupt() {
    ProcessResult r;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(child->Signal(SIGINT));
    EXPECT_TRUE(child->Wait(kInterruptBound, &r)) << "Ctrl-C did not end the wait";
    EXPECT_LT(std::chrono::steady_clock::now() - start, kInterruptBound);
    return r;
  }
  std::unique_ptr<testing::Child> child;
};

// The body GET: 5 of 10 bytes, then the resume is answered 503 with
// Retry-After: 30. In a CI log (stderr a file) the wait is a plain line.
TEST_F(CliRetryWaitTest, CtrlCInAServerWaitOnTheGetEndsAtOnceAndSaysWhatWasKept) {
  std::atomic<int> gets{0};
  testing::CannedServer hub([&gets](const std::string& request) {
    if (MethodOf(request) == "HEAD") return RawResponse(200, FileHeaders("0123456789"));
    if (gets++ == 0) return RawResponse(200, {{"Content-Length", "10"}}, "01234");  // cut short
    return RawResponse(503, {{"Retry-After", "30"}});
  });
  // Ctrl-C even when the line never came: the wait must end either way.
  EXPECT_TRUE(StartAndAwaitTheWait(hub.url(), {"download", kRepo, "f.txt"},
                                   {{"HF_HUB_DISABLE_PROGRESS_BARS", "0"}}))
      << testing::ReadFile(child->err_path());
  const ProcessResult r = Interrupt();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_THAT(r.err, HasSubstr("hubget: retrying in 30 s (HTTP 503 from 127.0.0.1:" +
                               std::to_string(hub.port()) + ", which asked for the wait)\n"));
  EXPECT_EQ(r.err.find("retrying in"), r.err.rfind("retrying in")) << "said twice:\n" << r.err;
  EXPECT_THAT(r.err, HasSubstr("hubget: cancelled: download of f.txt, while waiting to retry "
                               "(HTTP 503"));
  EXPECT_THAT(r.err, Not(HasSubstr("cancelled: cancelled"))) << "the kind said twice";
  EXPECT_THAT(r.err, HasSubstr("hubget: kept 5B of 'f.txt' (50%) in .incomplete files; run the "
                               "same command again to resume from there"));
  EXPECT_EQ(gets.load(), 2);
  bool partial = false;
  for (const auto& f : FilesUnder(Cache())) {
    partial |= f.size() > 11 && f.compare(f.size() - 11, 11, ".incomplete") == 0;
  }
  EXPECT_TRUE(partial) << "the 5 bytes are not kept";
}

// The HEAD, with --json (no progress shown): the wait is still said on
// stderr, Ctrl-C ends it, the JSON says cancelled.
TEST_F(CliRetryWaitTest, CtrlCInAServerWaitOnTheHeadEndsAtOnce) {
  testing::CannedServer hub(RawResponse(503, {{"Retry-After", "30"}}));
  EXPECT_TRUE(StartAndAwaitTheWait(hub.url(), {"--json", "download", kRepo, "f.txt"}))
      << testing::ReadFile(child->err_path());
  const ProcessResult r = Interrupt();
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("hubget: retrying in 30 s (HTTP 503 from 127.0.0.1:" +
                               std::to_string(hub.port()) + ", which asked for the wait)\n"));
  EXPECT_EQ(LastJson(r).value("error", ""), "cancelled");
  EXPECT_EQ(hub.served(), 1);
}

}  // namespace
}  // namespace hubget
