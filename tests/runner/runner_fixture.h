// A scenario runner fixture with stand-in clients (small shell scripts
// written to a temporary folder), shared by the runner's tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/runner/scenario_result.h"
#include "temp_dir_test.h"

namespace mockhub {

class RunnerTest : public testsupport::TempDirTest {
 protected:
  std::string Write(const std::string& name, const std::string& text, bool executable = false) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    if (executable) ::chmod(path.c_str(), 0755);
    return path;
  }
  // A client that runs `body` (sh) and then prints its last line.
  Adapter Client(const std::string& body) {
    Adapter a;
    a.name = "stand-in";
    a.command = {Write("client.sh", "#!/bin/sh\n" + body + "\n", true)};
    return a;
  }
  ScenarioResult Run(const std::string& scenario, const Adapter& adapter, int timeout = 30) {
    auto sc = LoadScenario(Write("case.json", scenario));
    EXPECT_TRUE(sc.ok()) << (sc.ok() ? "" : sc.error().ToString());
    if (!sc.ok()) return {};
    RunOptions opts;
    opts.adapter = adapter;
    opts.step_timeout_seconds = timeout;
    return RunScenario(sc.value(), opts);
  }
  LoadError LoadFails(const std::string& scenario) {
    auto sc = LoadScenario(Write("bad.json", scenario));
    EXPECT_FALSE(sc.ok());
    return sc.ok() ? LoadError{} : sc.error();
  }
};

inline const char* kWhoamiOk =
    R"({"about": {"description": "d"}, "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})";

}  // namespace mockhub
