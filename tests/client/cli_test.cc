// The hubget binary as the scenario runner and users run it: a child process
// with a scrubbed environment (HOME and HF_HOME in temp dirs, no HF_* of the
// user) against an in-process mockhub. Checks the --json line shapes, the
// exit code of each error family, the stale-token message, --no-token,
// offline mode, TLS through each CA variable, and two processes
// downloading the same blob at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "canned_server.h"
#include "cli_fixture.h"
#include "fakes.h"
#include "mockhub/faults/faults.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "subprocess.h"
#include "wait_for.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CliTest;
using testing::Env;
using ::testing::HasSubstr;
using testing::kClipRepo;
using testing::kSmallLfsRepo;
using ::testing::Not;
using testing::ProcessResult;
using testing::ReadFile;
using testing::Sha256Hex;
using ::testing::StartsWith;

// --- JSON shapes --------------------------------------------------------

TEST_F(CliTest, JsonSuccessListsPathsInTheConfiguredCache) {
  const ProcessResult r = Hubget({"--json", "download", kSmallLfsRepo, "config.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  ASSERT_TRUE(j["paths"].is_array());
  ASSERT_EQ(j["paths"].size(), 1u);
  const std::string path = j["paths"][0];
  EXPECT_THAT(path, StartsWith(Cache() + "/models--new-org--renamed-model/snapshots/"));
  EXPECT_THAT(ReadFile(path), HasSubstr("gpt2"));
  EXPECT_EQ(j["token_source"], "none");
  EXPECT_EQ(j["commit"].get<std::string>().size(), 40u);
  EXPECT_FALSE(j.contains("path"));  // the old duplicate shape is gone
  EXPECT_FALSE(j.contains("files"));
}

TEST_F(CliTest, JsonFlagAfterTheSubcommandGivesTheSameShape) {
  const ProcessResult r = Hubget({"download", kSmallLfsRepo, "config.json", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  EXPECT_EQ(j["paths"].size(), 1u);
}

TEST_F(CliTest, JsonIsTheOnlyStdoutLine) {
  const ProcessResult r = Hubget({"--json", "download", kSmallLfsRepo, "config.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, r.LastLine() + "\n");
}

TEST_F(CliTest, JsonSnapshotListsEachFileInsideTheSnapshotFolder) {
  const ProcessResult r = Hubget({"--json", "download", kClipRepo, "--include", "*.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  const std::string snapshot = j.value("snapshot", "");
  EXPECT_THAT(snapshot,
              StartsWith(Cache() + "/models--InvokeAI--clip-vit-large-patch14/snapshots/"));
  std::vector<std::string> names;
  for (const auto& p : j["paths"]) {
    const std::string path = p;
    EXPECT_THAT(path, StartsWith(snapshot + "/"));
    EXPECT_TRUE(fs::exists(path)) << path;
    names.push_back(path.substr(snapshot.size() + 1));
  }
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("config.json", "tokenizer.json"));
}

TEST_F(CliTest, RepeatedIncludeAndExcludeAfterFiles) {
  const ProcessResult r = Hubget({"--json", "download", kClipRepo, "--include", "config.json",
                                  "--include", "*.safetensors", "--exclude", "*.safetensors"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  ASSERT_EQ(j["paths"].size(), 1u) << j.dump();
  EXPECT_THAT(j["paths"][0].get<std::string>(), ::testing::EndsWith("/config.json"));
}

TEST_F(CliTest, JsonFailureHasTheKindAsAStringAndTheStatus) {
  const ProcessResult r = Hubget({"--json", "download", kSmallLfsRepo, "nope.txt"});
  EXPECT_EQ(r.exit_code, 5);
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  ASSERT_TRUE(j["error"].is_string()) << j.dump();
  EXPECT_EQ(j["error"], "entry_not_found");
  EXPECT_EQ(j["status"], 404);
  EXPECT_THAT(j.value("message", ""), HasSubstr("nope.txt"));
  EXPECT_EQ(j["error_code"], "EntryNotFound");
  EXPECT_FALSE(j.value("request_id", "").empty());
}

TEST_F(CliTest, JsonUsageErrorIsInvalidArgumentWithNullStatus) {
  const ProcessResult r = Hubget({"--json", "download"});
  EXPECT_EQ(r.exit_code, 2);
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "invalid_argument");
  EXPECT_TRUE(j["status"].is_null());
}

TEST_F(CliTest, InfoJsonEndsWithOneObject) {
  const ProcessResult r = Hubget({"--json", "info", "black-forest-labs/FLUX.1-dev"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  EXPECT_EQ(j["id"], "black-forest-labs/FLUX.1-dev");
  EXPECT_EQ(j["gated"], "manual");
  EXPECT_EQ(j["sha"].get<std::string>().size(), 40u);
}

TEST_F(CliTest, InfoJsonFailure) {
  const ProcessResult r = Hubget({"info", "alice/private-model", "--json"});
  EXPECT_EQ(r.exit_code, 4);
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "auth_required");
  EXPECT_EQ(j["status"], 401);
}

// --- tokens -------------------------------------------------------------

TEST_F(CliTest, TokenBeforeTheSubcommandIsSent) {
  const ProcessResult r = Hubget({"--json", "--token", "hf_alice", "whoami"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", false), true);
  EXPECT_EQ(j["name"], "alice");
  EXPECT_EQ(j["token_source"], "explicit");
}

TEST_F(CliTest, TokenBeforeTheSubcommandOpensAPrivateRepo) {
  const ProcessResult r =
      Hubget({"--json", "--token", "hf_alice", "download", "alice/private-model", "config.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(ReadFile(LastJson(r)["paths"][0]), HasSubstr("bert"));
}

TEST_F(CliTest, TokenFileInHfHomeIsUsed) {
  testing::WriteFile(HfHome() + "/token", "hf_alice\n");
  const ProcessResult r = Hubget({"--json", "whoami"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(LastJson(r)["name"], "alice");
}

TEST_F(CliTest, WhoamiWithoutTokenIsAuthRequired) {
  const ProcessResult r = Hubget({"--json", "whoami"});
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_EQ(LastJson(r)["error"], "auth_required");
}

TEST_F(CliTest, StaleHfTokenMessageNamesHfTokenAndTheFix) {
  const ProcessResult r =
      Hubget({"download", kClipRepo, "config.json"}, {{"HF_TOKEN", "hf_revoked"}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("the Hub rejected the token from the HF_TOKEN environment "
                               "variable (ending in ...oked) (Invalid credentials in "
                               "Authorization header)"));
  EXPECT_THAT(r.err, HasSubstr(server->hub_url() + "/settings/tokens"));
  EXPECT_THAT(r.err, HasSubstr("unset HF_TOKEN to download public files anonymously"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_revoked")));
}

TEST_F(CliTest, StaleHfTokenAsJson) {
  const ProcessResult r =
      Hubget({"--json", "download", kClipRepo, "config.json"}, {{"HF_TOKEN", "hf_revoked"}});
  EXPECT_EQ(r.exit_code, 3);
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "invalid_token");
  EXPECT_EQ(j["status"], 401);
  EXPECT_EQ(j["token_source"], "HF_TOKEN");
  EXPECT_THAT(j.value("message", ""), HasSubstr("unset HF_TOKEN"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_revoked")));
}

TEST_F(CliTest, NoTokenIgnoresAStaleHfTokenAndSendsNone) {
  const ProcessResult r = Hubget({"--json", "--no-token", "download", kClipRepo, "config.json"},
                                 {{"HF_TOKEN", "hf_revoked"}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(LastJson(r)["token_source"], "none");
  ASSERT_TRUE(server->journal().WaitForCount(2, std::chrono::seconds(5)));
  for (const auto& e : server->journal().Entries()) EXPECT_EQ(e.authorization, "") << e.target;
}

// A line break inside the token would inject a header: refused before any
// byte goes out, with the header named and the token not shown.
TEST_F(CliTest, TokenWithALineBreakInsideIsRefusedNotSent) {
  const ProcessResult r = Hubget({"--json", "download", kClipRepo, "config.json"},
                                 {{"HF_TOKEN", "hf_first_line\r\nX-Injected: yes"}});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(LastJson(r)["error"], "invalid_argument");
  EXPECT_THAT(r.out + r.err, HasSubstr("refusing to send the Authorization header"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hf_first_line")));
  ASSERT_TRUE(server->journal().WaitForIdle(std::chrono::seconds(5)));
  EXPECT_TRUE(server->journal().Entries().empty());
}

// Server text is bytes: one byte that is not UTF-8 in X-Error-Message used
// to end the process (json::dump threw). --json still prints its object,
// the bytes shown escaped (printable.h).
TEST_F(CliTest, JsonErrorSurvivesAHeaderThatIsNotUtf8) {
  testing::CannedServer bad(
      "HTTP/1.1 401 Unauthorized\r\nX-Error-Code: RepoNotFound\r\n"
      "X-Error-Message: Repository not found \xff\xfe here\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n");
  const ProcessResult r = Hubget({"--json", "download", kClipRepo, "config.json"},
                                 {{"HF_ENDPOINT", bad.url()}, {"HUBGET_MAX_RETRIES", "0"}});
  EXPECT_GE(bad.served(), 1);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(r.exit_code, 128) << "killed by a signal? stderr: " << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_THAT(j.value("message", ""), HasSubstr("Repository not found \\xff\\xfe here"));
}

// --- offline ------------------------------------------------------------

// The snapshot folder's files, by their paths inside the repo (not the
// blobs their symlinks point to), with --include applied.
TEST_F(CliTest, OfflineSnapshotListsEveryCachedFileByItsRepoPath) {
  ASSERT_EQ(Hubget({"download", kSmallLfsRepo}).exit_code, 0);
  const ProcessResult all =
      Hubget({"--json", "download", kSmallLfsRepo}, {{"HF_HUB_OFFLINE", "1"}});
  ASSERT_EQ(all.exit_code, 0) << all.out << all.err;
  const auto paths = LastJson(all)["paths"];
  ASSERT_EQ(paths.size(), 2u) << all.out;
  EXPECT_THAT(paths[0].get<std::string>(), ::testing::EndsWith("/config.json"));
  EXPECT_THAT(paths[1].get<std::string>(), ::testing::EndsWith("/weights.bin"));
  const ProcessResult some = Hubget({"--json", "download", kSmallLfsRepo, "--include", "*.json"},
                                    {{"HF_HUB_OFFLINE", "1"}});
  ASSERT_EQ(some.exit_code, 0) << some.out << some.err;
  ASSERT_EQ(LastJson(some)["paths"].size(), 1u) << some.out;
}

TEST_F(CliTest, OfflineAnswersFromTheCacheWithoutAnyRequest) {
  ASSERT_EQ(Hubget({"download", kSmallLfsRepo, "config.json"}).exit_code, 0);
  ASSERT_TRUE(server->journal().WaitForCount(2, std::chrono::seconds(5)));
  server->journal().Clear();
  const Env offline = {{"HF_HUB_OFFLINE", "1"}};
  const ProcessResult hit = Hubget({"--json", "download", kSmallLfsRepo, "config.json"}, offline);
  EXPECT_EQ(hit.exit_code, 0) << hit.out;
  EXPECT_THAT(ReadFile(LastJson(hit)["paths"][0]), HasSubstr("gpt2"));
  const ProcessResult miss = Hubget({"--json", "download", kSmallLfsRepo, "weights.bin"}, offline);
  EXPECT_EQ(miss.exit_code, 8);
  EXPECT_EQ(LastJson(miss)["error"], "offline_not_cached");
  EXPECT_TRUE(LastJson(miss)["status"].is_null());
  EXPECT_TRUE(server->journal().Entries().empty());
}

// --- exit codes per family ----------------------------------------------

struct ExitCase {
  std::string name;
  std::vector<std::string> args;
  Env env;
  std::string faults = "[]";
  int exit_code;
  std::string kind;
  int status;  // 0: null
};

class CliExitCodeTest : public CliTest, public ::testing::WithParamInterface<ExitCase> {};

TEST_P(CliExitCodeTest, KindStatusAndExitCode) {
  const ExitCase& c = GetParam();
  ASSERT_NO_FATAL_FAILURE(Start(c.faults));
  std::vector<std::string> args = {"--json"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  Env env = c.env;
  if (env.count("HF_ENDPOINT") && env["HF_ENDPOINT"] == "dead") {
    env["HF_ENDPOINT"] = "http://127.0.0.1:1";  // nothing listens on port 1
  }
  const ProcessResult r = Hubget(args, env);
  EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_EQ(j.value("error", ""), c.kind) << j.dump();
  if (c.status == 0) {
    EXPECT_TRUE(j["status"].is_null()) << j.dump();
  } else {
    EXPECT_EQ(j["status"], c.status) << j.dump();
  }
  EXPECT_FALSE(j.value("message", "").empty());
}

const ExitCase kExitCases[] = {
    {"InvalidToken",
     {"download", kClipRepo, "config.json"},
     {{"HF_TOKEN", "hf_revoked"}},
     "[]",
     3,
     "invalid_token",
     401},
    {"TokenExpired",
     {"download", kClipRepo, "config.json"},
     {{"HUGGING_FACE_HUB_TOKEN", "hf_expired"}},
     "[]",
     3,
     "token_expired",
     401},
    {"GatedAuthRequired",
     {"download", "black-forest-labs/FLUX.1-dev", "model_index.json"},
     {},
     "[]",
     4,
     "gated_auth_required",
     401},
    {"GatedNotAuthorized",
     {"download", "black-forest-labs/FLUX.1-dev", "model_index.json", "--token", "hf_bob"},
     {},
     "[]",
     4,
     "gated_not_authorized",
     403},
    {"AuthRequired",
     {"download", "alice/private-model", "config.json"},
     {},
     "[]",
     4,
     "auth_required",
     401},
    {"RepoNotFound",
     {"download", "alice/private-model", "config.json"},
     {{"HF_TOKEN", "hf_bob"}},
     "[]",
     5,
     "repo_not_found",
     404},
    {"RevisionNotFound",
     {"download", kSmallLfsRepo, "config.json", "--revision", "nope"},
     {},
     "[]",
     5,
     "revision_not_found",
     404},
    {"EntryNotFound", {"download", kSmallLfsRepo, "nope.txt"}, {}, "[]", 5, "entry_not_found", 404},
    {"RateLimited",
     {"download", kSmallLfsRepo, "config.json"},
     {{"HUBGET_MAX_RETRIES", "1"}},
     R"([{"server":"hub","do":{"status":{"code":429,"headers":{"Retry-After":"0"}}}}])",
     6,
     "rate_limited",
     429},
    {"ServerError",
     {"download", kSmallLfsRepo, "config.json"},
     {{"HUBGET_MAX_RETRIES", "1"}},
     R"([{"server":"hub","do":{"status":{"code":503}}}])",
     6,
     "server_error",
     503},
    {"Network",
     {"download", kSmallLfsRepo, "config.json"},
     {{"HF_ENDPOINT", "dead"}, {"HUBGET_MAX_RETRIES", "0"}},
     "[]",
     6,
     "network",
     0},
    {"Integrity",
     {"download", kSmallLfsRepo, "weights.bin"},
     {},
     R"([{"server":"cdn","method":"GET","do":{"corrupt":{"offset":10}}}])",
     7,
     "integrity",
     0},
    {"NotAHub",
     {"download", kSmallLfsRepo, "config.json"},
     {},
     R"([{"server":"hub","method":"HEAD","do":{"drop_headers":["X-Repo-Commit"]}}])",
     7,
     "not_a_hub",
     200},
    {"OfflineNotCached",
     {"download", kSmallLfsRepo, "config.json"},
     {{"HF_HUB_OFFLINE", "1"}},
     "[]",
     8,
     "offline_not_cached",
     0},
    {"Usage",
     {"download", kSmallLfsRepo, "--repo-type", "kernel"},
     {},
     "[]",
     2,
     "invalid_argument",
     0},
};

INSTANTIATE_TEST_SUITE_P(Families, CliExitCodeTest, ::testing::ValuesIn(kExitCases),
                         [](const ::testing::TestParamInfo<ExitCase>& i) { return i.param.name; });

// --- TLS ----------------------------------------------------------------

class CliTlsTest : public CliTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(CliTlsTest, CaBundleVariableIsHonoured) {
  ASSERT_NO_FATAL_FAILURE(Start("[]", /*tls=*/true));
  ASSERT_FALSE(server->ca_file().empty());
  const ProcessResult r = Hubget({"--json", "download", kSmallLfsRepo, "weights.bin"},
                                 {{GetParam(), server->ca_file()}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string content = ReadFile(LastJson(r)["paths"][0]);
  EXPECT_EQ(content.size(), 1048576u);
}

INSTANTIATE_TEST_SUITE_P(Variables, CliTlsTest,
                         ::testing::Values("CURL_CA_BUNDLE", "SSL_CERT_FILE", "HUBGET_CA_FILE",
                                           "REQUESTS_CA_BUNDLE"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           n.erase(std::remove(n.begin(), n.end(), '_'), n.end());
                           return n;
                         });

TEST_F(CliTest, TlsWithoutTheCaIsANetworkError) {
  ASSERT_NO_FATAL_FAILURE(Start("[]", /*tls=*/true));
  const ProcessResult r =
      Hubget({"--json", "download", kSmallLfsRepo, "config.json"}, {{"HUBGET_MAX_RETRIES", "0"}});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "network");
  // The variables that would fix it, named.
  EXPECT_THAT(
      j.value("message", ""),
      HasSubstr("point HUBGET_CA_FILE, CURL_CA_BUNDLE, SSL_CERT_FILE or REQUESTS_CA_BUNDLE"));
}

// --- two processes, one blob -------------------------------------------

TEST_F(CliTest, TwoProcessesDownloadingTheSameBlobFetchItOnce) {
  // 1 MiB at 512 KiB/s. The second process starts once the first one is
  // receiving (its .incomplete exists), so it must find the blob's lock
  // taken, wait, and reuse the blob.
  ASSERT_NO_FATAL_FAILURE(
      Start(R"([{"server":"cdn","method":"GET","do":{"throttle":{"bytes_per_second":524288}}}])"));
  const auto argv = Argv({"--json", "download", kSmallLfsRepo, "weights.bin"});
  const std::string scratch = dir.path() + "/scratch";
  const std::string blobs = Cache() + "/models--new-org--renamed-model/blobs";
  testing::Child a(argv, BaseEnv(), scratch);
  ASSERT_TRUE(WaitForIncomplete(blobs, std::chrono::seconds(20)));
  testing::Child b(argv, BaseEnv(), scratch);
  ProcessResult ra, rb;
  ASSERT_TRUE(a.Wait(testing::kChildDeadline, &ra));
  ASSERT_TRUE(b.Wait(testing::kChildDeadline, &rb));
  ASSERT_EQ(ra.exit_code, 0) << ra.out << ra.err;
  ASSERT_EQ(rb.exit_code, 0) << rb.out << rb.err;

  // Both end with the same file, and it is the verified blob.
  const std::string pa = LastJson(ra)["paths"][0], pb = LastJson(rb)["paths"][0];
  EXPECT_EQ(pa, pb);
  const fs::path blob = fs::canonical(pa);
  EXPECT_EQ(blob.parent_path().filename(), "blobs");
  const std::string content = ReadFile(blob.string());
  EXPECT_EQ(content.size(), 1048576u);
  EXPECT_EQ(Sha256Hex(content), blob.filename().string());
  EXPECT_EQ(ReadFile(pb), content);
  for (const auto& e : fs::directory_iterator(blob.parent_path())) {
    EXPECT_EQ(e.path(), blob) << "left behind in blobs/";
  }

  // The journal: two HEADs on the hub and one body GET on the CDN, and the
  // second HEAD arrived while that GET was still sending (they overlapped).
  // Arrival times, not journal order: a HEAD on a kept-alive connection is
  // only journaled when that connection is next used or closed.
  ASSERT_TRUE(server->journal().WaitForCount(3, std::chrono::seconds(10)));
  const auto all = server->journal().Entries();
  std::string log;
  for (const auto& e : all) {
    log += e.server + " " + e.method + " " + e.target.substr(0, 60) +
           " t=" + std::to_string(e.time) + " " + std::to_string(e.duration_ms) + " ms\n";
  }
  ASSERT_EQ(all.size(), 3u) << log;
  const auto cdn = Entries("cdn");
  const auto hub = Entries("hub");
  ASSERT_EQ(cdn.size(), 1u) << log;
  EXPECT_EQ(cdn[0].method, "GET");
  EXPECT_EQ(cdn[0].status, 200);
  EXPECT_EQ(cdn[0].bytes_sent, 1048576u);
  ASSERT_EQ(hub.size(), 2u) << log;
  const double get_end = cdn[0].time + cdn[0].duration_ms / 1000;
  for (const auto& h : hub) {
    EXPECT_EQ(h.method, "HEAD");
    EXPECT_LT(h.time, get_end) << "a process only asked after the download was over\n" << log;
  }
}

}  // namespace
}  // namespace hubget
