// The Xet download path through real sockets (xet-protocol.md §0): the
// hub's Xet headers and token exchange, the CAS's reconstructions, the
// CDN's bridge and presigned xorb ranges, the token rules and the expiries.
// Chunks are decoded by the test's own decoder (xet_decode.h).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mockhub/base/digest.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"
#include "wait_for.h"
#include "xet_decode.h"

namespace mockhub {
namespace {

using nlohmann::json;
using testsupport::GetUrl;
using testsupport::RawResponse;
using testsupport::Request;

const std::string kSchnell = "/black-forest-labs/FLUX.1-schnell";
const std::string kAe = kSchnell + "/resolve/main/ae.safetensors";
const std::string kTransformer =
    kSchnell + "/resolve/main/transformer/diffusion_pytorch_model.safetensors";

class XetWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = MockServer::Start(DemoWorld(), ServerOptions{});
    ASSERT_TRUE(started) << started.status().message();
    server_ = std::move(*started);
  }
  const std::string& hub() { return server_->hub_url(); }
  std::string cas() { return server_->url("cas"); }

  // rel -> URL of a Link header, by the JavaScript client's rule
  // (<(https?://[^>]+)>;\s+rel="([^"]+)"), parsed by hand: std::regex here
  // would race with cpp-httplib's in libstdc++'s ctype cache under TSan.
  static std::map<std::string, std::string> Links(const std::string& link) {
    std::map<std::string, std::string> out;
    for (std::size_t at = link.find('<'); at != std::string::npos; at = link.find('<', at + 1)) {
      const auto close = link.find('>', at);
      const auto rel = link.find("rel=\"", close);
      if (close == std::string::npos || rel == std::string::npos) break;
      const std::string url = link.substr(at + 1, close - at - 1);
      if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) continue;
      if (link.compare(close + 1, 1, ";") != 0 || link.find_first_not_of(' ', close + 2) != rel)
        continue;
      const auto end = link.find('"', rel + 5);
      out[link.substr(rel + 5, end - rel - 5)] = url;
    }
    return out;
  }
  static bool IsHex64(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
  }

  json Token(const std::string& url, const std::string& hub_token = "") {
    std::vector<std::pair<std::string, std::string>> h;
    if (!hub_token.empty()) h.push_back({"Authorization", "Bearer " + hub_token});
    RawResponse r = GetUrl(url, h);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  RawResponse Reconstruction(const std::string& path, const std::string& cas_token,
                             const std::string& range = "") {
    std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer " + cas_token}};
    if (!range.empty()) h.push_back({"Range", range});
    return GetUrl(cas() + path, h);
  }

  // Fetches every term of a v2 reconstruction and decodes it: the bytes the
  // reconstruction stands for (offset_into_first_range dropped).
  std::string Rebuild(const json& rec) {
    std::string out;
    for (const auto& term : rec["terms"]) {
      const std::string xorb = term["hash"];
      const auto start = term["range"]["start"].get<std::uint32_t>();
      std::string url, range;
      for (const auto& entry : rec["xorbs"][xorb]) {
        for (const auto& r : entry["ranges"]) {
          if (r["chunks"]["start"] == start) {
            url = entry["url"];
            range = "bytes=" + std::to_string(r["bytes"]["start"].get<std::uint64_t>()) + "-" +
                    std::to_string(r["bytes"]["end"].get<std::uint64_t>());
          }
        }
      }
      EXPECT_FALSE(url.empty()) << "no fetch entry for term " << term.dump();
      // Up to 64 MiB per range: generous for sanitizer builds on a busy machine.
      RawResponse x = GetUrl(url, {{"Range", range}}, std::chrono::minutes(3));
      EXPECT_EQ(x.status, 206) << x.body.substr(0, 300);
      std::string plain;
      const std::string why = xettest::DecodeStream(x.body, plain);
      EXPECT_EQ(why, "") << "term " << term.dump();
      EXPECT_EQ(plain.size(), term["unpacked_length"].get<std::uint64_t>());
      out += plain;
    }
    return out.substr(rec["offset_into_first_range"].get<std::uint64_t>());
  }

  std::unique_ptr<MockServer> server_;
};

TEST_F(XetWireTest, ResolveOfAXetFileIs302ToTheBridgeWithTheHubsXetHeaders) {
  RawResponse head = Request(hub(), "HEAD", kAe);
  ASSERT_EQ(head.status, 302);
  EXPECT_EQ(head.Header("Location").rfind(server_->cdn_url() + "/xet-bridge-us/", 0), 0u);
  const std::string hash = head.Header("X-Xet-Hash");
  EXPECT_TRUE(IsHex64(hash)) << hash;
  const std::string commit = head.Header("X-Repo-Commit");
  EXPECT_EQ(head.Header("Link"),
            "<" + hub() + "/api/models/black-forest-labs/FLUX.1-schnell/xet-read-token/" + commit +
                ">; rel=\"xet-auth\", <" + cas() + "/v1/reconstructions/" + hash +
                ">; rel=\"xet-reconstruction-info\"");
  EXPECT_EQ(head.Header("X-Linked-Size"), std::to_string(48u << 20));
  EXPECT_EQ(head.Header("X-Linked-Etag"), head.Header("ETag"));
  // The bridge serves the plain bytes, with Range, for clients without Xet.
  RawResponse part = GetUrl(head.Header("Location"), {{"Range", "bytes=0-99"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body.size(), 100u);
}

TEST_F(XetWireTest, RegularFileOfAXetRepoHasNoXetHeaders) {
  RawResponse head = Request(hub(), "HEAD", kSchnell + "/resolve/main/model_index.json");
  EXPECT_EQ(head.status, 200);
  EXPECT_FALSE(head.Has("X-Xet-Hash"));
  EXPECT_FALSE(head.Has("Link"));
}

TEST_F(XetWireTest, FileinfoProbeIs200WithoutRedirectAndTheSameHeaders) {
  RawResponse r =
      Request(hub(), "GET", kAe,
              {{"Accept", "application/vnd.xet-fileinfo+json, */*"}, {"Range", "bytes=0-0"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/vnd.xet-fileinfo+json");
  const json body = json::parse(r.body);
  EXPECT_EQ(body["hash"], r.Header("X-Xet-Hash"));
  EXPECT_EQ(body["size"], 48u << 20);
  EXPECT_EQ(Links(r.Header("Link")).size(), 2u);
  EXPECT_EQ(body["refreshUrl"], Links(r.Header("Link"))["xet-auth"]);
}

TEST_F(XetWireTest, TreeAndPathsInfoCarryXetHashBesideLfs) {
  RawResponse tree =
      Request(hub(), "GET", "/api/models/black-forest-labs/FLUX.1-schnell/tree/main?recursive=1");
  ASSERT_EQ(tree.status, 200);
  const std::string hash = Request(hub(), "HEAD", kAe).Header("X-Xet-Hash");
  bool seen = false;
  for (const auto& e : json::parse(tree.body)) {
    if (e["path"] == "ae.safetensors") {
      seen = true;
      EXPECT_EQ(e["xetHash"], hash);
      EXPECT_TRUE(e.contains("lfs"));
    }
    if (e["path"] == "model_index.json") {
      EXPECT_FALSE(e.contains("xetHash"));
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(XetWireTest, TokenExchangeGivesAnExpiringCasTokenThatIsNoHubToken) {
  const auto links = Links(Request(hub(), "HEAD", kAe).Header("Link"));
  RawResponse r = GetUrl(links.at("xet-auth"));
  ASSERT_EQ(r.status, 200) << r.body;
  const json t = json::parse(r.body);
  EXPECT_EQ(t["casUrl"], cas());
  EXPECT_NEAR(static_cast<double>(t["exp"].get<std::int64_t>()), server_->state().Now() + 3600,
              2.0);
  const std::string token = t["accessToken"];
  EXPECT_EQ(token.rfind("hf_", 0), std::string::npos);
  EXPECT_EQ(r.Header("X-Xet-Access-Token"), token);
  EXPECT_EQ(r.Header("X-Xet-Cas-Url"), cas());
  EXPECT_EQ(r.Header("X-Xet-Token-Expiration"), std::to_string(t["exp"].get<std::int64_t>()));
  // The hub does not take it as a Hub token, and says it came to the wrong place.
  EXPECT_EQ(Request(hub(), "GET", "/api/whoami-v2", {{"Authorization", "Bearer " + token}}).status,
            401);
}

TEST_F(XetWireTest, WholeFileRebuiltFromXorbsMatchesTheLinkedEtag) {
  for (const std::string& path : {kAe, kTransformer}) {
    RawResponse head = Request(hub(), "HEAD", path);
    const auto links = Links(head.Header("Link"));
    const std::string token = Token(links.at("xet-auth"))["accessToken"];
    RawResponse rec = Reconstruction("/v2/reconstructions/" + head.Header("X-Xet-Hash"), token);
    ASSERT_EQ(rec.status, 200) << rec.body;
    const std::string bytes = Rebuild(json::parse(rec.body));
    EXPECT_EQ(std::to_string(bytes.size()), head.Header("X-Linked-Size")) << path;
    EXPECT_EQ("\"" + Sha256Hex(bytes) + "\"", head.Header("X-Linked-Etag")) << path;
  }
}

TEST_F(XetWireTest, RangeReconstructionStartsMidChunkWithOffsetIntoFirstRange) {
  RawResponse head = Request(hub(), "HEAD", kAe);
  const std::string token = Token(Links(head.Header("Link")).at("xet-auth"))["accessToken"];
  RawResponse rec = Reconstruction("/v2/reconstructions/" + head.Header("X-Xet-Hash"), token,
                                   "bytes=100000-300000");
  ASSERT_EQ(rec.status, 200) << rec.body;
  const json r = json::parse(rec.body);
  EXPECT_EQ(r["offset_into_first_range"], 100000 - 65536);
  const std::string bytes = Rebuild(r).substr(0, 200001);
  RawResponse plain = GetUrl(head.Header("Location"), {{"Range", "bytes=100000-300000"}});
  EXPECT_EQ(bytes, plain.body);
  // v1 answers the same terms with fetch_info.
  RawResponse v1 = Reconstruction("/v1/reconstructions/" + head.Header("X-Xet-Hash"), token,
                                  "bytes=100000-300000");
  ASSERT_EQ(v1.status, 200);
  const json one = json::parse(v1.body);
  EXPECT_EQ(one["terms"], r["terms"]);
  EXPECT_TRUE(one.contains("fetch_info"));
}

TEST_F(XetWireTest, ReconstructionPastTheEndIs416AndAnEndPastItIsClamped) {
  RawResponse head = Request(hub(), "HEAD", kAe);
  const std::string token = Token(Links(head.Header("Link")).at("xet-auth"))["accessToken"];
  const std::string path = "/v2/reconstructions/" + head.Header("X-Xet-Hash");
  EXPECT_EQ(Reconstruction(path, token, "bytes=50331648-50331700").status, 416);
  // hf_xet's "to the end" form: an end beyond 2^63 reaches the mock (its
  // own head reader; cpp-httplib refused it with a bare 416) and is clamped.
  for (const char* range : {"bytes=0-18446744073709551614", "bytes=0-9223372036854775806"}) {
    RawResponse all = Reconstruction(path, token, range);
    ASSERT_EQ(all.status, 200) << range << ": " << all.body;
    std::uint64_t rebuilt = 0;
    const json terms = json::parse(all.body)["terms"];
    for (const auto& t : terms) rebuilt += t["unpacked_length"].get<std::uint64_t>();
    EXPECT_EQ(rebuilt, 48u << 20) << all.body.substr(0, 400);
  }
}

TEST_F(XetWireTest, CasRefusesAMissingHubOrForeignTokenAndFlagsTheHubToken) {
  RawResponse head = Request(hub(), "HEAD", kAe);
  const std::string path = "/v2/reconstructions/" + head.Header("X-Xet-Hash");
  EXPECT_EQ(GetUrl(cas() + path).status, 401);
  EXPECT_EQ(Reconstruction(path, "hf_alice").status, 401);
  // A CAS token of another repo (alice may read the gated FLUX.1-dev).
  const std::string dev_token =
      Token(hub() + "/api/models/black-forest-labs/FLUX.1-dev/xet-read-token/main",
            "hf_alice")["accessToken"];
  RawResponse foreign = Reconstruction(path, dev_token);
  EXPECT_EQ(foreign.status, 401);
  EXPECT_NE(foreign.body.find("does not cover"), std::string::npos) << foreign.body;
  ASSERT_TRUE(server_->journal().WaitForIdle(testsupport::kWaitDefault));
  bool flagged = false;
  for (const auto& e : server_->journal().Entries())
    flagged = flagged || (e.server == "cas" && e.HasFlag("hub_token_to_cas"));
  EXPECT_TRUE(flagged) << "the Hub token at the CAS should be flagged";
}

TEST_F(XetWireTest, CasTokenExpiresOnTheServerClock) {
  RawResponse head = Request(hub(), "HEAD", kAe);
  const std::string token = Token(Links(head.Header("Link")).at("xet-auth"))["accessToken"];
  const std::string path = "/v2/reconstructions/" + head.Header("X-Xet-Hash");
  EXPECT_EQ(Reconstruction(path, token).status, 200);
  server_->state().Advance(3601);
  RawResponse late = Reconstruction(path, token);
  EXPECT_EQ(late.status, 401);
  EXPECT_NE(late.body.find("expired"), std::string::npos) << late.body;
}

TEST_F(XetWireTest, XorbUrlsExpireAndServeOnlyTheSignedRange) {
  RawResponse head = Request(hub(), "HEAD", kAe);
  const std::string token = Token(Links(head.Header("Link")).at("xet-auth"))["accessToken"];
  const json rec =
      json::parse(Reconstruction("/v2/reconstructions/" + head.Header("X-Xet-Hash"), token).body);
  const auto& entry = rec["xorbs"].begin().value()[0];
  const std::string url = entry["url"];
  const auto& bytes = entry["ranges"][0]["bytes"];
  const std::string range = "bytes=" + std::to_string(bytes["start"].get<std::uint64_t>()) + "-" +
                            std::to_string(bytes["end"].get<std::uint64_t>());
  EXPECT_EQ(GetUrl(url, {{"Range", range}}).status, 206);
  EXPECT_EQ(GetUrl(url).status, 403) << "a xorb URL is fetched with its signed Range";
  EXPECT_EQ(
      GetUrl(url, {{"Range", "bytes=0-" + std::to_string(bytes["end"].get<std::uint64_t>() + 1)}})
          .status,
      403);
  server_->state().Advance(3601);
  RawResponse expired = GetUrl(url, {{"Range", range}});
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("Request has expired"), std::string::npos) << expired.body;
}

TEST_F(XetWireTest, TokenExchangeAnswersTheAuthTableOfAGatedRepo) {
  const std::string route = "/api/models/black-forest-labs/FLUX.1-dev/xet-read-token/main";
  RawResponse anonymous = Request(hub(), "GET", route);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("X-Error-Code"), "GatedRepo");
  RawResponse bob = Request(hub(), "GET", route, {{"Authorization", "Bearer hf_bob"}});
  EXPECT_EQ(bob.status, 403);
  EXPECT_EQ(bob.Header("X-Error-Code"), "GatedRepo");
  EXPECT_EQ(Request(hub(), "GET", route, {{"Authorization", "Bearer hf_revoked"}}).status, 401);
  EXPECT_EQ(Request(hub(), "GET", route, {{"Authorization", "Bearer hf_alice"}}).status, 200);
  EXPECT_EQ(Request(hub(), "GET",
                    "/api/models/black-forest-labs/FLUX.1-dev/xet-read-token/no-such-branch",
                    {{"Authorization", "Bearer hf_alice"}})
                .status,
            404);
}

}  // namespace
}  // namespace mockhub
