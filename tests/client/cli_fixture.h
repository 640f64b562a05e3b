// The fixture of the hubget binary's process-level tests: an in-process
// mockhub (the demo world, or a test's variant of it, with faults) and the
// built hubget run as a child with only the variables the scenario runner
// sets (HOME, HF_HOME, HF_HUB_CACHE in a temp dir, HF_ENDPOINT).
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
#include "mockhub/faults/faults.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "subprocess.h"
#include "wait_for.h"

namespace hubget::testing {

namespace fs = std::filesystem;
using nlohmann::json;
using Env = std::map<std::string, std::string>;

inline const std::string kSmallLfsRepo = "new-org/renamed-model";
inline const std::string kClipRepo = "InvokeAI/clip-vit-large-patch14";

// How often `what` occurs in `text` (a message must say some things once).
inline int Occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class CliTest : public ::testing::Test {
 protected:
  void Start(const std::string& faults_json = "[]", bool tls = false) {
    server.reset();  // one mock at a time
    mockhub::ServerOptions opts;
    opts.tls = tls;
    if (tls) {
      opts.tls_dir = dir.path() + "/tls";
      fs::create_directories(opts.tls_dir);
    }
    auto faults = mockhub::FaultSet::FromJson(json::parse(faults_json), "test", "/faults");
    ASSERT_TRUE(faults) << faults.error().ToString();
    opts.faults = faults.value();
    auto started = mockhub::MockServer::Start(world, opts);
    ASSERT_TRUE(started) << started.status().message();
    server = std::move(*started);
  }
  void SetUp() override {
    for (const char* d : {"/home", "/hf", "/scratch"}) fs::create_directories(dir.path() + d);
    Start();
  }

  std::string HfHome() const { return dir.path() + "/hf"; }
  std::string Cache() const { return HfHome() + "/hub"; }

  // Only what the runner sets; nothing from the user's environment.
  Env BaseEnv() const {
    return {{"HOME", dir.path() + "/home"},
            {"HF_HOME", HfHome()},
            {"HF_HUB_CACHE", Cache()},
            {"HF_ENDPOINT", server->hub_url()},
            {"HUBGET_RETRY_BASE_MS", "1"}};
  }
  std::vector<std::string> Argv(std::vector<std::string> args) const {
    args.insert(args.begin(), HUBGET_BINARY);
    return args;
  }
  ProcessResult Hubget(std::vector<std::string> args, const Env& extra = {}) {
    Env env = BaseEnv();
    for (const auto& [k, v] : extra) env[k] = v;
    return testing::Run(Argv(std::move(args)), env, dir.path() + "/scratch");
  }
  // The --json object on the last stdout line.
  static json LastJson(const ProcessResult& r) {
    const json j = json::parse(r.LastLine(), nullptr, false);
    EXPECT_TRUE(j.is_object()) << "last stdout line is not a JSON object: " << r.LastLine()
                               << "\nstderr: " << r.err;
    return j.is_object() ? j : json::object();
  }
  // Polls (bounded) until a *.incomplete file exists under `dir`.
  static ::testing::AssertionResult WaitForIncomplete(const std::string& dir,
                                                      std::chrono::milliseconds timeout) {
    return testsupport::WaitFor(
        [&] {
          std::error_code ec;
          for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->path().extension() == ".incomplete") return true;
          }
          return false;
        },
        "a .incomplete file in " + dir, timeout);
  }
  std::vector<mockhub::JournalEntry> Entries(const std::string& server_name) {
    std::vector<mockhub::JournalEntry> out;
    for (auto& e : server->journal().Entries()) {
      if (e.server == server_name) out.push_back(e);
    }
    return out;
  }

  testing::TempDir dir;
  mockhub::World world = mockhub::DemoWorld();  // what Start() serves; a test may change it first
  std::unique_ptr<mockhub::MockServer> server;
};

}  // namespace hubget::testing
