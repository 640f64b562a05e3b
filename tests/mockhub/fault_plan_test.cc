// A fault plan's request- and header-level effects (fault_plan.cc) and how
// several matching faults combine into one plan (FaultSet::Plan), without
// sockets: the wire-level effects are in faults_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hub_fixture.h"
#include "mockhub/faults.h"

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

int Count(const HttpResponse& r, const std::string& name) {
  int n = 0;
  for (const auto& [k, v] : r.headers) n += HeaderNameEquals(k, name) ? 1 : 0;
  return n;
}

// --- ApplyFaultPlanToRequest ------------------------------------------------

TEST(ApplyFaultPlanToRequest, IgnoreRangeRemovesRangeAndIfRangeWhateverTheirCase) {
  FaultPlan plan;
  plan.ignore_range = true;
  HttpRequest req{
      "GET", "/x", {{"range", "bytes=5-"}, {"User-Agent", "t"}, {"IF-RANGE", "\"e\""}}, ""};
  ApplyFaultPlanToRequest(plan, req);
  EXPECT_EQ(req.headers, (HeaderList{{"User-Agent", "t"}}));
}

TEST(ApplyFaultPlanToRequest, WithoutIgnoreRangeLeavesTheRequestAlone) {
  FaultPlan plan;
  plan.header_edits = {{"Range", "bytes=0-0"}};  // response-side: must not touch the request
  HttpRequest req{"GET", "/x", {{"Range", "bytes=5-"}, {"If-Range", "\"e\""}}, ""};
  const HeaderList before = req.headers;
  ApplyFaultPlanToRequest(plan, req);
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
  FaultPlan plan;
  plan.relative_redirect = true;
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
  FaultPlan plan;
  plan.relative_redirect = true;
  auto r = FaultAnswer(plan, HttpRequest{"HEAD", "/org/m/resolve/main/x", {}, ""});
  ASSERT_TRUE(r);
  for (const char* h : {"X-Repo-Commit", "ETag", "X-Linked-Etag", "X-Linked-Size"})
    EXPECT_FALSE(r->Has(h)) << h;
}

// --- ApplyFaultPlan ---------------------------------------------------------

TEST(ApplyFaultPlan, DropHeadersRemovesEveryCopyWhateverTheCase) {
  FaultPlan plan;
  plan.header_edits = {{"x-repo-commit", std::nullopt}};
  HttpResponse r = SiteAnswer();
  r.headers.emplace_back("X-REPO-COMMIT", "def");
  ApplyFaultPlan(plan, r);
  EXPECT_FALSE(r.Has("X-Repo-Commit"));
  EXPECT_EQ(r.Get("ETag"), "\"e\"");
  EXPECT_EQ(r.body, "hello");
}

TEST(ApplyFaultPlan, SetHeadersReplacesAnExistingHeaderAndAddsANewOne) {
  FaultPlan plan;
  plan.header_edits = {{"etag", "\"forged\""}, {"X-Extra", "1"}};
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

TEST(FaultPlanCutAt, AfterBytesIsTakenAsIsAndAPercentageOfTheBodyLength) {
  EXPECT_EQ(PlanOf(R"([{"do": {"cut": {"after_bytes": 7}}}])").CutAt(1000), 7u);
  EXPECT_EQ(PlanOf(R"([{"do": {"cut": {"after_percent": 25}}}])").CutAt(1000), 250u);
  EXPECT_FALSE(PlanOf(R"([{"do": {"throttle": {"bytes_per_second": 5}}}])").CutAt(1000));
}

// --- several matching faults (scenarios/README.md, "Faults") -----------------

TEST(FaultSetPlan, FirstStatusWins) {
  FaultPlan plan = PlanOf(R"([{"do": {"status": {"code": 503}}},
                              {"do": {"status": {"code": 429}}}])");
  ASSERT_TRUE(plan.replace);
  EXPECT_EQ(plan.replace->status, 503);
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
  EXPECT_EQ(PlanOf(R"([{"do": {"delay": {"ms": 100}}}, {"do": {"delay": {"ms": 250}}}])").delay_ms,
            350u);
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
  EXPECT_EQ(plan.header_edits,
            (std::vector<HeaderEdit>{{"X-Repo-Commit", std::nullopt}, {"ETag", std::nullopt}}));
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
  ASSERT_EQ(plan.corrupt.size(), 2u);
  EXPECT_EQ(plan.corrupt[0].offset, 9u);
  EXPECT_EQ(plan.corrupt[0].length, 1u);
  EXPECT_EQ(plan.corrupt[1].offset, 2u);
  EXPECT_EQ(plan.corrupt[1].length, 3u);
}

TEST(FaultSetPlan, FirstCutWinsWithItsMode) {
  FaultPlan plan = PlanOf(R"([{"do": {"cut": {"after_bytes": 10}}},
                              {"do": {"cut": {"after_percent": 50, "mode": "reset"}}}])");
  EXPECT_EQ(plan.cut_after, 10u);
  EXPECT_FALSE(plan.cut_after_fraction);
  EXPECT_FALSE(plan.cut_reset);
  FaultPlan other = PlanOf(R"([{"do": {"cut": {"after_percent": 50, "mode": "reset"}}},
                               {"do": {"cut": {"after_bytes": 10}}}])");
  EXPECT_FALSE(other.cut_after);
  EXPECT_EQ(other.cut_after_fraction, 0.5);
  EXPECT_TRUE(other.cut_reset);
}

TEST(FaultSetPlan, FirstStallAndFirstThrottleWin) {
  FaultPlan plan = PlanOf(R"([{"do": {"stall": {"after_bytes": 5, "ms": 10}}},
                              {"do": {"throttle": {"bytes_per_second": 100}}},
                              {"do": {"stall": {"after_bytes": 50, "ms": 20}}},
                              {"do": {"throttle": {"bytes_per_second": 7}}}])");
  EXPECT_EQ(plan.stall_after, 5u);
  EXPECT_EQ(plan.stall_ms, 10u);
  EXPECT_EQ(plan.throttle_bps, 100u);
}

TEST(FaultSetPlan, EveryMatchingFaultCountsTheAttemptEvenWhenAnEarlierOneFired) {
  auto set = FaultSet::FromJson(json::parse(R"([
      {"when": {"first": 1}, "do": {"status": {"code": 503}}},
      {"when": {"only": [2]}, "do": {"status": {"code": 500}}}])"),
                                "test.json", "/faults");
  ASSERT_TRUE(set.ok());
  FaultPlan first = set.value()->Plan(kHubSite, "GET", "/x");
  ASSERT_TRUE(first.replace);
  EXPECT_EQ(first.replace->status, 503);
  EXPECT_EQ(first.fired, Flags{"fault:status"});
  FaultPlan second = set.value()->Plan(kHubSite, "GET", "/x");
  ASSERT_TRUE(second.replace);
  EXPECT_EQ(second.replace->status, 500);  // the second fault's attempt 2
  EXPECT_TRUE(set.value()->Plan(kHubSite, "GET", "/x").empty());
}

TEST(FaultSetPlan, OnlyMatchingFaultsContribute) {
  FaultPlan plan = PlanOf(R"([{"server": "cdn", "do": {"status": {"code": 500}}},
                              {"method": "HEAD", "do": {"delay": {"ms": 5}}},
                              {"path": "/api/*", "do": {"ignore_range": {}}},
                              {"path": "*/resolve/*", "do": {"set_headers": {"X-A": "1"}}}])");
  EXPECT_FALSE(plan.replace);
  EXPECT_EQ(plan.delay_ms, 0u);
  EXPECT_FALSE(plan.ignore_range);
  EXPECT_EQ(plan.header_edits, (std::vector<HeaderEdit>{{"X-A", "1"}}));
  EXPECT_EQ(plan.fired, Flags{"fault:set_headers"});
}

}  // namespace
}  // namespace mockhub::testing
