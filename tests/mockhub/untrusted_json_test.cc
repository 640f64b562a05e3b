// The strict JSON reader every loader and the admin API share
// (mockhub/json/untrusted_json.h), as a function of text: its errors and their
// pointers, and its cost. Issue 25, N8: the callback parser it used re-scanned
// the parent object at every object end, so a world of many small objects
// took time in the square of its size (12 s for 900 KB, 15 s of CPU for a
// 1 MiB admin POST). The process-level cases (a million levels deep, a FIFO,
// a file over the cap) are in tests/runner/hostile_files_test.cc.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "mockhub/json/untrusted_json.h"

namespace mockhub {
namespace {

// The error's "pointer: reason", or "ok".
std::string Outcome(const std::string& text) {
  auto parsed = ParseUntrustedJson(text, "t.json");
  if (parsed) return "ok";
  EXPECT_EQ(parsed.error().file, "t.json");
  return parsed.error().pointer + ": " + parsed.error().reason;
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST(UntrustedJsonTest, ARepeatedKeyIsAnErrorAtItsPointerOnlyWithinOneObject) {
  EXPECT_EQ(Outcome(R"({"a": {"x": 1, "y": [{"k": 1}, {"k": 2, "k": 3}]}})"),
            "/a/y/1/k: duplicate key \"k\" in one object");
  EXPECT_EQ(Outcome(R"({"a/b~": 1, "a/b~": 2})"), "/a~1b~0: duplicate key \"a/b~\" in one object");
  EXPECT_EQ(Outcome(R"({"x": {"x": 1}, "y": {"x": 2}, "z": [{"x": 3}, {"x": 4}]})"), "ok");
}

TEST(UntrustedJsonTest, NestingIsRefusedAtTheFirstContainerTooDeep) {
  std::string deep = "{\"a\": ";
  for (int i = 0; i < 100; ++i) deep += "[";
  const std::string outcome = Outcome(deep);
  std::string pointer = "/a";
  for (std::size_t i = 1; i < kMaxJsonDepth; ++i) pointer += "/0";
  EXPECT_EQ(outcome, pointer + ": nested deeper than 64 arrays and objects");
  const std::string shallow = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_EQ(Outcome(shallow), "ok");
  EXPECT_NE(Outcome("[" + shallow + "]"), "ok");
}

TEST(UntrustedJsonTest, ANumberOutOfRangeNamesTheValueItWouldHaveBeen) {
  EXPECT_TRUE(StartsWith(Outcome(R"({"clock": 1e400})"), "/clock: a number out of range ("));
  EXPECT_TRUE(
      StartsWith(Outcome(R"({"a": [1, {"b": 2}, -1e999]})"), "/a/2: a number out of range"));
  EXPECT_TRUE(StartsWith(Outcome("[" + std::string(400, '9') + "]"), "/0: a number out of range"));
}

TEST(UntrustedJsonTest, MalformedTextNamesTheByte) {
  EXPECT_TRUE(StartsWith(Outcome(R"({"a": )"), ": invalid JSON at byte 7: "));
  EXPECT_TRUE(StartsWith(Outcome(R"({"a": 1} x)"), ": invalid JSON at byte 10: "));
  EXPECT_TRUE(StartsWith(Outcome(""), ": invalid JSON at byte 1: "));
}

TEST(UntrustedJsonTest, TheValueIsTheDocument) {
  auto parsed = ParseUntrustedJson(R"({"a": [1, "x", {"b": null}], "c": 2.5})", "t.json");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, nlohmann::json::parse(R"({"c": 2.5, "a": [1, "x", {"b": null}]})"));
}

// The shapes that were quadratic: many small objects in one object (a world's
// repos, files, tokens) or one array (a list of faults), `bytes` long.
std::string WideObject(std::size_t bytes) {
  std::string s = "{\"repos\": {";
  for (std::size_t i = 0; s.size() < bytes; ++i) {
    s += (i ? ", \"r" : "\"r") + std::to_string(i) + "\": {\"files\": {\"f\": {\"size\": 1}}}";
  }
  return s + "}}";
}
std::string WideArray(std::size_t bytes) {
  std::string s = "[";
  for (std::size_t i = 0; s.size() < bytes; ++i) s += (i ? ", " : "") + std::string("{\"k\": {}}");
  return s + "]";
}

// The checking pass's work (SAX events and key comparisons) for ten times the
// text is about ten times the work: linear, not quadratic. (The old reader
// had no such counter; the CPU bound below is the case that fails on it.)
TEST(UntrustedJsonTest, WorkGrowsLinearlyWithTheText) {
  for (auto* shape : {&WideObject, &WideArray}) {
    std::uint64_t small = 0, large = 0;
    ASSERT_TRUE(ParseUntrustedJson(shape(100 << 10), "small.json", &small));
    ASSERT_TRUE(ParseUntrustedJson(shape(1 << 20), "large.json", &large));
    ASSERT_GT(small, 1000u);
    const double ratio = static_cast<double>(large) / static_cast<double>(small);
    EXPECT_GT(ratio, 8.0);
    EXPECT_LT(ratio, 12.0) << "work " << small << " for 100 KiB, " << large << " for 1 MiB";
  }
  // The duplicate check compares about once per key, however wide the object.
  std::uint64_t work = 0;
  const std::string wide = WideObject(1 << 20);
  ASSERT_TRUE(ParseUntrustedJson(wide, "w.json", &work));
  std::uint64_t keys = 0;
  for (std::size_t at = wide.find("\": "); at != std::string::npos; at = wide.find("\": ", at + 1))
    ++keys;
  EXPECT_LT(work, 5 * keys) << "events and comparisons per key";
}

double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A generous bound on this thread's CPU time (not wall time, so a busy
// machine does not fail it): 0.1 s here; the quadratic reader took 107 s of
// CPU for the wide object (and 9 s for the array).
TEST(UntrustedJsonTest, TwoMebibytesOfSmallObjectsParseWithinAGenerousCpuBound) {
  for (auto* shape : {&WideObject, &WideArray}) {
    const std::string text = shape(2 << 20);
    const double t0 = ThreadCpuSeconds();
    auto parsed = ParseUntrustedJson(text, "big.json");
    const double spent = ThreadCpuSeconds() - t0;
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    EXPECT_LT(spent, 10.0) << "seconds of CPU for " << text.size() << " bytes";
  }
}

}  // namespace
}  // namespace mockhub
