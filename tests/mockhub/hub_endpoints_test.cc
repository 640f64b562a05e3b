// The download-path endpoints on the decision function: resolve (regular,
// LFS, revisions, Range), raw, renames, /api info, /tree paging, whoami.
#include <nlohmann/json.hpp>

#include "hub_fixture.h"
#include "mockhub/base/digest.h"

namespace mockhub::testing {
namespace {

using nlohmann::json;
using HubEndpointsTest = HubTest;
const std::string kRepo = std::string("/") + kClip;

TEST_F(HubEndpointsTest, RegularFileHeadCarriesGitBlobEtagSizeAndCommit) {
  HttpResponse r = Head(kRepo + "/resolve/main/config.json");
  const RepoFile& f = MainCommit().files.at("config.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Get("ETag"), "\"" + f.content->GitBlobSha1() + "\"");
  EXPECT_EQ(r.BodyLength(), f.content->size());
  EXPECT_EQ(r.Get("X-Repo-Commit"), MainCommit().sha);
  EXPECT_EQ(r.Get("Accept-Ranges"), "bytes");
  EXPECT_FALSE(r.Has("X-Linked-Etag"));
  EXPECT_EQ(r.Get("X-Request-Id"), "req-1");
  EXPECT_EQ(r.Get("Date"), "Thu, 01 Jan 2026 00:00:00 GMT");  // the server clock
  for (const auto& [k, v] : r.headers) EXPECT_EQ(k.rfind("X-Xet", 0), std::string::npos) << k;
}

TEST_F(HubEndpointsTest, GitBlobShaMatchesGit) {
  EXPECT_EQ(GitBlobSha1Of(""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_EQ(GitBlobSha1Of("hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST_F(HubEndpointsTest, LfsFileRedirectsToSignedCdnUrlWithLinkedMetadata) {
  HttpResponse r = Head(kRepo + "/resolve/main/model.safetensors");
  const RepoFile& f = MainCommit().files.at("model.safetensors");
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(r.Get("X-Linked-Etag"), "\"" + f.content->Sha256() + "\"");
  EXPECT_EQ(r.Get("X-Linked-Size"), "67108864");
  EXPECT_EQ(r.Get("X-Repo-Commit"), MainCommit().sha);
  EXPECT_EQ(
      r.Get("Location")
          .rfind(std::string(kCdnBase) + "/repos/models/" + kClip + "/" + f.content->Sha256() + "?",
                 0),
      0u)
      << r.Get("Location");
  EXPECT_NE(r.Get("Location").find("Signature="), std::string::npos);
}

// A PR number is read whole: 2^32 + 1 is no PR 1 (it once wrapped through
// atoi), and neither is a number too long for any PR.
TEST_F(HubEndpointsTest, APrNumberThatOverflowsIsNotFoundNotAnotherPr) {
  const Repo& repo = *world_.FindRepo(RepoType::kModel, kClip);
  ASSERT_NE(repo.Resolve("refs/pr/1"), nullptr);
  EXPECT_EQ(repo.Resolve("refs/pr/4294967297"), nullptr);
  EXPECT_EQ(repo.Resolve("refs/pr/18446744073709551617"), nullptr);
  EXPECT_EQ(repo.Resolve("refs/pr/1x"), nullptr);
  EXPECT_EQ(Head(kRepo + "/resolve/refs%2Fpr%2F4294967297/config.json").status, 404);
}

TEST_F(HubEndpointsTest, RevisionsResolveByBranchPrTagAndSha) {
  const Repo& repo = *world_.FindRepo(RepoType::kModel, kClip);
  const std::string main_sha = repo.branches.at("main"), dev_sha = repo.branches.at("dev");
  const std::string pr_sha = repo.pull_requests.at(1);
  EXPECT_EQ(Head(kRepo + "/resolve/dev/config.json").Get("X-Repo-Commit"), dev_sha);
  EXPECT_EQ(Head(kRepo + "/resolve/refs%2Fpr%2F1/config.json").Get("X-Repo-Commit"), pr_sha);
  EXPECT_EQ(Head(kRepo + "/resolve/refs/pr/1/config.json").Get("X-Repo-Commit"), pr_sha);
  EXPECT_EQ(Head(kRepo + "/resolve/" + dev_sha + "/config.json").Get("X-Repo-Commit"), dev_sha);
  EXPECT_EQ(Head(kRepo + "/resolve/HEAD/config.json").Get("X-Repo-Commit"), main_sha);
  // Each revision has its own config.json.
  std::set<std::string> etags;
  for (const char* rev : {"main", "dev", "refs%2Fpr%2F1"}) {
    etags.insert(Head(kRepo + "/resolve/" + std::string(rev) + "/config.json").Get("ETag"));
  }
  EXPECT_EQ(etags.size(), 3u);
  // Shared files keep their blob across revisions.
  EXPECT_EQ(Head(kRepo + "/resolve/dev/model.safetensors").Get("X-Linked-Etag"),
            Head(kRepo + "/resolve/main/model.safetensors").Get("X-Linked-Etag"));
}

TEST_F(HubEndpointsTest, RangeOnRegularFileIs206WithExactContentRange) {
  HttpResponse r = Call("GET", kRepo + "/resolve/main/config.json", {{"Range", "bytes=0-0"}});
  const std::uint64_t size = MainCommit().files.at("config.json").content->size();
  ASSERT_EQ(r.status, 206);
  EXPECT_EQ(r.Get("Content-Range"), "bytes 0-0/" + std::to_string(size));
  EXPECT_EQ(Body(r), "{");
  HttpResponse tail = Call("GET", kRepo + "/resolve/main/config.json", {{"Range", "bytes=10-"}});
  EXPECT_EQ(tail.Get("Content-Range"),
            "bytes 10-" + std::to_string(size - 1) + "/" + std::to_string(size));
  EXPECT_EQ(tail.BodyLength(), size - 10);
}

TEST_F(HubEndpointsTest, UnsatisfiableRangeIs416WithStarContentRange) {
  const std::uint64_t size = MainCommit().files.at("config.json").content->size();
  HttpResponse r = Call("GET", kRepo + "/resolve/main/config.json",
                        {{"Range", "bytes=" + std::to_string(size) + "-"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.Get("Content-Range"), "bytes */" + std::to_string(size));
}

TEST_F(HubEndpointsTest, RenamedRepoAnswersRelative307ToTheNewId) {
  HttpResponse r = Head("/old-org/renamed-model/resolve/main/config.json?x=1");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.Get("Location"), "/new-org/renamed-model/resolve/main/config.json?x=1");
  EXPECT_FALSE(r.Has("X-Repo-Commit"));
  EXPECT_EQ(Get("/api/models/old-org/renamed-model/revision/main").Get("Location"),
            "/api/models/new-org/renamed-model/revision/main");
}

TEST_F(HubEndpointsTest, RawServesLfsPointerNotContent) {
  HttpResponse r = Get(kRepo + "/raw/main/model.safetensors");
  ASSERT_EQ(r.status, 200);
  const auto& c = *MainCommit().files.at("model.safetensors").content;
  EXPECT_EQ(Body(r), "version https://git-lfs.github.com/spec/v1\noid sha256:" + c.Sha256() +
                         "\nsize 67108864\n");
}

TEST_F(HubEndpointsTest, ResolveCacheModeRedirectsRegularFilesOnTheSameHost) {
  world_.options.resolve_cache_redirect = true;
  HttpResponse r = Head(kRepo + "/resolve/main/config.json");
  ASSERT_EQ(r.status, 307);
  const std::string loc = r.Get("Location");
  EXPECT_EQ(loc.rfind("/api/resolve-cache/models/" + std::string(kClip) + "/" + MainCommit().sha +
                          "/config.json?",
                      0),
            0u)
      << loc;
  EXPECT_TRUE(r.Has("X-Linked-Etag"));
  // The target answers without depending on the query (huggingface_hub drops it).
  HttpResponse final_hop = Head(loc.substr(0, loc.find('?')));
  EXPECT_EQ(final_hop.status, 200);
  EXPECT_EQ(final_hop.Get("X-Repo-Commit"), MainCommit().sha);
  EXPECT_EQ(final_hop.Get("ETag"), r.Get("X-Linked-Etag"));
}

TEST_F(HubEndpointsTest, DatasetPrefixSelectsTheDataset) {
  EXPECT_EQ(Get("/datasets/demo/tiny-dataset/resolve/main/data/train.csv").status, 200);
  EXPECT_EQ(Get("/demo/tiny-dataset/resolve/main/data/train.csv").status, 401);  // no such model
  EXPECT_EQ(Get("/api/datasets/demo/tiny-dataset").status, 200);
}

TEST_F(HubEndpointsTest, RepoInfoHasShaAndSiblingsWithBlobsOnRequest) {
  json plain = json::parse(Get("/api/models/" + std::string(kClip)).body);
  EXPECT_EQ(plain["sha"], MainCommit().sha);
  EXPECT_EQ(plain["id"], kClip);
  EXPECT_FALSE(plain["siblings"][0].contains("size"));
  json blobs =
      json::parse(Get("/api/models/" + std::string(kClip) + "/revision/main?blobs=true").body);
  bool saw_lfs = false;
  for (const auto& s : blobs["siblings"]) {
    EXPECT_TRUE(s.contains("size"));
    if (s["rfilename"] == "model.safetensors") {
      saw_lfs = true;
      EXPECT_EQ(s["lfs"]["sha256"], MainCommit().files.at("model.safetensors").content->Sha256());
      EXPECT_EQ(s["lfs"]["size"], 67108864);
    }
  }
  EXPECT_TRUE(saw_lfs);
  EXPECT_EQ(
      json::parse(Get("/api/models/" + std::string(kClip) + "/revision/refs%2Fpr%2F1").body)["sha"],
      world_.FindRepo(RepoType::kModel, kClip)->pull_requests.at(1));
}

TEST_F(HubEndpointsTest, RepoInfoAcceptsHeadRevisionAndRepeatedExpandKeys) {
  HttpResponse r = Get("/api/models/" + std::string(kClip) +
                       "/revision/HEAD?expand=sha&expand=gated&expand=nonsense");
  ASSERT_EQ(r.status, 200);
  json j = json::parse(r.body);
  EXPECT_EQ(j["sha"], MainCommit().sha);
  EXPECT_EQ(j["gated"], false);
  EXPECT_FALSE(j.contains("siblings"));
  EXPECT_FALSE(j.contains("nonsense"));
}

TEST_F(HubEndpointsTest, TreeListsOneLevelOrRecursively) {
  json top = json::parse(Get("/api/datasets/demo/tiny-dataset/tree/main").body);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0]["path"], "README.md");
  EXPECT_EQ(top[1]["type"], "directory");
  EXPECT_EQ(top[1]["path"], "data");
  json rec = json::parse(
      Get("/api/datasets/demo/tiny-dataset/tree/main?recursive=true&expand=false").body);
  EXPECT_EQ(rec.size(), 3u);
  json sub = json::parse(Get("/api/datasets/demo/tiny-dataset/tree/main/data").body);
  ASSERT_EQ(sub.size(), 1u);
  EXPECT_EQ(sub[0]["path"], "data/train.csv");
  json lfs = json::parse(Get("/api/models/" + std::string(kClip) + "/tree/main").body);
  for (const auto& e : lfs) {
    if (e["path"] == "model.safetensors") {
      EXPECT_EQ(e["lfs"]["oid"], MainCommit().files.at("model.safetensors").content->Sha256());
      EXPECT_EQ(e["lfs"]["pointerSize"], 133);  // 43 + 76 + 14 bytes
    }
    EXPECT_FALSE(e.contains("xetHash"));
  }
}

TEST_F(HubEndpointsTest, TreePagesFollowLinkNextUntilExhausted) {
  world_.options.tree_page_size = 2;
  std::string target =
      "/api/models/" + std::string(kClip) + "/tree/main?recursive=true&expand=false";
  std::vector<std::string> paths;
  for (int pages = 0; pages < 10; ++pages) {
    HttpResponse r = Get(target);
    ASSERT_EQ(r.status, 200) << target;
    for (const auto& e : json::parse(r.body)) paths.push_back(e["path"]);
    const std::string link = r.Get("Link");
    if (link.empty()) break;
    ASSERT_EQ(link.rfind(std::string("<") + kEndpoint, 0), 0u) << link;
    EXPECT_NE(link.find(">; rel=\"next\""), std::string::npos);
    target = link.substr(1 + std::string(kEndpoint).size(),
                         link.find('>') - 1 - std::string(kEndpoint).size());
  }
  EXPECT_EQ(paths,
            (std::vector<std::string>{"config.json", "model.safetensors", "tokenizer.json"}));
}

TEST_F(HubEndpointsTest, WhoamiDescribesUserOrgsAndToken) {
  json j = json::parse(Get("/api/whoami-v2", "hf_alice").body);
  EXPECT_EQ(j["name"], "alice");
  EXPECT_EQ(j["orgs"][0]["name"], "InvokeAI");
  EXPECT_EQ(j["auth"]["accessToken"]["displayName"], "laptop");
  EXPECT_EQ(j["auth"]["accessToken"]["role"], "read");
  EXPECT_EQ(Get("/api/whoami-v2").status, 401);
}

TEST_F(HubEndpointsTest, MemberOfOwningOrgReadsItsPrivateRepo) {
  world_.FindRepo(RepoType::kModel, kClip)->is_private = true;
  EXPECT_EQ(Get(kRepo + "/resolve/main/config.json", "hf_alice").status,
            200);  // alice is in InvokeAI
  EXPECT_EQ(Get(kRepo + "/resolve/main/config.json", "hf_bob").status, 404);
}

TEST_F(HubEndpointsTest, OddRequestsGetClearAnswers) {
  EXPECT_EQ(Get(kRepo + "/resolve/main/../secret").status, 400);
  EXPECT_EQ(Get(kRepo + "/resolve/main/a%2").status, 400);
  EXPECT_EQ(Call("POST", kRepo + "/resolve/main/config.json").status, 405);
  EXPECT_EQ(Get("/api/agent-harnesses").status, 404);
  EXPECT_EQ(Get("/").status, 404);
  EXPECT_EQ(Get(kRepo + "/resolve/main").status, 404);
  EXPECT_EQ(Get("/api/models/" + std::string(kClip) + "/tree/main?cursor=@@").status, 400);
}

}  // namespace
}  // namespace mockhub::testing

namespace mockhub::testing {
namespace {

using nlohmann::json;
using HubPathsInfoTest = HubTest;

TEST_F(HubPathsInfoTest, AnswersJsonAndFormBodiesWithTheLastCommitThatTouchedEachFile) {
  const Repo& repo = *world_.FindRepo(RepoType::kModel, kClip);
  const std::string dev = repo.branches.at("dev"), main_sha = repo.branches.at("main");
  HttpRequest req{"POST",
                  "/api/models/" + std::string(kClip) + "/paths-info/dev",
                  {{"Content-Type", "application/json"}},
                  R"({"paths": ["config.json", "model.safetensors", "missing"], "expand": true})"};
  HttpResponse r =
      HandleHub(req, world_, HubContext{kEndpoint, kCdnBase, kKey, now_, "r", kCasBase});
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["path"], "config.json");
  EXPECT_EQ(j[0]["lastCommit"]["id"], dev);  // dev changed config.json
  EXPECT_EQ(j[1]["lfs"]["oid"], MainCommit().files.at("model.safetensors").content->Sha256());
  EXPECT_EQ(j[1]["lastCommit"]["id"], main_sha);  // inherited from main
  HttpRequest form{"POST",
                   "/api/models/" + std::string(kClip) + "/paths-info/main",
                   {{"Content-Type", "application/x-www-form-urlencoded"}},
                   "paths=config.json&paths=tokenizer.json"};
  EXPECT_EQ(
      json::parse(
          HandleHub(form, world_, HubContext{kEndpoint, kCdnBase, kKey, now_, "r", kCasBase}).body)
          .size(),
      2u);
  EXPECT_EQ(Get("/api/models/" + std::string(kClip) + "/paths-info/main").status, 405);
}

// tests/fuzz/corpus/site_fuzzer/invalid-utf8-revision: the error message
// quotes the revision, and JSON cannot hold invalid UTF-8 (dump() threw).
TEST_F(HubEndpointsTest, ErrorBodyQuotingInvalidUtf8IsStillJson) {
  HttpResponse r = Get("/api/models/" + std::string(kClip) + "/revision/refs%2Fpr%2F1\xee");
  EXPECT_EQ(r.status, 404);
  ASSERT_TRUE(json::accept(r.body)) << r.body;
  EXPECT_NE(json::parse(r.body)["error"].get<std::string>().find("\xef\xbf\xbd"),
            std::string::npos);
}

}  // namespace
}  // namespace mockhub::testing
