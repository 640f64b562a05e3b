// World files: the demo world loads, content is deterministic, and bad input
// is refused with the file, the JSON pointer and the reason.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mockhub/base/digest.h"
#include "mockhub/world/world_json.h"

namespace mockhub {
namespace {

using nlohmann::json;

LoadError LoadFails(const std::string& text) {
  auto doc = ParseJsonText(text, "w.json");
  if (!doc) return doc.error();
  auto w = WorldFromJson(*doc, "w.json");
  EXPECT_FALSE(w.ok()) << text;
  return w.ok() ? LoadError{} : w.error();
}

TEST(WorldTest, DemoWorldHasTheDocumentedReposAndTokens) {
  auto doc = ParseJsonText(DemoWorldJson(), "<demo world>");
  ASSERT_TRUE(doc.ok());
  auto w = WorldFromJson(*doc, "<demo world>");
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  EXPECT_EQ(w->repos.size(), 7u);
  EXPECT_TRUE(w->FindRepo(RepoType::kDataset, "demo/tiny-dataset"));
  EXPECT_EQ(*w->RenamedTo(RepoType::kModel, "old-org/renamed-model"), "new-org/renamed-model");
  EXPECT_EQ(w->FindToken("hf_expired")->name, "old-laptop");
  EXPECT_EQ(w->FindToken("hf_revoked")->state, TokenState::kRevoked);
  const Repo& clip = *w->FindRepo(RepoType::kModel, "InvokeAI/clip-vit-large-patch14");
  EXPECT_EQ(clip.Resolve("main")->files.at("model.safetensors").content->size(), 64u << 20);
  EXPECT_TRUE(clip.Resolve("main")->files.at("model.safetensors").lfs);
  EXPECT_FALSE(clip.Resolve("main")->files.at("model.safetensors").xet);
  // The Xet-backed files of issue 9: a repo default and a file of its own.
  const Commit& schnell =
      *w->FindRepo(RepoType::kModel, "black-forest-labs/FLUX.1-schnell")->Resolve("main");
  EXPECT_TRUE(schnell.files.at("ae.safetensors").xet);
  EXPECT_EQ(schnell.files.at("ae.safetensors").compression, XetCompression::kLz4);
  EXPECT_EQ(schnell.files.at("transformer/diffusion_pytorch_model.safetensors").compression,
            XetCompression::kBg4);
  EXPECT_FALSE(schnell.files.at("model_index.json").xet);
  const Commit& dev =
      *w->FindRepo(RepoType::kModel, "black-forest-labs/FLUX.1-dev")->Resolve("main");
  EXPECT_TRUE(dev.files.at("flux1-dev.safetensors").xet);
  EXPECT_FALSE(dev.files.at("ae.safetensors").xet);
  EXPECT_FALSE(clip.Resolve("main")->files.at("config.json").lfs);
  EXPECT_EQ(w->FindRepo(RepoType::kModel, "black-forest-labs/FLUX.1-dev")->gated, Gating::kManual);
}

TEST(WorldTest, CommitShasAreStableAcrossLoads) {
  EXPECT_EQ(DemoWorld()
                .FindRepo(RepoType::kModel, "InvokeAI/clip-vit-large-patch14")
                ->branches.at("main"),
            DemoWorld()
                .FindRepo(RepoType::kModel, "InvokeAI/clip-vit-large-patch14")
                ->branches.at("main"));
}

TEST(ContentTest, SyntheticBytesDependOnlyOnSeedAndOffset) {
  auto a = Content::Synthetic(1000, 7), b = Content::Synthetic(1000, 7),
       c = Content::Synthetic(1000, 8);
  const std::string all = a->ReadAll();
  EXPECT_EQ(all, b->ReadAll());
  EXPECT_NE(all, c->ReadAll());
  for (std::uint64_t off : {0u, 1u, 7u, 8u, 13u, 999u}) {
    char buf[64];
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, 1000 - off));
    a->Read(off, buf, n);
    EXPECT_EQ(std::string(buf, n), all.substr(off, n)) << off;
  }
}

TEST(ContentTest, SyntheticStreamIsTheSameFromReleaseToRelease) {
  // Scenario files may pin a synthetic file's sha256: the generator's output
  // is part of the world format. This is the demo model.safetensors.
  EXPECT_EQ(Content::Synthetic(64u << 20, 1)->Sha256(),
            "630706800eb64d12d54172fb085f8d5101c18a6927944d07607ae293b76be58a");
}

TEST(ContentTest, HashesAreComputedOverTheStreamedBytes) {
  auto c = Content::Synthetic(3u << 20, 5);  // spans several hashing chunks
  EXPECT_EQ(c->Sha256(), Sha256Hex(c->ReadAll()));
  EXPECT_EQ(Content::Inline("")->Sha256(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(WorldLoadTest, InvalidJsonNamesTheByteOffset) {
  LoadError e = LoadFails("{\"repos\": {");
  EXPECT_EQ(e.file, "w.json");
  EXPECT_NE(e.reason.find("invalid JSON at byte"), std::string::npos) << e.reason;
}

TEST(WorldLoadTest, UnknownKeyIsAnErrorAtItsPointer) {
  LoadError e = LoadFails(R"({"repos": {"a/b": {"files": {"x": "y"}, "privat": true}}})");
  EXPECT_EQ(e.pointer, "/repos/a~1b/privat");
  EXPECT_NE(e.reason.find("unknown key"), std::string::npos);
}

TEST(WorldLoadTest, FileNamesWithControlCharactersAreRefused) {
  // A CR/LF in a name would end the Content-Disposition header it is quoted in.
  const LoadError e = LoadFails(R"({"repos": {"a/b": {"files": {"x\r\nSet-Cookie: y": "z"}}}})");
  EXPECT_EQ(e.pointer, "/repos/a~1b/files/x\r\nSet-Cookie: y");
  EXPECT_NE(e.reason.find("control character"), std::string::npos) << e.reason;
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"tab\there": "z"}}}})").pointer,
            "/repos/a~1b/files/tab\there");
}

TEST(WorldLoadTest, BadFileSpecsAreRefused) {
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"x": {"text": "1", "size": 3}}}}})").pointer,
            "/repos/a~1b/files/x");
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"x": {"base64": "!!"}}}}})").pointer,
            "/repos/a~1b/files/x/base64");
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"../x": "y"}}}})").pointer,
            "/repos/a~1b/files/..~1x");
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"x": {"size": -1}}}}})").pointer,
            "/repos/a~1b/files/x/size");
}

TEST(WorldLoadTest, ReferencesMustResolve) {
  EXPECT_EQ(LoadFails(R"({"tokens": {"hf_x": {"user": "nobody"}}})").pointer, "/tokens/hf_x/user");
  EXPECT_EQ(
      LoadFails(R"({"repos": {"a/b": {"files": {"x": "y"}}}, "renames": {"c/d": "e/f"}})").pointer,
      "/renames/c~1d");
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"x": "y"}, "branches": {"dev": "nope"}}}})")
                .pointer,
            "/repos/a~1b/branches/dev");
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"commits": {"c1": {"parent": "c1"}}}}})").pointer,
            "/repos/a~1b/commits/c1");
  EXPECT_EQ(
      LoadFails(R"({"repos": {"a/b": {"files": {"x": "y"}, "approved": ["ghost"]}}})").pointer,
      "/repos/a~1b/approved");
}

TEST(WorldLoadTest, WrongTypesAndValuesAreRefused) {
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"x": "y"}, "private": "yes"}}})").pointer,
            "/repos/a~1b/private");
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"x": "y"}, "gated": "sometimes"}}})").pointer,
            "/repos/a~1b/gated");
  EXPECT_EQ(LoadFails(R"({"cdn": {"flavour": "akamai"}})").pointer, "/cdn/flavour");
  EXPECT_EQ(LoadFails(R"({"version": 2})").pointer, "/version");
  EXPECT_EQ(LoadFails(R"([1, 2])").pointer, "");
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b/c": {"files": {"x": "y"}}}})").pointer, "/repos/a~1b~1c");
}

// Issue 25, R1: branch, tag and default-branch names are ref names (names.h),
// so none can climb out of refs/ when a client or the runner's cache seeding
// writes refs/<name>, or read as an option.
TEST(WorldLoadTest, RefNamesThatLeaveTheirFolderOrReadAsOptionsAreRefusedAtTheirPointer) {
  const std::string repo = R"({"repos": {"a/b": {"files": {"x": "y"}, )";
  for (const std::string& name :
       {std::string("../../x"), std::string("a/../b"), std::string("/abs"), std::string("a\\b"),
        std::string("-x"), std::string("a\0b", 3), std::string("refs/heads/x"),
        std::string("x.lock"), std::string("a b"), std::string("@")}) {
    const std::string key = json(name).dump();  // the name as a JSON string
    const std::string token = PointerToken(name);
    const LoadError branch =
        LoadFails(repo + R"("branches": {"main": "initial", )" + key + R"(: "initial"}}}})");
    EXPECT_EQ(branch.file, "w.json");
    EXPECT_EQ(branch.pointer, "/repos/a~1b/branches/" + token) << key;
    EXPECT_NE(branch.reason.find("invalid branch name"), std::string::npos) << branch.reason;
    const LoadError tag = LoadFails(repo + R"("tags": {)" + key + R"(: "initial"}}}})");
    EXPECT_EQ(tag.pointer, "/repos/a~1b/tags/" + token) << key;
    EXPECT_NE(tag.reason.find("invalid tag name"), std::string::npos) << tag.reason;
    const LoadError def = LoadFails(repo + R"("default_branch": )" + key + "}}}");
    EXPECT_EQ(def.pointer, "/repos/a~1b/default_branch") << key;
    EXPECT_NE(def.reason.find("invalid branch name"), std::string::npos) << def.reason;
  }
}

TEST(WorldLoadTest, RepoIdsAndRenamesFollowTheHubsRules) {
  for (const char* id : {"-a/b", "a/.b", "a--b/c", "a/b.git", "..", "a/b\\c"}) {
    const LoadError e =
        LoadFails(R"({"repos": {)" + json(id).dump() + R"(: {"files": {"x": "y"}}}})");
    EXPECT_NE(e.reason.find("invalid repo id"), std::string::npos) << id << ": " << e.reason;
  }
  const LoadError e =
      LoadFails(R"({"repos": {"a/b": {"files": {"x": "y"}}}, "renames": {"../../etc": "a/b"}})");
  EXPECT_EQ(e.pointer, "/renames/..~1..~1etc");
  EXPECT_NE(e.reason.find("invalid old repo id"), std::string::npos) << e.reason;
  EXPECT_EQ(LoadFails(R"({"repos": {"a/b": {"files": {"-x": "y"}}}})").pointer,
            "/repos/a~1b/files/-x");
}

TEST(WorldLoadTest, CommitsInheritFromTheirParent) {
  auto doc = ParseJsonText(R"({"repos": {"a/b": {
      "commits": {"c1": {"files": {"x": "1", "y": "2"}}, "c2": {"parent": "c1", "files": {"x": "3", "y": null}}},
      "branches": {"main": "c2", "old": "c1"}, "tags": {"v1": "c1"}, "prs": {"4": "c1"}}}})",
                           "w.json");
  auto w = WorldFromJson(*doc, "w.json");
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  const Repo& r = *w->FindRepo(RepoType::kModel, "a/b");
  EXPECT_EQ(r.Resolve("main")->files.size(), 1u);
  EXPECT_EQ(r.Resolve("main")->files.at("x").content->ReadAll(), "3");
  EXPECT_EQ(r.Resolve("v1")->files.size(), 2u);
  EXPECT_EQ(r.Resolve("refs/pr/4"), r.Resolve("old"));
  EXPECT_EQ(r.Resolve("refs/pr/5"), nullptr);
}

}  // namespace
}  // namespace mockhub

#include "mockhub/http/journal.h"

namespace mockhub {
namespace {

TEST(JournalTest, KeepsTheNewestEntriesUpToItsCap) {
  Journal j;
  for (std::size_t i = 0; i < Journal::kMaxEntries + 5; ++i) {
    JournalEntry e;
    e.seq = j.NextSeq();
    j.Add(std::move(e));
  }
  auto entries = j.Entries();
  EXPECT_EQ(entries.size(), Journal::kMaxEntries);
  EXPECT_EQ(entries.front().seq, 6u);
  EXPECT_EQ(j.dropped(), 5u);
  EXPECT_TRUE(j.WaitForIdle(std::chrono::milliseconds(10)));
}

TEST(JournalTest, RedactionShowsAtMostSixCharactersAndNeverHalfAToken) {
  EXPECT_EQ(RedactAuthorization("Bearer hf_abcdefghijklmnopqrstuvwxyz0123456789"),
            "Bearer hf_abc…");
  EXPECT_EQ(RedactAuthorization("Bearer hf_bob"), "Bearer hf_…");
  EXPECT_EQ(RedactAuthorization("hf_alice_no_scheme"), "hf_ali…");
  EXPECT_EQ(RedactAuthorization("Bearer hf_\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"),
            "Bearer hf_??\xe2\x80\xa6"  // "?" for non-ASCII
  );
  EXPECT_EQ(RedactAuthorization(""), "");
}

TEST(JournalTest, RedactionKeepsOnlyAKnownSchemeVerbatim) {
  // No scheme and a space: one credential, cut as a whole (issue 12, S4).
  EXPECT_EQ(RedactAuthorization("hf_bob hf_alice"), "hf_bob…");
  EXPECT_EQ(RedactAuthorization("hf_bob hf_alice").find("hf_a"), std::string::npos);
  EXPECT_EQ(RedactAuthorization("bearer hf_abcdefghij"), "bearer hf_abc…");
  EXPECT_EQ(RedactAuthorization("Basic dXNlcjpwYXNz"), "Basic dXNlcj…");
  EXPECT_EQ(RedactAuthorization("Token hf_abcdefghij"), "Token?…");  // unknown scheme: one value
}

}  // namespace
}  // namespace mockhub
