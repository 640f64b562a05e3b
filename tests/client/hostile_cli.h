// What the CLI tests against a hostile loopback server (canned_server.h)
// share: the hubget binary in a scrubbed environment (HOME, HF_HOME and the
// cache in a temp dir) pointed at that server, the --json line, the files
// a run left behind, and raw HTTP answers to build the server's replies.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "fakes.h"
#include "subprocess.h"

namespace hubget::testing {

using Env = std::map<std::string, std::string>;
using RawHeaders = std::vector<std::pair<std::string, std::string>>;

// "HTTP/1.1 <status> X", the headers, Content-Length (unless given) and
// Connection: close, then the body.
std::string RawResponse(int status, const RawHeaders& headers, const std::string& body = "");

// The HEAD answer of a small regular file: X-Repo-Commit kCommit, a git
// blob ETag (40 hex, so no sha256 to check) and the size of `body`.
RawHeaders FileHeaders(const std::string& body);
inline constexpr const char* kGitEtag = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

class HostileCliTest : public ::testing::Test {
 protected:
  void SetUp() override;

  std::string HfHome() const { return dir.path() + "/hf"; }
  std::string Cache() const { return HfHome() + "/hub"; }
  // The environment the scenario runner gives hubget, with `endpoint` as
  // HF_ENDPOINT, no retries and 1 ms of backoff.
  Env BaseEnv(const std::string& endpoint) const;
  ProcessResult Hubget(const std::string& endpoint, std::vector<std::string> args,
                       const Env& extra = {});
  ProcessResult HubgetWithFileSizeLimit(const std::string& endpoint, std::vector<std::string> args,
                                        long long max_file_bytes);
  // The --json object on the last stdout line ({} and a failure if none).
  static nlohmann::json LastJson(const ProcessResult& r);
  // Every file and symlink under `root` (recursively), relative to it, sorted.
  static std::vector<std::string> FilesUnder(const std::string& root);

  TempDir dir;
};

}  // namespace hubget::testing
