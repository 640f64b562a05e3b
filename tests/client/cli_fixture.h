// The fixture of the hubget binary's process-level tests: the mock and the
// folders of MockAndClient (mock_and_client.h), and the built hubget run as
// a child with only the variables the scenario runner sets, its --json line
// read back.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fakes.h"
#include "mock_and_client.h"
#include "subprocess.h"
#include "wait_for.h"

namespace hubget::testing {

namespace fs = std::filesystem;
using nlohmann::json;
using Env = testsupport::Env;

inline const std::string kSmallLfsRepo = "new-org/renamed-model";
inline const std::string kClipRepo = "InvokeAI/clip-vit-large-patch14";

// How often `what` occurs in `text` (a message must say some things once).
inline int Occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class CliTest : public testsupport::MockAndClient {
 protected:
  ProcessResult Hubget(std::vector<std::string> args, const Env& extra = {}) {
    Env env = BaseEnv();
    for (const auto& [k, v] : extra) env[k] = v;
    return testing::Run(Argv(std::move(args)), env, Scratch());
  }
  // The --json object on the last stdout line.
  static json LastJson(const ProcessResult& r) {
    const json j = json::parse(r.LastLine(), nullptr, false);
    EXPECT_TRUE(j.is_object()) << "last stdout line is not a JSON object: " << r.LastLine()
                               << "\nstderr: " << r.err;
    return j.is_object() ? j : json::object();
  }
  // Polls (bounded) until a *.incomplete file exists under `dir`.
  static ::testing::AssertionResult WaitForIncomplete(const std::string& dir) {
    return testsupport::WaitFor(
        [&] {
          std::error_code ec;
          for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->path().extension() == ".incomplete") return true;
          }
          return false;
        },
        "a .incomplete file in " + dir);
  }
};

}  // namespace hubget::testing
