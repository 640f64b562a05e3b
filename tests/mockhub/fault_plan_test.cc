// A fault plan's stages (fault_plan.cc: request, answer, headers, body and
// connection, over a recording injector) and how several matching faults
// combine into one plan (FaultSet::Plan), without sockets: the wire-level
// effects are in faults_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hub_fixture.h"
#include "mockhub/faults/faults.h"

namespace mockhub::testing {
namespace {

using nlohmann::json;
using Flags = std::vector<std::string>;

// The plan that `faults` (a JSON array) make for one GET of `path` at the
// hub, as the glue asks for it.
FaultPlan PlanOf(const std::string& faults, const std::string& path = "/a/resolve/main/x") {
  auto set = FaultSet::FromJson(json::parse(faults), "test.json", "/faults");
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().ToString());
  if (!set.ok()) return {};
  return set.value()->Plan(kHubSite, "GET", path);
}

HttpResponse SiteAnswer() {
  HttpResponse res;
  res.status = 200;
  res.Set("X-Repo-Commit", "abc");
  res.Set("ETag", "\"e\"");
  res.Set("Content-Type", "text/plain");
  res.body = "hello";
  return res;
}

// The injector as the verbs see it, recording what they asked for.
struct Recorder : FaultInjector {
  std::vector<std::string> calls;
  std::uint64_t paused_ms = 0;
  void Refuse(bool reset) override { calls.push_back(reset ? "refuse:reset" : "refuse:close"); }
  void Reset() override { calls.push_back("reset"); }
  bool Stall(std::uint64_t ms) override {
    calls.push_back("stall:" + std::to_string(ms));
    return true;
  }
  bool Pause(std::uint64_t ms) override {
    paused_ms += ms;
    return true;
  }
};

// The request stage, for tests that do not look at hub changes.
void ApplyToRequest(const FaultPlan& plan, HttpRequest& req, Recorder& rec) {
  std::vector<HubChange> changes;
  ApplyRequestFaults(plan, req, rec, changes);
}

// The body stage before a chunk at `offset` (of a body of `length` bytes)
// that would be `n` bytes long: how long it may be (0 and ended: the body
// ends there).
struct ChunkLimit {
  std::uint64_t n;
  bool ended;
};
ChunkLimit BodyAt(const FaultPlan& plan, std::uint64_t offset, std::uint64_t length, Recorder& rec,
                  BodyChunk& chunk, std::uint64_t n = 1 << 20) {
  chunk.phase = BodyChunk::Phase::kBefore;
  chunk.offset = offset;
  chunk.body_length = length;
  chunk.n = n;
  chunk.end = false;
  const bool go = ApplyBodyFaults(plan, chunk, rec);
  return {go ? chunk.n : 0, !go};
}

int Count(const HttpResponse& r, const std::string& name) {
  int n = 0;
  for (const auto& [k, v] : r.headers) n += HeaderNameEquals(k, name) ? 1 : 0;
  return n;
}

// --- ApplyFaultPlanToRequest ------------------------------------------------

TEST(ApplyRequestFaults, IgnoreRangeRemovesRangeAndIfRangeWhateverTheirCase) {
  FaultPlan plan = PlanOf(R"([{"do": {"ignore_range": {}}}])");
  HttpRequest req{
      "GET", "/x", {{"range", "bytes=5-"}, {"User-Agent", "t"}, {"IF-RANGE", "\"e\""}}, ""};
  Recorder rec;
  ApplyToRequest(plan, req, rec);
  EXPECT_EQ(req.headers, (HeaderList{{"User-Agent", "t"}}));
}

TEST(ApplyRequestFaults, WithoutIgnoreRangeLeavesTheRequestAlone) {
  // response-side: must not touch the request
  FaultPlan plan = PlanOf(R"([{"do": {"set_headers": {"Range": "bytes=0-0"}}}])");
  HttpRequest req{"GET", "/x", {{"Range", "bytes=5-"}, {"If-Range", "\"e\""}}, ""};
  const HeaderList before = req.headers;
  Recorder rec;
  ApplyToRequest(plan, req, rec);
  EXPECT_EQ(req.headers, before);
}

// --- FaultAnswer ------------------------------------------------------------

TEST(FaultAnswer, EmptyPlanLeavesTheAnswerToTheSite) {
  EXPECT_FALSE(FaultAnswer(FaultPlan{}, HttpRequest{"GET", "/x", {}, ""}));
}

TEST(FaultAnswer, StatusVerbReplacesTheAnswerWithItsCodeHeadersAndBody) {
  FaultPlan plan = PlanOf(R"([{"do": {"status": {"code": 429, "headers": {"Retry-After": "2"},
                                                  "body": "slow down"}}}])");
  auto r = FaultAnswer(plan, HttpRequest{"GET", "/a/resolve/main/x", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->Get("Retry-After"), "2");
  EXPECT_EQ(r->body, "slow down");
  EXPECT_EQ(r->Get("Content-Type"), "text/plain; charset=utf-8");  // the verb's default
}

TEST(FaultAnswer, RelativeRedirectTurnsAnswerInto307WithPathOnlyLocationThroughTheHop) {
  FaultPlan plan = PlanOf(R"([{"do": {"relative_redirect": {}}}])");
  auto r = FaultAnswer(plan, HttpRequest{"HEAD", "/org/m/resolve/main/a%20b.bin?x=1", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 307);
  // Same target, query and encoding kept, under the hop prefix; no scheme or host.
  EXPECT_EQ(r->Get("Location"), "/_mockhub/hop/org/m/resolve/main/a%20b.bin?x=1");
  EXPECT_EQ(r->body,
            "Temporary Redirect. Redirecting to /_mockhub/hop/org/m/resolve/main/"
            "a%20b.bin?x=1");
}

TEST(FaultAnswer, RelativeRedirectCarriesNoMetadataHeaders) {
  FaultPlan plan = PlanOf(R"([{"do": {"relative_redirect": {}}}])");
  auto r = FaultAnswer(plan, HttpRequest{"HEAD", "/org/m/resolve/main/x", {}, ""});
  ASSERT_TRUE(r);
  for (const char* h : {"X-Repo-Commit", "ETag", "X-Linked-Etag", "X-Linked-Size"})
    EXPECT_FALSE(r->Has(h)) << h;
}

// --- ApplyFaultPlan ---------------------------------------------------------

TEST(ApplyFaultPlan, DropHeadersRemovesEveryCopyWhateverTheCase) {
  FaultPlan plan = PlanOf(R"([{"do": {"drop_headers": ["x-repo-commit"]}}])");
  HttpResponse r = SiteAnswer();
  r.headers.emplace_back("X-REPO-COMMIT", "def");
  ApplyFaultPlan(plan, r);
  EXPECT_FALSE(r.Has("X-Repo-Commit"));
  EXPECT_EQ(r.Get("ETag"), "\"e\"");
  EXPECT_EQ(r.body, "hello");
}

TEST(ApplyFaultPlan, SetHeadersReplacesAnExistingHeaderAndAddsANewOne) {
  FaultPlan plan = PlanOf(R"([{"do": {"set_headers": {"etag": "\"forged\"", "X-Extra": "1"}}}])");
  HttpResponse r = SiteAnswer();
  ApplyFaultPlan(plan, r);
  EXPECT_EQ(r.Get("ETag"), "\"forged\"");
  EXPECT_EQ(Count(r, "ETag"), 1);
  EXPECT_EQ(r.Get("X-Extra"), "1");
}

TEST(ApplyFaultPlan, SetHeadersOverridesTheXCacheTheCdnDecided) {
  World world = DemoWorld();
  HttpRequest head{"HEAD", std::string("/") + kClip + "/resolve/main/model.safetensors", {}, ""};
  const std::string url =
      HandleHub(head, world, HubContext{kEndpoint, kCdnBase, kKey, kNow, "r", kCasBase})
          .Get("Location");
  HttpRequest get{"GET", url.substr(std::string(kCdnBase).size()), {}, ""};
  SiteContext cold{{{kHubSite, kEndpoint}, {kCdnSite, kCdnBase}}, kKey, kNow, "r", false};
  HttpResponse r = AnswerAt(*FindSite(kCdnSite), get, world, cold);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Get("X-Cache"), "Miss from cloudfront");
  ApplyFaultPlan(PlanOf(R"([{"do": {"set_headers": {"X-Cache": "Hit from cloudfront"}}}])"), r);
  EXPECT_EQ(r.Get("X-Cache"), "Hit from cloudfront");
  EXPECT_EQ(Count(r, "X-Cache"), 1);
}

TEST(ApplyFaultPlan, CdnSaysHitOnlyForAPathItServedBefore) {
  // What set_headers overrides above: the CDN decides X-Cache from the
  // context the glue gives it.
  World world = DemoWorld();
  HttpRequest head{"HEAD", std::string("/") + kClip + "/resolve/main/model.safetensors", {}, ""};
  const std::string url =
      HandleHub(head, world, HubContext{kEndpoint, kCdnBase, kKey, kNow, "r", kCasBase})
          .Get("Location");
  HttpRequest get{"GET", url.substr(std::string(kCdnBase).size()), {}, ""};
  SiteContext ctx{{{kHubSite, kEndpoint}, {kCdnSite, kCdnBase}}, kKey, kNow, "r", true};
  EXPECT_EQ(AnswerAt(*FindSite(kCdnSite), get, world, ctx).Get("X-Cache"), "Hit from cloudfront");
}

TEST(ApplyFaultPlan, AppendsTheFiredFlagsAfterTheSitesFlags) {
  FaultPlan plan = PlanOf(R"([{"do": {"delay": {"ms": 1}}}, {"do": {"ignore_range": {}}}])");
  HttpResponse r = SiteAnswer();
  r.flags = {"token_leak"};
  ApplyFaultPlan(plan, r);
  EXPECT_EQ(r.flags, (Flags{"token_leak", "fault:delay", "fault:ignore_range"}));
}

TEST(ApplyFaultPlan, HeaderEditsApplyToAFaultsOwnAnswerToo) {
  FaultPlan plan = PlanOf(R"([{"do": {"status": {"code": 503, "headers": {"Retry-After": "2"}}}},
                              {"do": {"set_headers": {"Retry-After": "7"}}},
                              {"do": {"drop_headers": ["Content-Type"]}}])");
  auto r = FaultAnswer(plan, HttpRequest{"GET", "/a/resolve/main/x", {}, ""});
  ASSERT_TRUE(r);
  ApplyFaultPlan(plan, *r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->Get("Retry-After"), "7");
  EXPECT_FALSE(r->Has("Content-Type"));
}

TEST(ApplyFaultPlan, ByteLevelFaultMakesAnInlineBodyStreamableWithTheSameBytes) {
  FaultPlan plan = PlanOf(R"([{"do": {"cut": {"after_bytes": 2}}}])");
  HttpResponse r = SiteAnswer();
  ApplyFaultPlan(plan, r);
  ASSERT_TRUE(r.content);
  EXPECT_EQ(r.content_offset, 0u);
  EXPECT_EQ(r.content_length, 5u);
  EXPECT_EQ(r.content->ReadAll(), "hello");
}

TEST(ApplyFaultPlan, HeaderOnlyFaultLeavesAnInlineBodyInline) {
  HttpResponse r = SiteAnswer();
  ApplyFaultPlan(PlanOf(R"([{"do": {"set_headers": {"X-A": "1"}}}])"), r);
  EXPECT_FALSE(r.content);
  EXPECT_EQ(r.body, "hello");
}

TEST(ApplyFaultPlan, ByteLevelFaultLeavesAStreamedBodyAsItIs) {
  HttpResponse r;
  auto content = Content::Synthetic(1000, 9);
  r.content = content;
  r.content_offset = 10;
  r.content_length = 20;
  ApplyFaultPlan(PlanOf(R"([{"do": {"corrupt": {"offset": 3}}}])"), r);
  EXPECT_EQ(r.content, content);
  EXPECT_EQ(r.content_offset, 10u);
  EXPECT_EQ(r.content_length, 20u);
}

TEST(ApplyBodyFaults, CutAfterBytesIsTakenAsIsAndAPercentageOfTheBodyLength) {
  Recorder rec;
  BodyChunk c;
  const FaultPlan bytes = PlanOf(R"([{"do": {"cut": {"after_bytes": 7}}}])");
  EXPECT_EQ(BodyAt(bytes, 0, 1000, rec, c).n, 7u);
  EXPECT_TRUE(BodyAt(bytes, 7, 1000, rec, c).ended);
  const FaultPlan percent = PlanOf(R"([{"do": {"cut": {"after_percent": 25}}}])");
  EXPECT_EQ(BodyAt(percent, 0, 1000, rec, c).n, 250u);
  EXPECT_TRUE(BodyAt(percent, 250, 1000, rec, c).ended);
  BodyChunk t;
  EXPECT_FALSE(
      BodyAt(PlanOf(R"([{"do": {"throttle": {"bytes_per_second": 5000}}}])"), 999, 1000, rec, t)
          .ended);
  EXPECT_TRUE(rec.calls.empty()) << "a cut in \"close\" mode resets nothing";
}

// --- several matching faults (scenarios/README.md, "Faults") -----------------

TEST(FaultSetPlan, FirstStatusWins) {
  FaultPlan plan = PlanOf(R"([{"do": {"status": {"code": 503}}},
                              {"do": {"status": {"code": 429}}}])");
  auto answer = FaultAnswer(plan, HttpRequest{"GET", "/a/resolve/main/x", {}, ""});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 503);
  EXPECT_EQ(plan.fired, (Flags{"fault:status", "fault:status"}));
}

TEST(FaultSetPlan, StatusAndRelativeRedirectReplaceTheAnswerFirstComeFirstServed) {
  // scenarios/README.md: "the first status (or relative_redirect) replaces
  // the site's answer".
  FaultPlan status_first = PlanOf(R"([{"do": {"status": {"code": 503}}},
                                      {"do": {"relative_redirect": {}}}])");
  auto r = FaultAnswer(status_first, HttpRequest{"GET", "/a/resolve/main/x", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  FaultPlan redirect_first = PlanOf(R"([{"do": {"relative_redirect": {}}},
                                        {"do": {"status": {"code": 503}}}])");
  r = FaultAnswer(redirect_first, HttpRequest{"GET", "/a/resolve/main/x", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 307);
  EXPECT_EQ(redirect_first.fired, (Flags{"fault:relative_redirect", "fault:status"}));
}

TEST(FaultSetPlan, DelaysAddUp) {
  Recorder rec;
  HttpRequest req{"GET", "/x", {}, ""};
  ApplyToRequest(PlanOf(R"([{"do": {"delay": {"ms": 100}}}, {"do": {"delay": {"ms": 250}}}])"), req,
                 rec);
  EXPECT_EQ(rec.paused_ms, 350u);
}

TEST(FaultSetPlan, SetHeadersAccumulateAndALaterOneOfTheSameNameWins) {
  FaultPlan plan = PlanOf(R"([{"do": {"set_headers": {"X-A": "1", "X-B": "first"}}},
                              {"do": {"set_headers": {"X-B": "second"}}}])");
  HttpResponse r = SiteAnswer();
  ApplyFaultPlan(plan, r);
  EXPECT_EQ(r.Get("X-A"), "1");
  EXPECT_EQ(r.Get("X-B"), "second");
  EXPECT_EQ(Count(r, "X-B"), 1);
}

TEST(FaultSetPlan, DropHeadersAccumulate) {
  FaultPlan plan = PlanOf(R"([{"do": {"drop_headers": ["X-Repo-Commit"]}},
                              {"do": {"drop_headers": ["ETag"]}}])");
  HttpResponse r = SiteAnswer();
  ApplyFaultPlan(plan, r);
  EXPECT_FALSE(r.Has("X-Repo-Commit"));
  EXPECT_FALSE(r.Has("ETag"));
}

TEST(FaultSetPlan, HeaderEditsApplyInFaultOrder) {
  // scenarios/README.md: header edits apply "in file order".
  FaultPlan set_then_drop = PlanOf(R"([{"do": {"set_headers": {"X-A": "1"}}},
                                       {"do": {"drop_headers": ["X-A"]}}])");
  HttpResponse r = SiteAnswer();
  ApplyFaultPlan(set_then_drop, r);
  EXPECT_FALSE(r.Has("X-A"));
  FaultPlan drop_then_set = PlanOf(R"([{"do": {"drop_headers": ["ETag"]}},
                                       {"do": {"set_headers": {"ETag": "\"new\""}}}])");
  r = SiteAnswer();
  ApplyFaultPlan(drop_then_set, r);
  EXPECT_EQ(r.Get("ETag"), "\"new\"");
}

TEST(FaultSetPlan, CorruptionsAccumulateInFaultOrder) {
  FaultPlan plan = PlanOf(R"([{"do": {"corrupt": {"offset": 9}}},
                              {"do": {"corrupt": {"offset": 2, "length": 3}}}])");
  std::string bytes(12, '\0');
  Recorder rec;
  BodyChunk c;
  c.phase = BodyChunk::Phase::kBytes;
  c.n = bytes.size();
  c.data = bytes.data();
  ASSERT_TRUE(ApplyBodyFaults(plan, c, rec));
  std::string flipped;
  for (char b : bytes) flipped += b ? 'x' : '.';
  EXPECT_EQ(flipped, "..xxx....x..") << "byte 9 (length 1) and bytes 2 to 4";
}

TEST(FaultSetPlan, FirstCutWinsWithItsMode) {
  FaultPlan plan = PlanOf(R"([{"do": {"cut": {"after_bytes": 10}}},
                              {"do": {"cut": {"after_percent": 50, "mode": "reset"}}}])");
  Recorder rec;
  BodyChunk c;
  EXPECT_EQ(BodyAt(plan, 0, 1000, rec, c).n, 10u);
  EXPECT_TRUE(BodyAt(plan, 10, 1000, rec, c).ended);
  EXPECT_TRUE(rec.calls.empty()) << "closed, not reset";
  FaultPlan other = PlanOf(R"([{"do": {"cut": {"after_percent": 50, "mode": "reset"}}},
                               {"do": {"cut": {"after_bytes": 10}}}])");
  EXPECT_EQ(BodyAt(other, 0, 1000, rec, c).n, 500u);
  EXPECT_TRUE(BodyAt(other, 500, 1000, rec, c).ended);
  EXPECT_EQ(rec.calls, Flags{"reset"});
}

TEST(FaultSetPlan, FirstStallAndFirstThrottleWin) {
  FaultPlan plan = PlanOf(R"([{"do": {"stall": {"after_bytes": 5, "ms": 10}}},
                              {"do": {"throttle": {"bytes_per_second": 100}}},
                              {"do": {"stall": {"after_bytes": 50, "ms": 20}}},
                              {"do": {"throttle": {"bytes_per_second": 7}}}])");
  Recorder rec;
  BodyChunk c;
  EXPECT_EQ(BodyAt(plan, 0, 1000, rec, c, 4).n, 4u);
  EXPECT_TRUE(rec.calls.empty()) << "not yet at the stall";
  // At 5 the first stall holds the body (10 ms); the chunk is the first
  // throttle's (100 / 20 bytes), not the second's (one byte).
  EXPECT_EQ(BodyAt(plan, 5, 1000, rec, c).n, 5u);
  EXPECT_EQ(rec.calls, Flags{"stall:10"});
  EXPECT_EQ(BodyAt(plan, 50, 1000, rec, c).n, 5u);
  EXPECT_EQ(rec.calls, Flags{"stall:10"}) << "the second stall (at 50) never holds";
}

TEST(FaultSetPlan, EveryMatchingFaultCountsTheAttemptEvenWhenAnEarlierOneFired) {
  auto set = FaultSet::FromJson(json::parse(R"([
      {"when": {"first": 1}, "do": {"status": {"code": 503}}},
      {"when": {"only": [2]}, "do": {"status": {"code": 500}}}])"),
                                "test.json", "/faults");
  ASSERT_TRUE(set.ok());
  const HttpRequest req{"GET", "/x", {}, ""};
  FaultPlan first = set.value()->Plan(kHubSite, "GET", "/x");
  ASSERT_TRUE(FaultAnswer(first, req));
  EXPECT_EQ(FaultAnswer(first, req)->status, 503);
  EXPECT_EQ(first.fired, Flags{"fault:status"});
  FaultPlan second = set.value()->Plan(kHubSite, "GET", "/x");
  ASSERT_TRUE(FaultAnswer(second, req));
  EXPECT_EQ(FaultAnswer(second, req)->status, 500);  // the second fault's attempt 2
  EXPECT_TRUE(set.value()->Plan(kHubSite, "GET", "/x").empty());
}

TEST(FaultSetPlan, OnlyMatchingFaultsContribute) {
  FaultPlan plan = PlanOf(R"([{"server": "cdn", "do": {"status": {"code": 500}}},
                              {"method": "HEAD", "do": {"delay": {"ms": 5}}},
                              {"path": "/api/*", "do": {"ignore_range": {}}},
                              {"path": "*/resolve/*", "do": {"set_headers": {"X-A": "1"}}}])");
  HttpRequest req{"GET", "/a/resolve/main/x", {{"Range", "bytes=1-"}}, ""};
  EXPECT_FALSE(FaultAnswer(plan, req));
  Recorder rec;
  ApplyToRequest(plan, req, rec);
  EXPECT_EQ(rec.paused_ms, 0u);
  EXPECT_EQ(req.headers, (HeaderList{{"Range", "bytes=1-"}})) << "no ignore_range";
  HttpResponse r;
  ApplyFaultPlan(plan, r);
  EXPECT_EQ(r.headers, (HeaderList{{"X-A", "1"}}));
  EXPECT_EQ(plan.fired, Flags{"fault:set_headers"});
}

}  // namespace
}  // namespace mockhub::testing
