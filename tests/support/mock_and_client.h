// The one fixture for tests of hubget against mockhub through real sockets
// (E2eTest, XetE2eTest, CliTest derive from it): an in-process mock with
// every site on loopback, port 0, serving `world` with a test's faults;
// folders for HOME, HF_HOME (its hub/ is the cache) and a working directory
// in a temp dir; the in-process client configured for that mock; the hubget
// binary's command line and the environment the scenario runner gives it;
// and the journal read by site. Apart from test_support because it links
// the mock's server library and hubget.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hubget/client.h"
#include "mockhub/http/journal.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world.h"
#include "temp_dir.h"

namespace testsupport {

// Environment variables of a child process.
using Env = std::map<std::string, std::string>;

class MockAndClient : public ::testing::Test {
 protected:
  MockAndClient();
  ~MockAndClient() override;

  // Makes the folders and starts the mock with no faults.
  void SetUp() override;
  // (Re)starts the mock on `world` with the faults of `faults_json` (a
  // scenario's "faults" list); over TLS, its CA under the temp dir, with
  // `tls`. The previous mock stops first: one mock at a time.
  void Start(const std::string& faults_json = "[]", bool tls = false);

  std::string Home() const { return dir.path() + "/home"; }
  std::string HfHome() const { return dir.path() + "/hf"; }
  std::string Cache() const { return HfHome() + "/hub"; }
  std::string Scratch() const { return dir.path() + "/scratch"; }

  // The in-process client: the mock's hub as endpoint, Cache(), 1-4 ms of
  // backoff (it sleeps on the real clock), and `token` as if from HF_TOKEN.
  hubget::ClientConfig Config(const std::optional<std::string>& token) const;
  // A client with the curl transport and the real clock.
  static hubget::Client MakeClient(const hubget::ClientConfig& config);

  // The hubget binary: `args` after its path, and only what the scenario
  // runner sets (HOME, HF_HOME, HF_HUB_CACHE, HF_ENDPOINT, 1 ms of backoff).
  static std::vector<std::string> Argv(std::vector<std::string> args);
  Env BaseEnv() const;

  // The journal entries of one site whose target starts with `prefix`.
  std::vector<mockhub::JournalEntry> Entries(const std::string& site,
                                             const std::string& prefix = "") const;
  // The journal records a request once its answer is sent, which can be
  // after the client is done: wait (kWaitDefault) until every request in.
  ::testing::AssertionResult WaitForIdle() const;

  TempDir dir;
  mockhub::World world;  // what Start() serves (the demo world); a test may change it first
  std::unique_ptr<mockhub::MockServer> server;
};

}  // namespace testsupport
