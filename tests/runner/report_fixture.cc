// See report_fixture.h.
#include "report_fixture.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace reporttest {

namespace {

const char* kClient = R"(#!/bin/sh
# A stand-in downloader whose requests are known one by one.
auth="Authorization: Bearer $HF_TOKEN"
case "$1" in
  whoami) curl -s -o /dev/null -H "$auth" "$HF_ENDPOINT/api/whoami-v2" ;;
  info) curl -s -o /dev/null "$HF_ENDPOINT/<script>document.title='pwned'</script>" ;;
  download)
    url="$HF_ENDPOINT/$3/resolve/main/$4"  # download -- REPO FILE
    curl -s -o /dev/null -I -H "$auth" "$url"
    loc=$(curl -s -o /dev/null -I -H "$auth" -w '%{redirect_url}' "$url")
    curl -s -o /dev/null -r 0-1023 -H "$auth" "$loc" ;;
esac
echo '{"ok": true}'
)";

const char* kLeak = R"({
  "about": {"description": "After a 429 on its first HEAD the client sends its token to the CDN"},
  "client": {"token": {"source": "HF_TOKEN", "value": "hf_alice"}},
  "faults": [{"server": "hub", "method": "HEAD", "path": "*/resolve/*", "when": {"first": 1},
              "do": {"status": {"code": 429, "headers": {"Retry-After": "0"}}}}],
  "steps": [{"name": "download the weights",
             "download": {"repo": "InvokeAI/clip-vit-large-patch14", "files": ["model.safetensors"]},
             "expect": {"outcome": "ok",
                        "wire": {"token_to_cdn": false,
                                 "requests": [{"server": "hub", "method": "HEAD", "count": 1}]}}}]
})";

const char* kWhoami = R"({
  "about": {"description": "whoami with a good token"},
  "client": {"token": {"source": "HF_TOKEN", "value": "hf_alice"}},
  "steps": [{"whoami": {}, "expect": {"outcome": "ok",
             "wire": {"requests": [{"server": "hub", "path": "/api/whoami-v2", "count": 1}]}}}]
})";

const char* kHostile = R"({
  "about": {"description": "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"},
  "steps": [{"name": "</h3><script>document.title='pwned'</script>",
             "info": {"repo": "InvokeAI/clip-vit-large-patch14"}, "expect": {"outcome": "ok"}}]
})";

}  // namespace

testsupport::BoundedRunOptions Unbounded() {
  testsupport::BoundedRunOptions o;
  o.max_memory_bytes = RLIM_INFINITY;
  return o;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

ReportRun RunReportSet(const std::string& dir, const std::string& html) {
  namespace fs = std::filesystem;
  fs::create_directories(dir + "/lib");
  const std::string client = dir + "/client.sh";
  std::ofstream(client) << kClient;
  ::chmod(client.c_str(), 0755);
  std::ofstream(dir + "/lib/a-token-reaches-cdn.json") << kLeak;
  std::ofstream(dir + "/lib/b-whoami-passes.json") << kWhoami;
  std::ofstream(dir + "/lib/c-hostile-text.json") << kHostile;
  ReportRun r;
  r.dir = dir;
  r.html = html;
  r.run = testsupport::RunBounded({MOCKHUB_BIN, "run", "--client", client, "--html", html,
                                   "--junit", dir + "/junit.xml", dir + "/lib"},
                                  Unbounded());
  return r;
}

namespace {

using markup::Element;

const Element* Scenario(const Element& root, const std::string& name) {
  auto found = root.FindAll(
      [&](const Element& e) { return e.name == "section" && e.Attr("data-scenario") == name; });
  return found.size() == 1 ? found[0] : nullptr;
}

std::vector<const Element*> ByClass(const Element& in, const std::string& klass) {
  return in.FindAll([&](const Element& e) { return e.HasClass(klass); });
}

}  // namespace

void ExpectReportOfTheSet(const Element& root) {
  // The summary: one row per scenario, in the input order.
  auto rows = root.FindAll([](const Element& e) { return e.name == "tr" && e.Has("data-result"); });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]->Attr("data-result"), "FAIL");
  EXPECT_EQ(rows[1]->Attr("data-result"), "PASS");
  EXPECT_EQ(rows[2]->Attr("data-result"), "PASS");
  EXPECT_NE(rows[0]->AllText().find("a token reached the CDN"), std::string::npos)
      << rows[0]->AllText();

  const Element* leak = Scenario(root, "a-token-reaches-cdn");
  ASSERT_NE(leak, nullptr);
  auto steps = ByClass(*leak, "step");
  ASSERT_EQ(steps.size(), 1u);
  const Element& step = *steps[0];
  for (const char* lane : {"client", "hub", "cdn"}) {
    EXPECT_EQ(step.FindAll([&](const Element& e) { return e.Attr("data-lane") == lane; }).size(),
              1u)
        << "lane " << lane;
  }
  auto arrows = step.FindAll([](const Element& e) { return e.Attr("class") == "arrow"; });
  ASSERT_EQ(arrows.size(), static_cast<std::size_t>(kLeakStepRequests));
  EXPECT_EQ(step.Attr("data-entries"), std::to_string(kLeakStepRequests));
  EXPECT_EQ(arrows[0]->Attr("data-status"), "429");
  EXPECT_EQ(arrows[0]->Attr("data-flags"), "fault:status");
  EXPECT_NE(arrows[0]->AllText().find("fault:status"), std::string::npos);
  EXPECT_EQ(arrows[1]->Attr("data-status"), "302");
  EXPECT_EQ(arrows[2]->Attr("data-site"), "cdn");
  EXPECT_EQ(arrows[2]->Attr("data-status"), "206");
  EXPECT_NE(arrows[2]->Attr("data-flags").find("token_leak"), std::string::npos);
  EXPECT_NE(arrows[2]->AllText().find("Range: bytes=0-1023"), std::string::npos)
      << arrows[2]->AllText();
  EXPECT_NE(arrows[2]->AllText().find("1.0 KiB"), std::string::npos) << arrows[2]->AllText();
  EXPECT_NE(arrows[2]->AllText().find("Signature="), std::string::npos);
  // Both failures are marked, each right after the last request it is about.
  auto failed = step.FindAll([](const Element& e) { return e.Attr("class") == "failed"; });
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_TRUE(arrows[0]->Has("data-concerned"));
  EXPECT_TRUE(arrows[1]->Has("data-concerned"));
  EXPECT_TRUE(arrows[2]->Has("data-concerned"));
  const Element& diagram = *arrows[0]->parent;
  std::vector<std::string> order;
  for (const auto& c : diagram.children) {
    if (c->Attr("class") == "arrow") order.push_back("arrow " + c->Attr("data-seq"));
    if (c->Attr("class") == "failed") order.push_back("failed " + c->Attr("data-seqs"));
  }
  const std::string s1 = arrows[0]->Attr("data-seq"), s2 = arrows[1]->Attr("data-seq"),
                    s3 = arrows[2]->Attr("data-seq");
  EXPECT_EQ(order,
            (std::vector<std::string>{"arrow " + s1, "arrow " + s2, "failed " + s1 + " " + s2,
                                      "arrow " + s3, "failed " + s3}));
  EXPECT_NE(failed[1]->AllText().find("a token reached the CDN in 1 request(s)"), std::string::npos)
      << failed[1]->AllText();

  const Element* whoami = Scenario(root, "b-whoami-passes");
  ASSERT_NE(whoami, nullptr);
  EXPECT_EQ(whoami->FindAll([](const Element& e) { return e.Attr("class") == "arrow"; }).size(),
            static_cast<std::size_t>(kWhoamiRequests));
  EXPECT_TRUE(ByClass(*whoami, "failed").empty());

  // Untrusted text is text: no element came out of it.
  const Element* hostile = Scenario(root, "c-hostile-text");
  ASSERT_NE(hostile, nullptr);
  auto hostile_arrows =
      hostile->FindAll([](const Element& e) { return e.Attr("class") == "arrow"; });
  ASSERT_EQ(hostile_arrows.size(), static_cast<std::size_t>(kHostileRequests));
  EXPECT_NE(hostile_arrows[0]->AllText().find(std::string("GET ") + kHostilePath),
            std::string::npos)
      << hostile_arrows[0]->AllText();
  EXPECT_NE(hostile->AllText().find("<img src=x onerror="), std::string::npos);
  EXPECT_NE(hostile->AllText().find("</h3><script>"), std::string::npos);
  EXPECT_TRUE(
      root.FindAll([](const Element& e) { return e.name == "script" || e.name == "img"; }).empty());
  auto titles = root.FindAll([](const Element& e) { return e.name == "title"; });
  ASSERT_EQ(titles.size(), 1u);
  EXPECT_EQ(titles[0]->AllText().find("pwned"), std::string::npos);
  EXPECT_EQ(root.AllText().find(kToken), std::string::npos) << "a whole token in the report";
}

}  // namespace reporttest
