// What CI reporters read from `mockhub run` (issue 10): a file that does not
// load is an ERROR in the table, the closing line and the JUnit file; no
// scenario selected and a client that cannot run are one error each, exit 2;
// `-j N` runs scenarios at once and reports them in the input order.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "bounded_run.h"
#include "markup.h"
#include "report_fixture.h"

namespace {

namespace fs = std::filesystem;
using testsupport::ExitedWith;
using testsupport::RunBounded;

const char* kWhoamiOk =
    R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})";

class RunResultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mockhub-run-results-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir_ = tmpl;
    fs::create_directories(dir_ + "/lib");
    client_ = Script("client.sh", "echo '{\"ok\":true}'");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Script(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
    return path;
  }
  void Scenario(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/lib/" + name + ".json") << text;
  }
  testsupport::BoundedRun Run(std::vector<std::string> args) {
    args.insert(args.begin(), {MOCKHUB_BIN, "run"});
    return RunBounded(args, reporttest::Unbounded());
  }
  // The same with every scenario's folder kept in `runs`: a contained
  // client writes only in its own folder, and reads its siblings' there.
  testsupport::BoundedRun RunIn(const std::string& runs, std::vector<std::string> args) {
    fs::create_directories(runs);
    args.insert(args.begin(),
                {"/usr/bin/env", "TMPDIR=" + runs, "MOCKHUB_KEEP_TMP=1", MOCKHUB_BIN, "run"});
    return RunBounded(args, reporttest::Unbounded());
  }
  // The JUnit file, parsed as a CI reporter would; its <testsuite>.
  const markup::Element* Suite(const std::string& path) {
    junit_ = markup::Parse(reporttest::ReadFile(path), false);
    EXPECT_EQ(junit_.error, "") << reporttest::ReadFile(path);
    auto suites =
        junit_.root->FindAll([](const markup::Element& e) { return e.name == "testsuite"; });
    return junit_.error.empty() && suites.size() == 1 ? suites[0] : nullptr;
  }
  std::string dir_, client_;
  markup::Document junit_;
};

TEST_F(RunResultsTest, AFileThatDoesNotLoadIsAnErrorInTheTableTheClosingLineAndJUnit) {
  Scenario("a-good", kWhoamiOk);
  Scenario("b-bad", R"({"about": {"description": "d"},
    "steps": [{"whoami": {}, "expect": {"wire": {"tokn_to_cdn": false}}}]})");
  Scenario("c-truncated", R"({"about": {"descr)");
  const auto r = Run({"--client", client_, "--junit", dir_ + "/junit.xml", dir_ + "/lib"});
  EXPECT_TRUE(ExitedWith(r, 2));  // bad input
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nb-bad +ERROR "))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nc-truncated +ERROR "))) << r.out;
  EXPECT_NE(r.out.find("1 passed, 2 failed (2 errors)"), std::string::npos) << r.out;
  const markup::Element* suite = Suite(dir_ + "/junit.xml");
  ASSERT_NE(suite, nullptr);
  EXPECT_EQ(suite->Attr("tests"), "3");
  EXPECT_EQ(suite->Attr("errors"), "2");
  EXPECT_EQ(suite->Attr("failures"), "0");
  auto cases = suite->FindAll([](const markup::Element& e) { return e.name == "testcase"; });
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[1]->Attr("name"), "b-bad");
  EXPECT_EQ(cases[1]->Attr("file"), dir_ + "/lib/b-bad.json");
  EXPECT_EQ(cases[1]->Attr("classname"), dir_ + "/lib");
  ASSERT_EQ(cases[1]->children.size(), 1u);
  const markup::Element& error = *cases[1]->children[0];
  EXPECT_EQ(error.name, "error");
  EXPECT_NE(error.Attr("message").find(dir_ + "/lib/b-bad.json: /steps/0/expect/wire/tokn_to_cdn"),
            std::string::npos)
      << error.Attr("message");
  ASSERT_EQ(cases[2]->children.size(), 1u);
  EXPECT_EQ(cases[2]->children[0]->name, "error");
  EXPECT_NE(cases[2]->children[0]->Attr("message").find(dir_ + "/lib/c-truncated.json"),
            std::string::npos);
  EXPECT_TRUE(cases[0]->children.empty());
}

TEST_F(RunResultsTest, NoScenarioSelectedIsBadInputUnlessAllowed) {
  fs::create_directories(dir_ + "/empty");
  const auto empty = Run({"--client", client_, dir_ + "/empty"});
  EXPECT_TRUE(ExitedWith(empty, 2));
  EXPECT_NE(empty.err.find("no scenario matched"), std::string::npos) << empty.err;
  Scenario("a-one", kWhoamiOk);
  const auto filtered = Run({"--client", client_, "--filter", "zzz-*", dir_ + "/lib"});
  EXPECT_TRUE(ExitedWith(filtered, 2));
  EXPECT_NE(filtered.err.find("no scenario matched: 1 file(s) found, none named like --filter "
                              "'zzz-*'"),
            std::string::npos)
      << filtered.err;
  const auto allowed = Run({"--client", client_, "--allow-empty", dir_ + "/empty"});
  EXPECT_TRUE(ExitedWith(allowed, 0));
  EXPECT_NE(allowed.out.find("0 passed, 0 failed"), std::string::npos) << allowed.out;
}

TEST_F(RunResultsTest, AClientThatCannotRunIsOneErrorUpFront) {
  for (const char* name : {"a-one", "a-two", "a-three"}) Scenario(name, kWhoamiOk);
  const std::string not_executable = dir_ + "/plain.sh";
  std::ofstream(not_executable) << "#!/bin/sh\necho '{\"ok\":true}'\n";
  std::ofstream(dir_ + "/missing.adapter.json") << R"({"command": ["./no-such-adapter.sh"]})";
  const std::vector<std::vector<std::string>> cases = {
      {"--client", dir_ + "/no-such-client"},
      {"--client", "no-such-client-on-path --json"},
      {"--client", not_executable},
      {"--adapter", dir_ + "/missing.adapter.json"}};
  for (const auto& c : cases) {
    std::vector<std::string> args = c;
    args.push_back(dir_ + "/lib");
    const auto r = Run(args);
    EXPECT_TRUE(ExitedWith(r, 2)) << c[1];
    std::size_t mentions = 0;
    for (auto at = r.err.find("cannot run the client"); at != std::string::npos;
         at = r.err.find("cannot run the client", at + 1))
      ++mentions;
    EXPECT_EQ(mentions, 1u) << r.err;
    EXPECT_EQ(r.err.find("FAIL"), std::string::npos) << "no scenario may run:\n" << r.err;
    EXPECT_EQ(r.out.find("passed"), std::string::npos) << r.out;
  }
  // The default client (hubget) named by MOCKHUB_HUBGET: the hint says how.
  ::setenv("MOCKHUB_HUBGET", (dir_ + "/no-hubget").c_str(), 1);
  const auto r = Run({dir_ + "/lib"});
  ::unsetenv("MOCKHUB_HUBGET");
  EXPECT_TRUE(ExitedWith(r, 2));
  EXPECT_NE(r.err.find("MOCKHUB_HUBGET"), std::string::npos) << r.err;
}

// Two scenarios whose clients wait for each other (bounded, 10 s) pass only
// if they run at the same time.
// Each client marks its own scenario folder and waits to see two marks.
TEST_F(RunResultsTest, JobsRunScenariosAtOnce) {
  const std::string meet =
      Script("meet.sh",
             "touch meet; i=0\n"
             "marks() { ls \"$1\"/*/meet 2>/dev/null | wc -l; }\n"
             "while [ \"$(marks \"$1\")\" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; "
             "i=$((i+1)); done\n"
             "[ \"$(marks \"$1\")\" -ge 2 ] && echo '{\"ok\":true}' || "
             "echo '{\"ok\":false,\"error\":\"timeout\",\"message\":\"alone\"}'");
  Scenario("a-one", kWhoamiOk);
  Scenario("a-two", kWhoamiOk);
  const std::string runs = dir_ + "/runs";
  const auto r = RunIn(runs, {"-j", "2", "--client", meet + " " + runs, dir_ + "/lib"});
  EXPECT_TRUE(ExitedWith(r, 0));
  EXPECT_NE(r.out.find("2 passed, 0 failed"), std::string::npos) << r.out;
}

// With -j 2, b-second's client ends before a-first's (which waits for it):
// the lines, the table and the JUnit file still follow the input order, as
// with -j 1 (where a-first finds b-second's mark already there). The mark
// is in b-second's scenario folder, which a-first reads.
TEST_F(RunResultsTest, ResultsComeInTheInputOrderWhateverFinishesFirst) {
  const std::string client =
      Script("ordered.sh",
             "marked() { ls \"$1\"/*/done >/dev/null 2>&1; }\n"
             "if [ \"${HUBGET_ROLE:-}\" = wait ]; then i=0; while ! marked \"$1\" && "
             "[ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; else touch done; fi\n"
             "marked \"$1\" && echo '{\"ok\":true}' || "
             "echo '{\"ok\":false,\"error\":\"timeout\",\"message\":\"b-second never ended\"}'");
  Scenario("a-first", R"({"about": {"description": "d"}, "client": {"env": {"HUBGET_ROLE": "wait"}},
    "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})");
  Scenario("b-second", kWhoamiOk);
  Scenario("c-third", R"({"about": {"description": "d"},
    "steps": [{"whoami": {}, "expect": {"outcome": "invalid_token"}}]})");
  auto table = [](const std::string& out) {  // the table without the times
    return std::regex_replace(out, std::regex(" +[0-9.]+s  "), " ");
  };
  std::string tables[2], junits[2];
  for (int jobs : {1, 2}) {
    const std::string runs = dir_ + "/runs" + std::to_string(jobs);
    if (jobs == 1) {
      fs::create_directories(runs + "/before");
      std::ofstream(runs + "/before/done") << "";
    }
    const std::string junit = dir_ + "/junit" + std::to_string(jobs) + ".xml";
    const auto r = RunIn(runs, {"-j", std::to_string(jobs), "--client", client + " " + runs,
                                "--junit", junit, dir_ + "/lib"});
    EXPECT_TRUE(ExitedWith(r, 1));
    const auto a = r.err.find("PASS a-first"), b = r.err.find("PASS b-second"),
               c = r.err.find("FAIL c-third");
    EXPECT_TRUE(a != std::string::npos && a < b && b < c && c != std::string::npos) << r.err;
    tables[jobs - 1] = table(r.out);
    const markup::Element* suite = Suite(junit);
    ASSERT_NE(suite, nullptr);
    for (const auto* e :
         suite->FindAll([](const markup::Element& x) { return x.name == "testcase"; }))
      junits[jobs - 1] += e->Attr("name") + (e->children.empty() ? " ok\n" : " failed\n");
  }
  EXPECT_EQ(tables[0], tables[1]);
  EXPECT_EQ(junits[0], "a-first ok\nb-second ok\nc-third failed\n");
  EXPECT_EQ(junits[0], junits[1]);
}

TEST_F(RunResultsTest, JobsZeroMeansOnePerCoreAndNegativeIsRefused) {
  Scenario("a-one", kWhoamiOk);
  EXPECT_TRUE(ExitedWith(Run({"-j", "0", "--client", client_, dir_ + "/lib"}), 0));
  EXPECT_TRUE(ExitedWith(Run({"-j", "-1", "--client", client_, dir_ + "/lib"}), 2));
}

}  // namespace
