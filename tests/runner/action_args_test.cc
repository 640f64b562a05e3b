// The client's command line as the runner builds it (issue 25, N1): the
// action, every option as one --name=VALUE argument, then `--`, then the
// repo and the files. A recording adapter (a script that writes its argv
// as JSON) shows it. The names are set on the loaded scenario, past the
// loader's own checks, so that the order is what keeps `--local-dir` a
// file name even where a name slips through validation.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/runner/scenario_result.h"
#include "runner_fixture.h"

namespace mockhub {
namespace {

using nlohmann::json;

class ActionArgsTest : public RunnerTest {
 protected:
  // An adapter that appends its arguments (a JSON array) to argv.jsonl.
  Adapter Recorder() {
    Adapter a;
    a.name = "recorder";
    a.command = {Write("record.py",
                       "#!/usr/bin/python3\nimport json, sys\n"
                       "with open(" +
                           json(dir_ + "/argv.jsonl").dump() +
                           ", 'a') as f:\n"
                           "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
                           "print(json.dumps({'ok': False, 'error': 'invalid_argument'}))\n",
                       true)};
    return a;
  }
  // Runs `sc` (loaded, then changed by `edit`) and returns each client
  // step's recorded arguments.
  template <typename Edit>
  std::vector<std::vector<std::string>> Recorded(const std::string& sc, Edit edit) {
    auto loaded = LoadScenario(Write("case.json", sc));
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().ToString());
    if (!loaded.ok()) return {};
    Scenario scenario = loaded.value();
    edit(scenario);
    RunOptions opts;
    opts.adapter = Recorder();
    opts.step_timeout_seconds = 30;
    // The record is kept outside the scenario's folder (which the run
    // removes), so the containment that forbids that is off here: these
    // tests are about the command line, containment_test.cc about the rest.
    opts.contain = false;
    RunScenario(scenario, opts);
    std::vector<std::vector<std::string>> out;
    std::ifstream in(dir_ + "/argv.jsonl");
    for (std::string line; std::getline(in, line);)
      out.push_back(json::parse(line).get<std::vector<std::string>>());
    return out;
  }
};

constexpr const char* kDownload = R"({"about": {"description": "d"},
  "client": {"token": {"source": "argument", "value": "hf_x"}},
  "steps": [
    {"download": {"repo": "InvokeAI/clip-vit-large-patch14", "files": ["config.json"]},
     "expect": {"outcome": "invalid_argument"}},
    {"info": {"repo": "demo/tiny-dataset", "type": "dataset"}, "expect": {"outcome": "invalid_argument"}},
    {"whoami": {}, "expect": {"outcome": "invalid_argument"}}]})";

TEST_F(ActionArgsTest, OptionsComeFirstAsOneArgumentAndNamesAfterTheDoubleDash) {
  const auto argv = Recorded(kDownload, [](Scenario& sc) {
    Step& s = sc.steps[0];
    s.files = {"--local-dir", "/any/dir", "authorized_keys", "--"};
    s.revision = "-x";
    s.include = {"--exclude=*"};
    s.exclude = {"-*.md"};
  });
  ASSERT_EQ(argv.size(), 3u);
  const std::vector<std::string> download = {"--token=hf_x",
                                             "download",
                                             "--revision=-x",
                                             "--include=--exclude=*",
                                             "--exclude=-*.md",
                                             "--",
                                             "InvokeAI/clip-vit-large-patch14",
                                             "--local-dir",
                                             "/any/dir",
                                             "authorized_keys",
                                             "--"};
  EXPECT_EQ(argv[0], download);
  const std::vector<std::string> info = {"--token=hf_x", "info", "--repo-type=dataset", "--",
                                         "demo/tiny-dataset"};
  EXPECT_EQ(argv[1], info);
  const std::vector<std::string> whoami = {"--token=hf_x", "whoami"};
  EXPECT_EQ(argv[2], whoami);
}

TEST_F(ActionArgsTest, ARepoIdThatLooksLikeAnOptionStaysAfterTheDoubleDash) {
  const auto argv = Recorded(kDownload, [](Scenario& sc) {
    sc.client.tokens.clear();
    sc.steps[0].repo = "--local-dir=/tmp/x";
    sc.steps[0].files.clear();
  });
  ASSERT_FALSE(argv.empty());
  const std::vector<std::string> snapshot = {"download", "--", "--local-dir=/tmp/x"};
  EXPECT_EQ(argv[0], snapshot);
}

}  // namespace
}  // namespace mockhub
