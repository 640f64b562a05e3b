// A small scenario set for the HTML report tests, run through `mockhub run`
// with a stand-in client (curl in a shell script) whose requests are known
// one by one, so a test can tell how many arrows each step must draw:
//   a-token-reaches-cdn  FAILS: a fault answers the first HEAD with 429, the
//                        retry gets the 302, the client sends its token to
//                        the CDN (token_leak): two wire expectations fail,
//                        about the two HEADs and about the CDN request
//   b-whoami-passes      passes: one request
//   c-hostile-text       passes: markup in its description and in a path
#pragma once

#include <string>

#include "bounded_run.h"
#include "markup.h"

namespace reporttest {

// Requests each scenario's first step makes.
constexpr int kLeakStepRequests = 3;  // HEAD (429, fault), HEAD (302), CDN GET (206, leak)
constexpr int kWhoamiRequests = 1;
constexpr int kHostileRequests = 1;
inline const char* kHostilePath = "/<script>document.title='pwned'</script>";
inline const char* kToken = "hf_alice";

struct ReportRun {
  std::string dir;   // the scenario set and the client
  std::string html;  // the report
  testsupport::BoundedRun run;
};

// Writes the set into `dir` and runs it with `--html html` (plus `extra`
// arguments before the path).
ReportRun RunReportSet(const std::string& dir, const std::string& html);

std::string ReadFile(const std::string& path);

// Bounded in time, not in memory: these runs are not about memory, and a
// sanitizer's shadow memory does not fit RunBounded's default RLIMIT_AS
// (the asan and tsan presets would kill mockhub at start).
testsupport::BoundedRunOptions Unbounded();

// What the report of this set must show, checked on a parsed page (the file
// as written, or the DOM after Chromium rendered it): lanes, one arrow per
// journal entry, badges, each failure beside the requests it concerns, the
// hostile text as text, no whole token.
void ExpectReportOfTheSet(const markup::Element& root);

}  // namespace reporttest
