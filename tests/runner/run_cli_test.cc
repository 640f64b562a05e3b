// `mockhub run` and `mockhub validate` as processes: exit codes, the table's
// closing line, --filter, --shard, --junit, and validate's pointers.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bounded_run.h"

namespace {

namespace fs = std::filesystem;

struct Output {
  int code = -1;
  std::string text;
};

Output Sh(const std::string& cmd) {
  Output o;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  while (p && std::fgets(buf, sizeof buf, p)) o.text += buf;
  const int status = p ? ::pclose(p) : -1;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

class RunCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mockhub-run-cli-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir_ = tmpl;
    fs::create_directories(dir_ + "/lib");
    client_ = dir_ + "/client.sh";
    std::ofstream(client_) << "#!/bin/sh\necho '{\"ok\":true}'\n";
    ::chmod(client_.c_str(), 0755);
    for (const char* name : {"a-one", "a-two", "b-three"}) {
      std::ofstream(dir_ + "/lib/" + name + ".json")
          << R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Run(const std::string& args) { return std::string(MOCKHUB_BIN) + " " + args; }
  std::string dir_, client_;
};

TEST_F(RunCliTest, PassingLibraryExitsZeroWithTheClosingLine) {
  Output o = Sh(Run("run --client '" + client_ + "' " + dir_ + "/lib"));
  EXPECT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("3 passed, 0 failed"), std::string::npos) << o.text;
}

TEST_F(RunCliTest, FilterAndShardSelectScenarios) {
  EXPECT_NE(Sh(Run("run --client '" + client_ + "' --filter 'a-*' " + dir_ + "/lib"))
                .text.find("2 passed"),
            std::string::npos);
  Output one = Sh(Run("run --client '" + client_ + "' --shard 1/2 " + dir_ + "/lib"));
  Output two = Sh(Run("run --client '" + client_ + "' --shard 2/2 " + dir_ + "/lib"));
  EXPECT_NE(one.text.find("2 passed"), std::string::npos) << one.text;
  EXPECT_NE(two.text.find("1 passed"), std::string::npos) << two.text;
  EXPECT_EQ(Sh(Run("run --shard 3/2 " + dir_ + "/lib")).code, 2);
}

TEST_F(RunCliTest, AFailureExitsOneAndTheJUnitFileSaysWhich) {
  std::ofstream(dir_ + "/lib/c-fails.json")
      << R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"outcome": "invalid_token"}}]})";
  Output o =
      Sh(Run("run --client '" + client_ + "' --junit " + dir_ + "/junit.xml " + dir_ + "/lib"));
  EXPECT_EQ(o.code, 1) << o.text;
  EXPECT_NE(o.text.find("3 passed, 1 failed"), std::string::npos) << o.text;
  std::ifstream in(dir_ + "/junit.xml");
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("tests=\"4\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"c-fails\""), std::string::npos) << xml;
}

TEST_F(RunCliTest, ValidateExitsTwoNamingFileAndPointer) {
  EXPECT_EQ(Sh(Run("validate " + dir_ + "/lib")).code, 0);
  std::ofstream(dir_ + "/bad.json")
      << R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"wire": {"tokn_to_cdn": false}}}]})";
  Output o = Sh(Run("validate " + dir_ + "/bad.json"));
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find(dir_ + "/bad.json: /steps/0/expect/wire/tokn_to_cdn: unknown key"),
            std::string::npos)
      << o.text;
  std::ofstream(dir_ + "/truncated.json") << R"({"about": {"descr)";
  EXPECT_EQ(Sh(Run("validate " + dir_ + "/truncated.json")).code, 2);
  EXPECT_EQ(Sh(Run("run --client '" + client_ + "' " + dir_ + "/truncated.json")).code, 2);
}

// Issue 12, S5: with the "argument" source the token is on the client's
// command line, which a failing step shows; the client may echo it too.
TEST_F(RunCliTest, AnArgumentTokenNeverAppearsWholeOnStdoutStderrOrInTheJUnitFile) {
  const std::string token = "hf_argumentsecret123";
  const std::string echo = dir_ + "/echo.sh";
  std::ofstream(echo) << "#!/bin/sh\necho \"args: $*\" >&2\n"
                      << "echo \"{\\\"ok\\\":false,\\\"error\\\":\\\"network\\\","
                         "\\\"message\\\":\\\"$*\\\"}\"\n";
  ::chmod(echo.c_str(), 0755);
  const std::string sc = dir_ + "/arg.json";
  std::ofstream(sc) << R"({"about": {"description": "d"},
    "client": {"token": {"source": "argument", "value": ")"
                    << token << R"("}},
    "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})";
  const testsupport::BoundedRun r = testsupport::RunBounded(
      {MOCKHUB_BIN, "run", "--client", echo, "--junit", dir_ + "/junit.xml", sc});
  EXPECT_TRUE(testsupport::ExitedWith(r, 1));
  std::ifstream in(dir_ + "/junit.xml");
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  for (const std::string* text : {&r.out, &r.err, &xml}) {
    EXPECT_EQ(text->find(token), std::string::npos) << "a whole token in:\n" << *text;
    EXPECT_NE(text->find("--token=hf_arg\u2026"), std::string::npos) << *text;
  }
}

}  // namespace
