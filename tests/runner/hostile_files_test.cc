// Hostile files given to `mockhub validate`, `validate --world`, `serve
// --world` and `run --adapter`, as processes (issue 12: C1, C2, C3, H8): a
// number out of range, nesting a million levels deep, a device, a FIFO, a
// symlink to one inside a scenario folder, a file over the size cap. Each
// must end in a clear error naming the file (and the pointer where there is
// one) with the exit code of bad input, 2, within a bound: never an abort, a
// crash, a hang or unbounded memory.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bounded_run.h"
#include "temp_dir_test.h"

namespace {

namespace fs = std::filesystem;
using testsupport::BoundedRun;
using testsupport::ExitedWith;
using testsupport::RunBounded;

constexpr const char* kScenarioHead =
    R"({"about": {"description": "d"}, "steps": [{"whoami": {}}], "hub": {"patch": )";

std::string Deep(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

class HostileFilesTest : public testsupport::TempDirTest {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  static BoundedRun Mockhub(std::vector<std::string> args, const std::string& cwd = "") {
    args.insert(args.begin(), MOCKHUB_BIN);
    testsupport::BoundedRunOptions o;
    o.timeout = std::chrono::seconds(30);
    o.cwd = cwd;
    o.max_memory_bytes = 1ull << 30;  // a reader without a bound fails here, not the machine
    return RunBounded(args, o);
  }
};

// Exit 2 and `expected` somewhere in the output.
::testing::AssertionResult RefusedSaying(const BoundedRun& r, const std::string& expected) {
  if (auto code = ExitedWith(r, 2); !code) return code;
  if ((r.out + r.err).find(expected) == std::string::npos)
    return ::testing::AssertionFailure() << "no \"" << expected << "\" in:\n" << r.Describe();
  return ::testing::AssertionSuccess();
}

TEST_F(HostileFilesTest, NumberOutOfRangeInAWorldIsAnErrorAtItsPointer) {
  const std::string world = Write("w.json", R"({"clock": 1e400})");
  EXPECT_TRUE(RefusedSaying(Mockhub({"validate", "--world", world}),
                            world + ": /clock: a number out of range"));
  EXPECT_TRUE(RefusedSaying(Mockhub({"serve", "--world", world}), world + ": /clock:"));
  const std::string digits = Write(
      "d.json", R"({"repos": {"a/b": {"files": {"x": {"size": )" + std::string(400, '9') + "}}}}}");
  EXPECT_TRUE(RefusedSaying(Mockhub({"validate", "--world", digits}),
                            digits + ": /repos/a~1b/files/x/size: a number out of range"));
  const std::string sc =
      Write("s.json", kScenarioHead + std::string(R"({"clock": [1, -1e999]}}})"));
  EXPECT_TRUE(
      RefusedSaying(Mockhub({"validate", sc}), sc + ": /hub/patch/clock/1: a number out of range"));
}

TEST_F(HostileFilesTest, DeepNestingIsRefusedWhileParsing) {
  const std::string world = Write("w.json", R"({"users": )" + Deep(1000000) + "}");
  EXPECT_TRUE(RefusedSaying(Mockhub({"validate", "--world", world}),
                            world + ": /users/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0"));
  EXPECT_TRUE(RefusedSaying(Mockhub({"serve", "--world", world}), "nested deeper than 64"));
  const std::string sc = Write("s.json", kScenarioHead + Deep(1000000) + "}}");
  EXPECT_TRUE(RefusedSaying(Mockhub({"validate", sc}), "nested deeper than 64"));
  const std::string adapter =
      Write("x.adapter.json", R"({"command": ["/bin/true"], "about": )" + Deep(100000) + "}");
  EXPECT_TRUE(RefusedSaying(Mockhub({"run", "--adapter", adapter, sc}), adapter + ": /about/0/"));
  // Just inside the limit is fine for the parser (the loader then says what is wrong).
  const std::string shallow = Write("ok.json", R"({"users": )" + Deep(63) + "}");
  EXPECT_TRUE(RefusedSaying(Mockhub({"validate", "--world", shallow}),
                            shallow + ": /users: expected an object"));
}

// Issue 12, W5: a scenario's numbers the runner or the server would overflow
// on, and a key given twice, are refused at their pointer.
TEST_F(HostileFilesTest, ScenarioNumbersOutOfRangeAndRepeatedKeysAreRefused) {
  const std::string head = R"({"about": {"description": "d"}, )";
  const std::pair<std::string, std::string> cases[] = {
      {R"("steps": [{"advance_clock": 1e300}])", "/steps/0/advance_clock: seconds to advance"},
      {R"("faults": [{"do": {"delay": {"ms": 18446744073709551615}}}], "steps": [{"whoami": {}}])",
       "/faults/0/do/delay/ms: at most 120000"},
      {R"("hub": {"patch": {"cdn": {"url_ttl_seconds": 9223372036854775807}}}, "steps": [{"whoami": {}}])",
       "/hub/patch/cdn/url_ttl_seconds: must be an integer from 1 to"},
      {R"("steps": [{"whoami": {}}], "steps": [{"whoami": {}}])",
       "/steps: duplicate key \"steps\""}};
  for (const auto& [body, expected] : cases) {
    const std::string sc = Write("s.json", head + body + "}");
    EXPECT_TRUE(RefusedSaying(Mockhub({"validate", sc}), sc + ": " + expected));
  }
}

TEST_F(HostileFilesTest, ADeviceOrAFifoIsRefusedWithoutReadingOrBlocking) {
  const std::string fifo = dir_ + "/fifo.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {std::string("/dev/zero"), fifo}) {
    EXPECT_TRUE(
        RefusedSaying(Mockhub({"validate", "--world", path}), path + ": /: not a regular file"));
    EXPECT_TRUE(RefusedSaying(Mockhub({"serve", "--world", path}), path + ": /: not a regular"));
    EXPECT_TRUE(RefusedSaying(Mockhub({"validate", path}), path + ": /: not a regular file"));
    EXPECT_TRUE(RefusedSaying(Mockhub({"run", "--adapter", path, fifo}), "not a regular file"));
  }
}

TEST_F(HostileFilesTest, SymlinksToADeviceOrAFifoInAScenarioFolderAreRefused) {
  fs::create_directories(dir_ + "/lib");
  ASSERT_EQ(::mkfifo((dir_ + "/pipe").c_str(), 0600), 0);
  fs::create_symlink("/dev/zero", dir_ + "/lib/a-zero.json");
  fs::create_symlink(dir_ + "/pipe", dir_ + "/lib/b-pipe.json");
  Write("lib/c-ok.json", R"({"about": {"description": "d"}, "steps": [{"whoami": {}}]})");
  const BoundedRun r = Mockhub({"validate", dir_ + "/lib"});
  EXPECT_TRUE(RefusedSaying(r, dir_ + "/lib/a-zero.json: /: not a regular file"));
  EXPECT_TRUE(RefusedSaying(r, dir_ + "/lib/b-pipe.json: /: not a regular file"));
  EXPECT_TRUE(RefusedSaying(r, "ok " + dir_ + "/lib/c-ok.json"));
}

TEST_F(HostileFilesTest, AFileOverTheSizeCapIsRefused) {
  const std::string big = dir_ + "/big.json";
  std::ofstream(big) << "{}";
  fs::resize_file(big, (64ull << 20) + 1);  // sparse: no disk space used
  EXPECT_TRUE(
      RefusedSaying(Mockhub({"validate", "--world", big}), big + ": /: larger than 64 MiB"));
}

TEST_F(HostileFilesTest, AnAdapterFileNamedWithoutAFolderIsFoundBesideItsCommand) {
  const std::string client = Write("client.sh", "#!/bin/sh\necho '{\"ok\":true}'\n");
  ::chmod(client.c_str(), 0755);
  Write("bare.adapter.json", R"({"name": "bare", "command": ["./client.sh"]})");
  const std::string sc = Write(
      "s.json",
      R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})");
  const BoundedRun r = Mockhub({"run", "--adapter", "bare.adapter.json", sc}, dir_);
  EXPECT_TRUE(ExitedWith(r, 0));
  EXPECT_NE(r.out.find("1 passed, 0 failed"), std::string::npos) << r.Describe();
}

}  // namespace
