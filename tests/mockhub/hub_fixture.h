// Shared set-up for the socket-free hub tests: the demo world, a fixed clock
// and helpers that build requests and call the decision functions directly.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "mockhub/sites/cdn/cdn.h"
#include "mockhub/sites/hub/hub.h"
#include "mockhub/sites/site.h"
#include "mockhub/world/world_json.h"

namespace mockhub::testing {

inline constexpr const char* kEndpoint = "http://hub.test:1";
inline constexpr const char* kCdnBase = "http://cdn.test:2";
inline constexpr const char* kCasBase = "http://cas.test:3";
inline constexpr const char* kKey = "test-signing-key";
inline constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
inline constexpr const char* kClip = "InvokeAI/clip-vit-large-patch14";

class HubTest : public ::testing::Test {
 protected:
  World world_ = DemoWorld();
  std::int64_t now_ = kNow;

  HttpResponse Call(const std::string& method, const std::string& target,
                    const HeaderList& headers = {}) {
    HttpRequest req{method, target, headers, ""};
    return HandleHub(req, world_, HubContext{kEndpoint, kCdnBase, kKey, now_, "req-1", kCasBase});
  }
  HttpResponse Get(const std::string& target, const std::string& token = "") {
    HeaderList h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    return Call("GET", target, h);
  }
  HttpResponse Head(const std::string& target, const std::string& token = "") {
    HeaderList h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    return Call("HEAD", target, h);
  }
  // The CDN site (its decision and credential rule), for a URL the hub
  // handed out.
  HttpResponse Cdn(const std::string& url, const HeaderList& headers = {},
                   CdnFlavour flavour = CdnFlavour::kCloudFront) {
    const std::string base = kCdnBase;
    EXPECT_EQ(url.rfind(base, 0), 0u) << url;
    HttpRequest req{"GET", url.substr(base.size()), headers, ""};
    World world = world_;
    world.options.cdn_flavour = flavour;
    SiteContext ctx{{{kHubSite, kEndpoint}, {kCdnSite, kCdnBase}}, kKey, now_, "cdn-req", false};
    return AnswerAt(*FindSite(kCdnSite), req, world, ctx);
  }
  const Commit& MainCommit(const std::string& repo = kClip) {
    return *world_.FindRepo(RepoType::kModel, repo)->Resolve("main");
  }
  std::string Body(const HttpResponse& r) {
    if (!r.content) return r.body;
    std::string s(r.content_length, '\0');
    r.content->Read(r.content_offset, s.data(), s.size());
    return s;
  }
};

}  // namespace mockhub::testing
