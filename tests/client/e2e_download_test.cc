// hubget against an in-process mockhub through real sockets: the auth table,
// the CDN hop (the journal shows no token there), renamed repos, resume
// after a cut, 416 on a complete partial, 200 to a Range, an expired CDN URL,
// integrity failure, offline mode, snapshots with patterns, and two
// downloaders of the same blob at once.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "fakes.h"
#include "hubget/cache.h"
#include "hubget/client.h"
#include "mock_and_client.h"
#include "wait_for.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::Sha256Hex;

const std::string kSmallLfsRepo = "new-org/renamed-model";

class E2eTest : public testsupport::MockAndClient {
 protected:
  Client MakeClient(const std::optional<std::string>& token = {}, bool offline = false,
                    const std::string& cache = "") {
    ClientConfig c = Config(token);
    if (!cache.empty()) c.cache_dir = cache;
    c.offline = offline;
    c.idle_timeout = idle_timeout;
    return MockAndClient::MakeClient(c);
  }
  std::vector<mockhub::JournalEntry> Cdn() { return Entries("cdn"); }
  // The server journals a request after its response is fully sent, which
  // can be after the client is done: wait (bounded) for `n` CDN entries.
  ::testing::AssertionResult WaitForCdnEntries(std::size_t n) { return WaitFor(n, true); }
  ::testing::AssertionResult WaitForEntries(std::size_t n) { return WaitFor(n, false); }
  ::testing::AssertionResult WaitFor(std::size_t n, bool cdn_only) {
    auto count = [&] { return cdn_only ? Cdn().size() : server->journal().Entries().size(); };
    auto done =
        testsupport::WaitFor([&] { return count() >= n; },
                             std::to_string(n) + (cdn_only ? " CDN" : "") + " journal entries");
    if (!done) done << ", have " << count();
    return done;
  }
  std::string BlobFor(const std::string& repo, const std::string& file) {
    testing::TempDir other;
    auto r = MakeClient({}, false, other.path()).Download(repo, file);
    EXPECT_TRUE(r) << r.error().Message();
    return r ? ReadFile(r->path) : "";
  }

  // No file under blobs/ (neither a blob nor a .incomplete).
  void ExpectNoBlobFiles(const std::string& repo_folder) {
    const std::string blobs = Cache() + "/" + repo_folder + "/blobs";
    std::error_code ec;
    for (fs::directory_iterator it(blobs, ec), end; !ec && it != end; it.increment(ec)) {
      ADD_FAILURE() << it->path() << " (" << it->file_size() << " bytes)";
    }
  }

  std::chrono::milliseconds idle_timeout{30000};
};

TEST_F(E2eTest, LfsDownloadGoesThroughTheCdnWithoutTheToken) {
  auto r = MakeClient("hf_alice").Download(kSmallLfsRepo, "weights.bin");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->sha256, Sha256Hex(ReadFile(r->path)));
  EXPECT_EQ(r->sha256, r->etag);
  ASSERT_TRUE(WaitForCdnEntries(1));
  for (const auto& e : Cdn()) {
    EXPECT_TRUE(e.authorization.empty()) << e.target;
    EXPECT_FALSE(e.HasFlag("token_leak"));
  }
}

TEST_F(E2eTest, RevokedTokenOnPublicRepoNamesTheTokenSource) {
  auto r = MakeClient("hf_revoked").Download("InvokeAI/clip-vit-large-patch14", "config.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kInvalidToken);
  EXPECT_THAT(r.error().Message(), HasSubstr("HF_TOKEN environment variable"));
  EXPECT_THAT(r.error().Message(), ::testing::Not(HasSubstr("hf_revoked")));
}

TEST_F(E2eTest, ExpiredTokenIsReportedAsExpired) {
  auto r = MakeClient("hf_expired").Download("InvokeAI/clip-vit-large-patch14", "config.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kTokenExpired) << r.error().Message();
}

TEST_F(E2eTest, GatedRepoAnswersPerToken) {
  const std::string repo = "black-forest-labs/FLUX.1-dev";
  auto anon = MakeClient().Download(repo, "model_index.json");
  ASSERT_FALSE(anon);
  EXPECT_EQ(anon.error().kind, Kind::kGatedAuthRequired) << anon.error().Message();
  auto bob = MakeClient("hf_bob").Download(repo, "model_index.json");
  ASSERT_FALSE(bob);
  EXPECT_EQ(bob.error().kind, Kind::kGatedNotAuthorized) << bob.error().Message();
  EXPECT_THAT(bob.error().Message(), HasSubstr(server->hub_url() + "/" + repo));
  auto alice = MakeClient("hf_alice").Download(repo, "model_index.json");
  EXPECT_TRUE(alice) << alice.error().Message();
}

TEST_F(E2eTest, PrivateRepoAnswersPerToken) {
  auto anon = MakeClient().Download("alice/private-model", "config.json");
  ASSERT_FALSE(anon);
  EXPECT_EQ(anon.error().kind, Kind::kAuthRequired) << anon.error().Message();
  auto bob = MakeClient("hf_bob").Download("alice/private-model", "config.json");
  ASSERT_FALSE(bob);
  EXPECT_EQ(bob.error().kind, Kind::kRepoNotFound) << bob.error().Message();
  EXPECT_TRUE(MakeClient("hf_alice").Download("alice/private-model", "config.json"));
}

TEST_F(E2eTest, MissingFileAndRevision) {
  auto f = MakeClient().Download(kSmallLfsRepo, "nope.txt");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind, Kind::kEntryNotFound);
  DownloadOptions o;
  o.revision = "no-such-branch";
  auto r = MakeClient().Download(kSmallLfsRepo, "config.json", o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kRevisionNotFound);
}

TEST_F(E2eTest, RenamedRepoIsFollowedWithTheToken) {
  auto r = MakeClient("hf_alice").Download("old-org/renamed-model", "config.json");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_THAT(ReadFile(r->path), HasSubstr("gpt2"));
}

TEST_F(E2eTest, RenamedRepoInfoAndSnapshotByTheOldIdFollowTheApiRedirect) {
  auto info = MakeClient("hf_alice").Info("old-org/renamed-model");
  ASSERT_TRUE(info) << info.error().Message();
  EXPECT_EQ(info->id, "new-org/renamed-model");
  auto snap = MakeClient("hf_alice").Snapshot("old-org/renamed-model");
  ASSERT_TRUE(snap) << snap.error().Message();
  EXPECT_EQ(snap->commit, info->sha);
  EXPECT_EQ(snap->folder, Cache() + "/models--old-org--renamed-model/snapshots/" + info->sha);
  EXPECT_TRUE(fs::exists(snap->folder + "/config.json"));
  EXPECT_TRUE(fs::exists(snap->folder + "/weights.bin"));
  int api_redirects = 0;
  for (const auto& e : server->journal().Entries()) {
    api_redirects += e.target.rfind("/api/models/old-org/renamed-model", 0) == 0 && e.status == 307;
    if (e.server == "cdn") {
      EXPECT_TRUE(e.authorization.empty()) << e.target;
    }
  }
  EXPECT_GE(api_redirects, 2);  // info, then the snapshot's revision call
}

TEST_F(E2eTest, PullRequestRevisionIsEncodedAndCachedUnderRefsRefs) {
  DownloadOptions o;
  o.revision = "refs/pr/1";
  auto r = MakeClient().Download("InvokeAI/clip-vit-large-patch14", "config.json", o);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_THAT(ReadFile(r->path), HasSubstr("transformers_version"));
  EXPECT_TRUE(fs::exists(Cache() + "/models--InvokeAI--clip-vit-large-patch14/refs/refs/pr/1"));
}

TEST_F(E2eTest, CutDownloadIsResumedWithRange) {
  Start(
      R"([{"server":"cdn","method":"GET","when":{"first":1},"do":{"cut":{"after_bytes":300000}}}])");
  auto r = MakeClient().Download(kSmallLfsRepo, "weights.bin");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->sha256, r->etag);
  ASSERT_TRUE(WaitForCdnEntries(2));
  bool resumed = false;
  std::string log;
  for (const auto& e : Cdn()) {
    resumed |= e.range.rfind("bytes=", 0) == 0 && e.status == 206;
    log += std::to_string(e.status) + " range=" + e.range +
           " sent=" + std::to_string(e.bytes_sent) + "\n";
  }
  EXPECT_TRUE(resumed) << log;
}

TEST_F(E2eTest, CompletePartialFileIsFinishedOn416) {
  const std::string content = BlobFor(kSmallLfsRepo, "weights.bin");
  const std::string sha = Sha256Hex(content);
  testing::WriteFile(Cache() + "/models--new-org--renamed-model/blobs/" + sha + ".incomplete",
                     content);
  ASSERT_TRUE(WaitForCdnEntries(1));  // BlobFor's own GET, before clearing
  server->journal().Clear();
  auto r = MakeClient().Download(kSmallLfsRepo, "weights.bin");
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_TRUE(WaitForCdnEntries(1));
  EXPECT_EQ(Cdn()[0].status, 416);
}

TEST_F(E2eTest, OkAnswerToRangeRestartsFromZero) {
  const std::string content = BlobFor(kSmallLfsRepo, "weights.bin");
  const std::string sha = Sha256Hex(content);
  Start(R"([{"server":"cdn","method":"GET","do":{"ignore_range":{}}}])");
  testing::WriteFile(Cache() + "/models--new-org--renamed-model/blobs/" + sha + ".incomplete",
                     "garbage that must not be kept");
  auto r = MakeClient().Download(kSmallLfsRepo, "weights.bin");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadFile(r->path), content);
}

TEST_F(E2eTest, ExpiredCdnUrlSendsTheClientBackToTheHub) {
  Start(R"([{"server":"cdn","method":"GET","when":{"first":1},
             "do":{"status":{"code":403,"body":"Request has expired"}}}])");
  auto r = MakeClient().Download(kSmallLfsRepo, "weights.bin");
  ASSERT_TRUE(r) << r.error().Message();
  int heads = 0;
  for (const auto& e : server->journal().Entries()) heads += e.method == "HEAD";
  EXPECT_EQ(heads, 2);
}

TEST_F(E2eTest, CdnThatKeepsRefusingIsReportedAsTheCdnAndLeavesNoEmptyPartial) {
  Start(R"([{"server":"cdn","method":"GET","do":{"status":{"code":403,
             "headers":{"Content-Type":"application/xml"},
             "body":"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"}}}])");
  auto r = MakeClient("hf_alice").Download(kSmallLfsRepo, "weights.bin");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kForbidden);
  EXPECT_THAT(r.error().Message(), HasSubstr("refused the signed URL"));
  EXPECT_THAT(r.error().Message(), HasSubstr("Request has expired"));
  EXPECT_THAT(r.error().Message(), ::testing::Not(HasSubstr("Try with a token")));
  EXPECT_THAT(r.error().Message(), ::testing::Not(HasSubstr("Hub refused")));
  ExpectNoBlobFiles("models--new-org--renamed-model");
}

TEST_F(E2eTest, RegularFileAnsweredWithACompleteHtmlPageIsAnIntegrityError) {
  // config.json is 37 bytes; the page is shorter, complete at its own length.
  Start(R"([{"server":"hub","method":"GET","path":"*/resolve/*","when":{"first":1},
             "do":{"status":{"code":200,"headers":{"Content-Type":"text/html"},
                             "body":"<html>Bad Gateway</html>"}}}])");
  auto r = MakeClient().Download(kSmallLfsRepo, "config.json");
  ASSERT_FALSE(r) << ReadFile(r->path);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity) << r.error().Message();
  EXPECT_THAT(r.error().Message(), HasSubstr("should be of size 37 but has size 24"));
  ExpectNoBlobFiles("models--new-org--renamed-model");
  for (const auto& e : server->journal().Entries()) EXPECT_EQ(e.range, "") << e.target;
  auto again = MakeClient().Download(kSmallLfsRepo, "config.json");
  ASSERT_TRUE(again) << again.error().Message();
  EXPECT_EQ(ReadFile(again->path), "{\"model_type\": \"gpt2\", \"n_layer\": 2}\n");
}

TEST_F(E2eTest, StalledTransferIsAbandonedAfterTheIdleTimeoutAndResumed) {
  // 300000 bytes, then silence for 6 s on an open connection. An idle
  // timeout of 1 s must end that attempt (not an average over a window that
  // still remembers the burst), and the download resumes where it stopped.
  Start(R"([{"server":"cdn","method":"GET","when":{"first":1},
             "do":{"stall":{"after_bytes":300000,"ms":6000}}}])");
  idle_timeout = std::chrono::seconds(1);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = MakeClient().Download(kSmallLfsRepo, "weights.bin");
  const auto took_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->sha256, r->etag);
  EXPECT_LT(took_ms, 4500);  // well before the stall ends
  ASSERT_TRUE(WaitForCdnEntries(2));
  bool resumed = false;
  std::string log;
  for (const auto& e : Cdn()) {
    resumed |= e.range == "bytes=300000-" && e.status == 206;
    log += std::to_string(e.status) + " range=" + e.range +
           " sent=" + std::to_string(e.bytes_sent) + "\n";
  }
  EXPECT_TRUE(resumed) << log;
}

TEST_F(E2eTest, CorruptBodyIsAnIntegrityErrorAndNothingIsCached) {
  Start(R"([{"server":"cdn","method":"GET","do":{"corrupt":{"offset":10}}}])");
  auto r = MakeClient().Download(kSmallLfsRepo, "weights.bin");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kIntegrity);
  const std::string blobs = Cache() + "/models--new-org--renamed-model/blobs";
  for (const auto& e : fs::directory_iterator(blobs)) ADD_FAILURE() << e.path();
}

TEST_F(E2eTest, OfflineModeOpensNoConnection) {
  ASSERT_TRUE(MakeClient().Download(kSmallLfsRepo, "config.json"));
  ASSERT_TRUE(WaitForEntries(2));  // HEAD + GET, before clearing
  server->journal().Clear();
  auto r = MakeClient({}, true).Download(kSmallLfsRepo, "config.json");
  ASSERT_TRUE(r) << r.error().Message();
  auto miss = MakeClient({}, true).Download(kSmallLfsRepo, "weights.bin");
  ASSERT_FALSE(miss);
  EXPECT_EQ(miss.error().kind, Kind::kOfflineNotCached);
  EXPECT_TRUE(server->journal().Entries().empty());
}

TEST_F(E2eTest, SnapshotWithIncludePattern) {
  SnapshotOptions o;
  o.include = {"*.json"};
  auto r = MakeClient().Snapshot("InvokeAI/clip-vit-large-patch14", o);
  ASSERT_TRUE(r) << r.error().Message();
  ASSERT_EQ(r->files.size(), 2u);
  for (const auto& f : r->files) EXPECT_TRUE(fs::exists(f.local)) << f.local;
  EXPECT_FALSE(fs::exists(r->folder + "/model.safetensors"));
}

TEST_F(E2eTest, DatasetSnapshot) {
  SnapshotOptions o;
  o.repo_type = RepoType::kDataset;
  auto r = MakeClient().Snapshot("demo/tiny-dataset", o);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(fs::exists(r->folder + "/data/train.csv"));
}

TEST_F(E2eTest, SnapshotWritesTheTreeCacheLikeHuggingfaceHub) {
  auto r = MakeClient().Snapshot("InvokeAI/clip-vit-large-patch14");
  ASSERT_TRUE(r) << r.error().Message();
  const std::string tree =
      Cache() + "/models--InvokeAI--clip-vit-large-patch14/trees/" + r->commit + ".json";
  ASSERT_TRUE(fs::exists(tree));
  const auto doc = nlohmann::json::parse(ReadFile(tree));
  EXPECT_EQ(doc["format_version"], 1);
  ASSERT_EQ(doc["files"].size(), 3u) << doc.dump();
  const auto& config = doc["files"]["config.json"];
  EXPECT_EQ(config["size"], ReadFile(r->folder + "/config.json").size());
  EXPECT_EQ(config["blob_id"].get<std::string>().size(), 40u);
  EXPECT_FALSE(config.contains("lfs_sha256"));
  const auto& model = doc["files"]["model.safetensors"];
  EXPECT_EQ(model["size"], 67108864u);
  EXPECT_EQ(model["lfs_size"], 67108864u);
  EXPECT_EQ(model["lfs_sha256"].get<std::string>().size(), 64u);
}

TEST_F(E2eTest, SecondSnapshotOfACommitReadsTheTreeCacheInsteadOfListing) {
  SnapshotOptions o;
  o.include = {"*.json"};
  auto first = MakeClient().Snapshot("InvokeAI/clip-vit-large-patch14", o);
  ASSERT_TRUE(first) << first.error().Message();
  ASSERT_TRUE(WaitForEntries(1));
  server->journal().Clear();
  o.revision = first->commit;
  auto again = MakeClient().Snapshot("InvokeAI/clip-vit-large-patch14", o);
  ASSERT_TRUE(again) << again.error().Message();
  EXPECT_EQ(again->files.size(), 2u);
  for (const auto& e : server->journal().Entries()) {
    EXPECT_EQ(e.target.find("/tree/"), std::string::npos) << e.target;
  }
}

TEST_F(E2eTest, OfflineSnapshotWithFilesMissingFromTheTreeIsNotCached) {
  SnapshotOptions o;
  o.include = {"config.json"};
  ASSERT_TRUE(MakeClient().Snapshot("InvokeAI/clip-vit-large-patch14", o));
  auto partial = MakeClient({}, true).Snapshot("InvokeAI/clip-vit-large-patch14", o);
  EXPECT_TRUE(partial) << partial.error().Message();  // all selected files are there
  o.include = {"*.json"};
  auto incomplete = MakeClient({}, true).Snapshot("InvokeAI/clip-vit-large-patch14", o);
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().kind, Kind::kOfflineNotCached);
  EXPECT_THAT(incomplete.error().Message(), HasSubstr("tokenizer.json"));
}

// A trees/<commit>.json listing an unsafe path was not written by a Hub
// client: offline it is ignored (the snapshot folder answers), online the
// tree is listed again from the server and the cache rewritten.
TEST_F(E2eTest, TreeCacheWithAnUnsafePathIsIgnored) {
  SnapshotOptions o;
  o.include = {"config.json"};
  auto first = MakeClient().Snapshot("InvokeAI/clip-vit-large-patch14", o);
  ASSERT_TRUE(first) << first.error().Message();
  const RepoId repo{"InvokeAI/clip-vit-large-patch14", RepoType::kModel};
  const std::string tree = CacheLayout(Cache()).TreePath(repo, first->commit);
  ASSERT_TRUE(std::filesystem::exists(tree));
  // huggingface_hub's trees/<commit>.json format, with one path escaping.
  testing::WriteFile(tree, R"({"format_version":1,"files":{
      "config.json":{"size":4519,"blob_id":"aaaa"},
      "../../outside.json":{"size":1,"blob_id":"bbbb"}}})");

  o.include = {"*.json"};
  auto offline = MakeClient({}, true).Snapshot("InvokeAI/clip-vit-large-patch14", o);
  ASSERT_TRUE(offline) << offline.error().Message();
  ASSERT_EQ(offline->files.size(), 1u);
  EXPECT_EQ(offline->files[0].path, "config.json");

  o.include = {"config.json"};
  auto online = MakeClient().Snapshot("InvokeAI/clip-vit-large-patch14", o);
  ASSERT_TRUE(online) << online.error().Message();
  EXPECT_THAT(testing::ReadFile(tree), Not(HasSubstr("outside")));
}

TEST_F(E2eTest, TwoDownloadersOfTheSameBlobFetchItOnce) {
  Result<DownloadResult> a = MakeError(Kind::kIo, "not run");
  Result<DownloadResult> b = MakeError(Kind::kIo, "not run");
  std::thread t1([&] { a = MakeClient().Download(kSmallLfsRepo, "weights.bin"); });
  std::thread t2([&] { b = MakeClient().Download(kSmallLfsRepo, "weights.bin"); });
  t1.join();
  t2.join();
  ASSERT_TRUE(a) << a.error().Message();
  ASSERT_TRUE(b) << b.error().Message();
  ASSERT_TRUE(WaitForCdnEntries(1));
  EXPECT_EQ(Cdn().size(), 1u);
}

TEST_F(E2eTest, WhoamiAndInfo) {
  auto who = MakeClient("hf_alice").Whoami();
  ASSERT_TRUE(who) << who.error().Message();
  EXPECT_EQ(who->name, "alice");
  auto info = MakeClient().Info("black-forest-labs/FLUX.1-dev");
  ASSERT_TRUE(info) << info.error().Message();
  EXPECT_EQ(info->gated, "manual");
}

}  // namespace
}  // namespace hubget
