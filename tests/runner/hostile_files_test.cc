// Hostile files given to `mockhub validate`, `validate --world`, `serve
// --world` and `run --adapter`, as processes (issue 12: C1, C2, C3, H8): a
// number out of range, nesting a million levels deep, a device, a FIFO, a
// symlink to one inside a scenario folder, a file over the size cap. Each
// must end in a clear error naming the file (and the pointer where there is
// one) with the exit code of bad input, 2, within a bound: never an abort, a
// crash, a hang or unbounded memory. Issue 25 (N1, N3, N11, R1): names that
// read as options or climb out of a folder are refused at their pointer, and
// what a client leaves on disk (a symlink out, a FIFO) is never read.
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
  // `env`: NAME=value settings for the mockhub process (through env(1)).
  static BoundedRun Mockhub(std::vector<std::string> args, const std::string& cwd = "",
                            const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), MOCKHUB_BIN);
    args.insert(args.begin(), env.begin(), env.end());
    args.insert(args.begin(), "/usr/bin/env");
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

// Issue 25, N1: a step's names go on a client's command line, so a name
// that reads as an option (or climbs out of a folder) is refused by
// `validate` at its pointer, whatever outcome the step expects.
TEST_F(HostileFilesTest, StepNamesThatReadAsOptionsOrClimbOutAreRefusedAtTheirPointer) {
  const std::string head = R"({"about": {"description": "d"}, "steps": [)";
  const std::pair<std::string, std::string> cases[] = {
      {R"({"download": {"repo": "InvokeAI/ip_adapter_sd_image_encoder",
                        "files": ["--local-dir", "/x", "authorized_keys"]}})",
       "/steps/0/download/files/0: invalid file path: it begins with '-'"},
      {R"({"download": {"repo": "InvokeAI/ip_adapter_sd_image_encoder",
                        "files": ["config.json", "/x"]}, "expect": {"outcome": "not_found"}})",
       "/steps/0/download/files/1: invalid file path: it begins with '/'"},
      {R"({"download": {"repo": "InvokeAI/ip_adapter_sd_image_encoder", "files": "../x"}})",
       "/steps/0/download/files: invalid file path: it has a '..' component"},
      {R"({"download": {"repo": "--local-dir=/x"}})", "/steps/0/download/repo: invalid repo id"},
      {R"({"info": {"repo": "InvokeAI/ip_adapter_sd_image_encoder", "revision": "--help"}})",
       "/steps/0/info/revision: invalid revision: it begins with '-'"},
      {R"({"download": {"repo": "InvokeAI/ip_adapter_sd_image_encoder", "include": ["-x"]}})",
       "/steps/0/download/include/0: invalid pattern: it begins with '-'"},
      {R"({"download": {"repo": "InvokeAI/ip_adapter_sd_image_encoder", "exclude": "a/../../*"}})",
       "/steps/0/download/exclude: invalid pattern: it has a '..' component"},
      {R"({"download": {"repo": "InvokeAI/ip_adapter_sd_image_encoder"},
           "expect": {"files": {"../../etc/passwd": "hub"}}})",
       "/steps/0/expect/files/..~1..~1etc~1passwd: invalid file path"},
      {R"({"download": {"repo": "InvokeAI/ip_adapter_sd_image_encoder"},
           "expect": {"cache": {"snapshot": ["/etc/passwd"], "absent": "ok.json"}}})",
       "/steps/0/expect/cache/snapshot/0: invalid file path: it begins with '/'"}};
  for (const auto& [step, expected] : cases) {
    const std::string sc = Write("s.json", head + step + "]}");
    EXPECT_TRUE(RefusedSaying(Mockhub({"validate", sc}), sc + ": " + expected)) << step;
  }
}

// Issue 25, N3: an expect.cache.refs key names refs/<key>: one that climbs
// out is refused at load with its pointer, so the runner never reads it.
TEST_F(HostileFilesTest, RefKeysThatClimbOutAreRefusedAtLoadAndNeverRead) {
  const std::string sc = Write("s.json", R"({"about": {"description": "d"}, "steps": [
      {"download": {"repo": "InvokeAI/ip_adapter_sd_image_encoder"},
       "expect": {"cache": {"refs": {"../../../../../../../../proc/self/environ": "hub"}}}}]})");
  const std::string pointer =
      "/steps/0/expect/cache/refs/..~1..~1..~1..~1..~1..~1..~1..~1proc~1self~1environ";
  EXPECT_TRUE(RefusedSaying(Mockhub({"validate", sc}), sc + ": " + pointer + ": invalid ref name"));
  const std::string client = Write("client.sh", "#!/bin/sh\necho '{\"ok\":true}'\n");
  ::chmod(client.c_str(), 0755);
  const std::string adapter = Write("x.adapter.json", R"({"command": ["./client.sh"]})");
  const BoundedRun r = Mockhub({"run", "--adapter", adapter, sc}, dir_, {"CANARY=c4n4ry-v4lue"});
  EXPECT_TRUE(RefusedSaying(r, pointer));
  EXPECT_EQ((r.out + r.err).find("c4n4ry-v4lue"), std::string::npos) << r.Describe();
}

// Issue 25, R1: seeding writes refs/<revision> in the scenario's cache; a
// branch (and so a revision) that climbs out is refused before anything is
// written, so nothing appears beside the scenario's temporary folder.
TEST_F(HostileFilesTest, ACacheSeedCannotWriteOutsideTheTemporaryFolder) {
  fs::create_directories(dir_ + "/tmp");
  const std::string up = "../../../../../../escape";  // refs/ -> ... -> $TMPDIR
  const std::string sc = Write("s.json", R"({"about": {"description": "d"},
      "hub": {"patch": {"repos": {"a/b": {"files": {"x": "1"},
                                          "branches": {"main": "initial", ")" +
                                             up + R"(": "initial"}}}}},
      "client": {"cache": [{"repo": "a/b", "revision": ")" +
                                             up + R"(", "path": "x"}]},
      "steps": [{"whoami": {}}]})");
  const std::string client = Write("client.sh", "#!/bin/sh\necho '{\"ok\":true}'\n");
  ::chmod(client.c_str(), 0755);
  const std::string adapter = Write("x.adapter.json", R"({"command": ["./client.sh"]})");
  const BoundedRun r =
      Mockhub({"run", "--adapter", adapter, sc}, dir_, {"TMPDIR=" + dir_ + "/tmp"});
  EXPECT_TRUE(RefusedSaying(r, "/branches/..~1..~1..~1..~1..~1..~1escape: invalid branch name"));
  EXPECT_TRUE(RefusedSaying(Mockhub({"validate", sc}),
                            sc + ": /client/cache/0/revision: invalid revision"));
  EXPECT_FALSE(fs::exists(dir_ + "/tmp/escape")) << "the seed wrote outside its folder";
  EXPECT_FALSE(fs::exists(dir_ + "/escape"));
}

// A stand-in client that leaves `setup` (sh, run in the scenario's folder)
// and reports `paths`; the scenario downloads config.json of a/b.
class LeftOnDiskTest : public HostileFilesTest {
 protected:
  BoundedRun RunWith(const std::string& setup, const std::string& expect) {
    const std::string client =
        Write("client.sh",
              "#!/bin/sh\n" + setup +
                  "\necho \"{\\\"ok\\\": true, \\\"paths\\\": [\\\"$PWD/config.json\\\"]}\"\n");
    ::chmod(client.c_str(), 0755);
    const std::string adapter = Write("x.adapter.json", R"({"command": ["./client.sh"]})");
    const std::string sc = Write("s.json", R"({"about": {"description": "d"},
        "hub": {"patch": {"repos": {"a/b": {"files": {"config.json": "{}"}}}}},
        "steps": [{"download": {"repo": "a/b", "files": ["config.json"]},
                   "expect": )" + expect + "}]}");
    return Mockhub({"run", "--adapter", adapter, sc}, dir_, {"CANARY=c4n4ry-v4lue"});
  }
  // The run failed (exit 1) within a few seconds saying `why`, and showed
  // nothing of the runner's environment.
  static ::testing::AssertionResult FailedQuicklySaying(const BoundedRun& r,
                                                        const std::string& why) {
    if (auto code = ExitedWith(r, 1); !code) return code;
    if (r.seconds > 20) return ::testing::AssertionFailure() << "took " << r.seconds << " s";
    if ((r.out + r.err).find(why) == std::string::npos)
      return ::testing::AssertionFailure() << "no \"" << why << "\" in:\n" << r.Describe();
    if ((r.out + r.err).find("c4n4ry-v4lue") != std::string::npos)
      return ::testing::AssertionFailure() << "the environment leaked:\n" << r.Describe();
    return ::testing::AssertionSuccess();
  }
};

// Issue 25, N11: a reported file that is a symlink to /dev/zero, or a FIFO,
// is neither hashed for ever nor waited on.
TEST_F(LeftOnDiskTest, AReportedFileThatIsASymlinkOutOrAFifoFailsQuicklyUnread) {
  EXPECT_TRUE(FailedQuicklySaying(
      RunWith("ln -s /dev/zero config.json", R"({"files": {"config.json": "hub"}})"),
      "leads outside"));
  EXPECT_TRUE(
      FailedQuicklySaying(RunWith("mkfifo config.json", R"({"files": {"config.json": "hub"}})"),
                          "config.json is not a regular file (not read)"));
  EXPECT_TRUE(FailedQuicklySaying(
      RunWith("ln -s /proc/self/environ config.json", R"({"files": {"config.json": "hub"}})"),
      "leads outside"));
  // A sparse 1 TiB file where the hub has 2 bytes: compared by size, not hashed.
  EXPECT_TRUE(FailedQuicklySaying(
      RunWith("truncate -s 1T config.json", R"({"files": {"config.json": "hub"}})"),
      "config.json has 1099511627776 bytes, the hub's file 2"));
}

// Issue 25, N3: a ref file the client made a symlink to the runner's
// environment (or a FIFO) is not read, and nothing of it is shown.
TEST_F(LeftOnDiskTest, ARefThatIsASymlinkOutOrAFifoIsNeverReadOrShown) {
  const std::string refs = "mkdir -p \"$HF_HUB_CACHE/models--a--b/refs\" && ";
  EXPECT_TRUE(FailedQuicklySaying(
      RunWith(refs + "ln -s /proc/self/environ \"$HF_HUB_CACHE/models--a--b/refs/main\"",
              R"({"cache": {"refs": {"main": "hub"}}})"),
      "refs/main is not a regular file inside the cache"));
  EXPECT_TRUE(FailedQuicklySaying(RunWith(refs + "mkfifo \"$HF_HUB_CACHE/models--a--b/refs/main\"",
                                          R"({"cache": {"refs": {"main": "hub"}}})"),
                                  "refs/main is not a regular file inside the cache"));
  // A regular file holding something else: its size, not its bytes.
  EXPECT_TRUE(FailedQuicklySaying(
      RunWith(refs + "echo c4n4ry-v4lue > \"$HF_HUB_CACHE/models--a--b/refs/main\"",
              R"({"cache": {"refs": {"main": "hub"}}})"),
      "refs/main holds 13 bytes that are no commit sha (not shown)"));
  EXPECT_TRUE(FailedQuicklySaying(
      RunWith(refs + "head -c 100000 /dev/zero > \"$HF_HUB_CACHE/models--a--b/refs/main\"",
              R"({"cache": {"refs": {"main": "hub"}}})"),
      "refs/main holds more than 64 bytes"));
}

}  // namespace
