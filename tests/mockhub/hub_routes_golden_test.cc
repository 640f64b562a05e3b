// The hub's answer to a broad set of request targets, through a real server,
// against a recorded transcript (hub_routes_golden.txt): every route, wrong
// methods, unknown paths, trailing slashes, bad percent-encodings,
// refs/pr/N plain and encoded, encoded slashes in revisions and paths,
// one- and two-segment repo ids, datasets/ and spaces/. It pins the hub's
// URL grammar while that grammar is refactored (issue 21): status, every
// header and the body must stay byte for byte what they were. The world is
// hub_routes_golden_world.json, served twice: as is, then with
// hub.resolve_cache_redirect.
//
// The clock is set before each request and the signing key is fixed, so the
// only thing that differs between runs is the sites' ports: their base URLs
// are written as {hub}, {cdn} and {cas} (Content-Length still counts the
// port: Linux's ephemeral ports all have five digits). The transcript of the
// run is also written to the build folder (hub_routes_actual.txt): after a deliberate
// change of the hub's answers, that file is the new golden file.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mockhub/base/digest.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"
#include "wait_for.h"

namespace mockhub {
namespace {

using testsupport::RawResponse;

constexpr std::int64_t kClock = 1767225600;  // 2026-01-01T00:00:00Z

struct Case {
  std::string method;
  std::string target;  // {sha} is gpt2's main commit, {orgsha} org/name's
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent with Content-Length by methods other than GET and HEAD
};

using H = std::vector<std::pair<std::string, std::string>>;
const H kAlice = {{"Authorization", "Bearer hf_alice"}};
const H kBob = {{"Authorization", "Bearer hf_bob"}};
const H kCarol = {{"Authorization", "Bearer hf_carol"}};
const H kForm = {{"Content-Type", "application/x-www-form-urlencoded"}};
const H kJson = {{"Content-Type", "application/json"}};

std::vector<Case> FileCases() {
  return {
      {"GET", "/gpt2/resolve/main/config.json", {}, ""},
      {"HEAD", "/gpt2/resolve/main/config.json", {}, ""},
      {"GET", "/gpt2/resolve/main/config.json?download=true", {}, ""},
      {"GET", "/gpt2/resolve/main/config.json", {{"Range", "bytes=2-5"}}, ""},
      {"GET", "/gpt2/resolve/main/config.json", {{"Range", "bytes=100-"}}, ""},
      {"GET", "/gpt2/resolve/main/small.bin", {}, ""},
      {"HEAD", "/gpt2/resolve/main/small.bin", {}, ""},
      {"GET", "/gpt2/resolve/main/xet.bin", {}, ""},
      {"GET", "/gpt2/resolve/main/xet.bin", {{"Accept", "application/vnd.xet-fileinfo+json"}}, ""},
      {"HEAD", "/gpt2/resolve/main/xet.bin", {{"Accept", "application/vnd.xet-fileinfo+json"}}, ""},
      {"GET", "/gpt2/raw/main/small.bin", {}, ""},
      {"GET", "/gpt2/raw/main/config.json", {}, ""},
      {"GET", "/gpt2/raw/v1.0/old.txt", {}, ""},
      {"GET", "/gpt2/resolve/main/missing.txt", {}, ""},
      {"GET", "/gpt2/resolve/nosuchrev/config.json", {}, ""},
      {"GET", "/gpt2/resolve/v1.0/config.json", {}, ""},
      {"GET", "/gpt2/resolve/HEAD/config.json", {}, ""},
      {"GET", "/gpt2/resolve/{sha}/config.json", {}, ""},
      {"GET", "/gpt2/resolve/refs/pr/1/config.json", {}, ""},
      {"GET", "/gpt2/resolve/refs%2Fpr%2F1/config.json", {}, ""},
      {"GET", "/gpt2/resolve/refs%2fpr%2f1/config.json", {}, ""},
      {"GET", "/gpt2/resolve/%72efs/pr/1/config.json", {}, ""},
      {"GET", "/gpt2/resolve/refs/pr/2/config.json", {}, ""},
      {"GET", "/gpt2/resolve/refs/pr/1", {}, ""},
      {"GET", "/gpt2/resolve/refs/pr", {}, ""},
      {"GET", "/gpt2/resolve/refs/pull/1/config.json", {}, ""},
      {"GET", "/gpt2/resolve/feature%2Fx/config.json", {}, ""},
      {"GET", "/gpt2/resolve/feature/x/config.json", {}, ""},
      {"GET", "/gpt2/resolve/main/sub/deep/b.txt", {}, ""},
      {"GET", "/gpt2/resolve/main/sub%2Fdeep%2Fb.txt", {}, ""},
      {"GET", "/gpt2/resolve/main/with%20space.txt", {}, ""},
      {"GET", "/gpt2/resolve/main/with+space.txt", {}, ""},
      {"GET", "/gpt2/resolve/main/bad%zzname", {}, ""},
      {"GET", "/gpt2/resolve/main/bad%2", {}, ""},
      {"GET", "/gpt2/resolve/ma%zzin/config.json", {}, ""},
      {"GET", "/gp%zz2/resolve/main/config.json", {}, ""},
      {"GET", "/gpt2/resolve/main/", {}, ""},
      {"GET", "/gpt2/resolve/main", {}, ""},
      {"GET", "/gpt2/resolve/", {}, ""},
      {"GET", "/gpt2/resolve", {}, ""},
      {"GET", "/gpt2/resolve/main/sub/", {}, ""},
      {"GET", "/gpt2/resolve/main/sub", {}, ""},
      {"GET", "/gpt2/resolve/main/../config.json", {}, ""},
      {"GET", "/gpt2/resolve/main/%2E%2E/config.json", {}, ""},
      {"GET", "/gpt2/resolve/main/./config.json", {}, ""},
      {"GET", "/gpt2/resolve/main/sub//a.txt", {}, ""},
      {"GET", "/gpt2/resolve/main/sub%5Ca.txt", {}, ""},
      {"GET", "/gpt2/resolve/main/%2Fconfig.json", {}, ""},
      {"GET", "//gpt2/resolve/main/config.json", {}, ""},
      {"GET", "/gpt2//resolve/main/config.json", {}, ""},
      {"GET", "/gpt2/resolve//config.json", {}, ""},
  };
}

// Auth, renames, repo types and prefixes, methods.
std::vector<Case> FileAuthAndPrefixCases() {
  return {
      {"GET", "/org/name/resolve/main/config.json", {}, ""},
      {"GET", "/org/name/resolve/main/config.json", kAlice, ""},
      {"GET", "/org/name/resolve/main/config.json", kBob, ""},
      {"GET", "/org/name/resolve/main/config.json", kCarol, ""},
      {"GET", "/org/name/resolve/main/w.bin", kBob, ""},
      {"GET", "/org/name/raw/main/config.json", {}, ""},
      {"GET", "/org/private/resolve/main/config.json", {}, ""},
      {"GET", "/org/private/resolve/main/config.json", kBob, ""},
      {"GET", "/org/private/resolve/main/config.json", kAlice, ""},
      {"GET", "/org/disabled/resolve/main/config.json", {}, ""},
      {"GET", "/old-org/name/resolve/main/config.json?download=true&x=%20", {}, ""},
      {"GET", "/old-org/name/raw/refs%2Fpr%2F1/config.json", {}, ""},
      {"GET", "/oldgpt/resolve/main/config.json", {}, ""},
      {"GET", "/nobody/nothing/resolve/main/config.json", {}, ""},
      {"GET", "/nobody/nothing/resolve/main/config.json", kBob, ""},
      {"GET", "/datasets/org/data/resolve/main/train.csv", {}, ""},
      {"GET", "/datasets/org/data/resolve/main/sub/x.csv", {}, ""},
      {"GET", "/datasets/org/data/raw/main/train.csv", {}, ""},
      {"GET", "/datasets/org/data/resolve/main/missing", {}, ""},
      {"GET", "/datasets/squad/resolve/main/train.csv", {}, ""},
      {"GET", "/datasets/squad/resolve/main", {}, ""},
      {"GET", "/datasets/resolve/main/train.csv", {}, ""},
      {"GET", "/datasets/org/data/blob/main/train.csv", {}, ""},
      {"GET", "/spaces/org/space/resolve/main/app.py", {}, ""},
      {"GET", "/spaces/org/space/raw/main/README.md", {}, ""},
      {"GET", "/models/gpt2/resolve/main/config.json", {}, ""},
      {"GET", "/api/resolve/main/config.json", {}, ""},
      {"GET", "/org/resolve/raw/main/config.json", {}, ""},
      {"GET", "/org/tree/resolve/main/config.json", {}, ""},
      {"GET", "/org/name/extra/resolve/main/config.json", {}, ""},
      {"GET", "/datasets/api/resolve/main/train.csv", {}, ""},
      {"GET", "/api/foo/resolve/main/config.json", {}, ""},
      {"GET", "/models/resolve/main/config.json", {}, ""},
      {"GET", "/spaces/resolve/main/app.py", {}, ""},
      {"GET", "/org/revision/resolve/main/config.json", {}, ""},
      {"POST", "/gpt2/resolve/main/config.json", {}, ""},
      {"PUT", "/gpt2/resolve/main/config.json", {}, ""},
      {"DELETE", "/gpt2/raw/main/config.json", {}, ""},
      {"OPTIONS", "/gpt2/resolve/main/config.json", {}, ""},
      {"GET", "/gpt2/resolve/main/config.json", {{"Authorization", "Bearer hf_nobody"}}, ""},
      {"GET", "/gpt2/resolve/main/config.json", {{"Authorization", "Bearer hf_expired"}}, ""},
      {"GET", "/gpt2/resolve/main/config.json", {{"Authorization", "Bearer hf_revoked"}}, ""},
      {"GET", "/gpt2/resolve/main/config.json", {{"Authorization", "bearer  hf_alice "}}, ""},
      {"GET", "/gpt2/resolve/main/config.json", {{"Authorization", "Basic eDp5"}}, ""},
      {"POST", "/nowhere", {{"Authorization", "Bearer hf_nobody"}}, ""},
      {"GET", "/gpt2/resolve/main/config.json", {{"X-Amzn-Trace-Id", "Root=1-abc"}}, ""},
  };
}

std::vector<Case> ApiCases() {
  return {
      {"GET", "/api/models/gpt2", {}, ""},
      {"GET", "/api/models/gpt2/revision/main", {}, ""},
      {"GET", "/api/models/gpt2/revision/main?blobs=true", {}, ""},
      {"GET", "/api/models/gpt2/revision/main?expand=sha&expand=siblings", {}, ""},
      {"GET", "/api/models/gpt2/revision/main?expand=private,gated", {}, ""},
      {"HEAD", "/api/models/gpt2/revision/main", {}, ""},
      {"GET", "/api/models/gpt2/revision/v1.0", {}, ""},
      {"GET", "/api/models/gpt2/revision/refs/pr/1", {}, ""},
      {"GET", "/api/models/gpt2/revision/refs%2Fpr%2F1", {}, ""},
      {"GET", "/api/models/gpt2/revision/refs/pr", {}, ""},
      {"GET", "/api/models/gpt2/revision/feature%2Fx", {}, ""},
      {"GET", "/api/models/gpt2/revision/feature/x", {}, ""},
      {"GET", "/api/models/gpt2/revision/nosuch", {}, ""},
      {"GET", "/api/models/gpt2/revision/", {}, ""},
      {"GET", "/api/models/gpt2/revision", {}, ""},
      {"GET", "/api/models/gpt2/revision/main/extra", {}, ""},
      {"GET", "/api/models/gpt2/revision/ma%zzin", {}, ""},
      {"GET", "/api/models/gpt2/", {}, ""},
      {"GET", "/api/models/org/name", {}, ""},
      {"GET", "/api/models/org/name/", {}, ""},
      {"GET", "/api/models/org/name?blobs=1", kAlice, ""},
      {"GET", "/api/models/org/name/revision/main", {}, ""},
      {"GET", "/api/models/org/private", {}, ""},
      {"GET", "/api/models/org/private", kAlice, ""},
      {"GET", "/api/models/org/disabled", {}, ""},
      {"GET", "/api/models/old-org/name?expand=sha", {}, ""},
      {"GET", "/api/models/old-org/name/tree/main", {}, ""},
      {"GET", "/api/models/oldgpt/revision/main", {}, ""},
      {"GET", "/api/models/org/na%zzme", {}, ""},
      {"GET", "/api/models/org/tree", {}, ""},
      {"GET", "/api/models/org/revision", {}, ""},
      {"GET", "/api/models/org/name/extra", {}, ""},
      {"GET", "/api/datasets/org/data", {}, ""},
      {"GET", "/api/datasets/squad/revision/main", {}, ""},
      {"GET", "/api/datasets/squad", {}, ""},
      {"GET", "/api/spaces/org/space", {}, ""},
      {"GET", "/api/models/org/data", {}, ""},
      {"GET", "/api/widgets/org/name", {}, ""},
      {"GET", "/api/model/org/name", {}, ""},
      {"GET", "/api/models", {}, ""},
      {"GET", "/api/models/", {}, ""},
      {"GET", "/api", {}, ""},
      {"GET", "/api/", {}, ""},
      {"POST", "/api/models/org/name", {}, ""},
      {"DELETE", "/api/models/org/name", {}, ""},
  };
}

std::vector<Case> TreeCases() {
  return {
      {"GET", "/api/models/gpt2/tree/main", {}, ""},
      {"GET", "/api/models/gpt2/tree/main?cursor=Mw%3D%3D", {}, ""},
      {"GET", "/api/models/gpt2/tree/main?recursive=true", {}, ""},
      {"GET", "/api/models/gpt2/tree/main?recursive=1&expand=true&cursor=Mw%3D%3D", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/sub", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/sub/", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/sub//", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/sub/deep?expand=true", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/sub%2Fdeep", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/config.json", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/nothere", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/..%2Fsub", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/sub%5Cdeep", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/", {}, ""},
      {"GET", "/api/models/gpt2/tree/main?cursor=bad", {}, ""},
      {"GET", "/api/models/gpt2/tree/main?cursor=", {}, ""},
      {"GET", "/api/models/gpt2/tree/refs/pr/1", {}, ""},
      {"GET", "/api/models/gpt2/tree/refs%2Fpr%2F1/", {}, ""},
      {"GET", "/api/models/gpt2/tree/refs/pr/1/sub", {}, ""},
      {"GET", "/api/models/gpt2/tree/feature%2Fx", {}, ""},
      {"GET", "/api/models/gpt2/tree/v1.0", {}, ""},
      {"GET", "/api/models/gpt2/tree/nosuch", {}, ""},
      {"GET", "/api/models/gpt2/tree", {}, ""},
      {"GET", "/api/models/gpt2/tree/", {}, ""},
      {"GET", "/api/models/gpt2/tree/main/bad%zz", {}, ""},
      {"GET", "/api/models/org/name/tree/main", {}, ""},
      {"GET", "/api/models/org/name/tree/main/%2F", {}, ""},
      {"GET", "/api/models/tree/tree/main", {}, ""},
      {"GET", "/api/models/org/tree/tree/main", {}, ""},
      {"GET", "/api/models/org/private/tree/main", {}, ""},
      {"GET", "/api/datasets/org/data/tree/main?recursive=true", {}, ""},
      {"GET", "/api/datasets/squad/tree/main", {}, ""},
      {"GET", "/api/spaces/org/space/tree/main", {}, ""},
      {"HEAD", "/api/models/gpt2/tree/main", {}, ""},
      {"POST", "/api/models/gpt2/tree/main", {}, ""},
  };
}

std::vector<Case> PathsInfoCases() {
  const std::string form = "paths=config.json&paths=sub&paths=nothere&expand=true";
  return {
      {"POST", "/api/models/gpt2/paths-info/main", kForm, form},
      {"POST", "/api/models/gpt2/paths-info/main", kForm, "paths=sub/&paths=small.bin"},
      {"POST", "/api/models/gpt2/paths-info/main", kJson,
       R"({"paths": ["config.json", "xet.bin", "sub"], "expand": true})"},
      {"POST", "/api/models/gpt2/paths-info/main", kJson, R"({"paths": "config.json"})"},
      {"POST", "/api/models/gpt2/paths-info/main", kJson, "[1]"},
      {"POST", "/api/models/gpt2/paths-info/main", kJson, "{nope"},
      {"POST", "/api/models/gpt2/paths-info/main", kForm, "other=1"},
      {"POST", "/api/models/gpt2/paths-info", kForm, "paths=config.json"},
      {"POST", "/api/models/gpt2/paths-info/", kForm, "paths=config.json"},
      {"POST", "/api/models/gpt2/paths-info/refs/pr/1", kForm, "paths=old.txt"},
      {"POST", "/api/models/gpt2/paths-info/refs%2Fpr%2F1", kForm, "paths=old.txt"},
      {"POST", "/api/models/gpt2/paths-info/feature%2Fx", kForm, "paths=old.txt"},
      {"POST", "/api/models/gpt2/paths-info/main/extra", kForm, "paths=config.json"},
      {"POST", "/api/models/gpt2/paths-info/nosuch", kForm, "paths=config.json"},
      {"POST", "/api/models/org/name/paths-info/main", kForm, "paths=w.bin"},
      {"POST", "/api/models/org/private/paths-info/main", kForm, "paths=config.json"},
      {"POST", "/api/datasets/org/data/paths-info/main", kForm, "paths=train.csv"},
      {"POST", "/api/models/gpt2/paths-info/ma%zzin", kForm, "paths=config.json"},
      {"GET", "/api/models/gpt2/paths-info/main", {}, ""},
      {"HEAD", "/api/models/gpt2/paths-info/main", {}, ""},
      {"PUT", "/api/models/gpt2/paths-info/main", {}, ""},
      {"GET", "/api/models/gpt2/paths-info/main/extra", {}, ""},
  };
}

std::vector<Case> OtherApiCases() {
  return {
      {"GET", "/api/models/gpt2/xet-read-token/main", {}, ""},
      {"GET", "/api/models/gpt2/xet-read-token/{sha}", {}, ""},
      {"GET", "/api/models/gpt2/xet-read-token/refs/pr/1", {}, ""},
      {"GET", "/api/models/gpt2/xet-read-token/nosuch", {}, ""},
      {"GET", "/api/models/gpt2/xet-read-token", {}, ""},
      {"GET", "/api/models/gpt2/xet-read-token/main/extra", {}, ""},
      {"GET", "/api/models/org/name/xet-read-token/main", {}, ""},
      {"GET", "/api/models/org/name/xet-read-token/main", kBob, ""},
      {"GET", "/api/models/org/name/xet-read-token/main", kAlice, ""},
      {"GET", "/api/datasets/org/data/xet-read-token/main", {}, ""},
      {"POST", "/api/models/gpt2/xet-read-token/main", {}, ""},
      {"GET", "/api/whoami-v2", {}, ""},
      {"GET", "/api/whoami-v2", kAlice, ""},
      {"GET", "/api/whoami-v2", kCarol, ""},
      {"HEAD", "/api/whoami-v2", kBob, ""},
      {"GET", "/api/whoami-v2/", kAlice, ""},
      {"GET", "/api/whoami-v2?x=1", kAlice, ""},
      {"POST", "/api/whoami-v2", kAlice, ""},
      {"GET", "/api/whoami-v2", {{"Authorization", "Bearer hf_expired"}}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}/config.json", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}/small.bin", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}/sub/deep/b.txt", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}/missing", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}/", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/main/config.json", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}/bad%zz", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}/..", {}, ""},
      {"GET", "/api/resolve-cache/models/org/name/{orgsha}/config.json", {}, ""},
      {"GET", "/api/resolve-cache/models/org/name/{orgsha}/config.json", kBob, ""},
      {"GET", "/api/resolve-cache/models/org/name/{sha}/config.json", kBob, ""},
      {"GET", "/api/resolve-cache/datasets/org/data/{sha}/train.csv", {}, ""},
      {"GET", "/api/resolve-cache/widgets/gpt2/{sha}/config.json", {}, ""},
      {"GET", "/api/resolve-cache/models", {}, ""},
      {"GET", "/api/resolve-cache/models/{sha}/{sha}/config.json", {}, ""},
      {"GET", "/api/resolve-cache/models/gp%zz/{sha}/config.json", {}, ""},
      {"GET", "/api/resolve-cache", {}, ""},
      {"POST", "/api/resolve-cache/models/gpt2/{sha}/config.json", {}, ""},
      {"GET", "/", {}, ""},
      {"GET", "/favicon.ico", {}, ""},
      {"GET", "/gpt2", {}, ""},
      {"GET", "/org/name", {}, ""},
      {"GET", "/gpt2/blob/main/config.json", {}, ""},
      {"POST", "/", {}, ""},
  };
}

// The cases that answer differently when regular files redirect to
// /api/resolve-cache.
std::vector<Case> RedirectWorldCases() {
  return {
      {"GET", "/gpt2/resolve/main/config.json", {}, ""},
      {"HEAD", "/gpt2/resolve/refs%2Fpr%2F1/config.json", {}, ""},
      {"GET", "/gpt2/resolve/feature%2Fx/config.json", {}, ""},
      {"GET", "/gpt2/resolve/main/with%20space.txt", {}, ""},
      {"GET", "/gpt2/resolve/main/small.bin", {}, ""},
      {"GET", "/gpt2/raw/main/config.json", {}, ""},
      {"GET", "/datasets/org/data/resolve/main/sub/x.csv", {}, ""},
      {"GET", "/api/resolve-cache/models/gpt2/{sha}/config.json", {}, ""},
  };
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

// A body as one line: JSON-quoted when short and printable, else its size
// and sha256.
std::string BodyLine(const std::string& body) {
  const bool printable = std::all_of(body.begin(), body.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\n' || (u >= 0x20 && u < 0x7f);
  });
  if (printable && body.size() <= 2000) return "body " + nlohmann::json(body).dump();
  return "body " + std::to_string(body.size()) + " bytes, sha256 " + Sha256Hex(body);
}

class HubRoutesGoldenTest : public ::testing::Test {
 protected:
  void Start(bool redirect) {
    auto doc = ReadJsonFile(MOCKHUB_GOLDEN_WORLD);
    ASSERT_TRUE(doc) << doc.error().ToString();
    (*doc)["hub"]["resolve_cache_redirect"] = redirect;
    auto world = WorldFromJson(*doc, MOCKHUB_GOLDEN_WORLD);
    ASSERT_TRUE(world) << world.error().ToString();
    ServerOptions opts;
    opts.signing_key = "golden-signing-key";
    auto started = MockServer::Start(std::move(*world), std::move(opts));
    ASSERT_TRUE(started) << started.status().message();
    server_ = std::move(*started);
    auto snapshot = server_->state().Snapshot();
    sha_ = snapshot->FindRepo(RepoType::kModel, "gpt2")->Resolve("main")->sha;
    org_sha_ = snapshot->FindRepo(RepoType::kModel, "org/name")->Resolve("main")->sha;
  }

  // The case's request line and its answer, the sites' base URLs written
  // as {hub}, {cdn} and {cas}.
  std::string Record(const Case& c) {
    const std::string target = Replace(Replace(c.target, "{sha}", sha_), "{orgsha}", org_sha_);
    server_->state().SetNow(kClock);
    RawResponse r;
    if (c.method == "GET" || c.method == "HEAD") {
      r = testsupport::Request(server_->hub_url(), c.method, target, c.headers);
    } else {
      std::string host;
      int port = 0;
      testsupport::SplitBase(server_->hub_url(), host, port);
      std::string bytes =
          c.method + " " + target + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
          "\r\nConnection: close\r\nContent-Length: " + std::to_string(c.body.size()) + "\r\n";
      for (const auto& [k, v] : c.headers) bytes += k + ": " + v + "\r\n";
      r = testsupport::SendRaw(server_->hub_url(), bytes + "\r\n" + c.body,
                               testsupport::kWaitDefault, c.method == "HEAD");
    }
    std::ostringstream out;
    out << "=== " << c.method << " " << c.target;
    for (const auto& [k, v] : c.headers) out << " [" << k << ": " << v << "]";
    if (!c.body.empty()) out << " <" << c.body << ">";
    const std::string title = out.str();
    out.str("");
    if (!r.ok) {
      out << "no answer: " << r.error << "\n";
    } else {
      out << r.status << "\n";
      for (const auto& [k, v] : r.headers) out << k << ": " << v << "\n";
      out << BodyLine(r.body) << "\n";
    }
    std::string text = out.str();
    for (const auto& [site, url] : server_->urls()) text = Replace(text, url, "{" + site + "}");
    return title + "\n" + text;
  }

  std::unique_ptr<MockServer> server_;
  std::string sha_, org_sha_;
};

// golden file: "=== title" lines, each followed by its answer.
std::map<std::string, std::string> ReadGolden(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::string> cases;
  std::string line, title;
  while (std::getline(in, line)) {
    if (line.rfind("=== ", 0) == 0) {
      title = line;
      cases[title] = line + "\n";
      continue;
    }
    if (!title.empty()) cases[title] += line + "\n";
  }
  return cases;
}

TEST_F(HubRoutesGoldenTest, EveryTargetAnswersAsRecorded) {
  std::vector<std::string> transcript;
  Start(false);
  for (const auto& group : {FileCases(), FileAuthAndPrefixCases(), ApiCases(), TreeCases(),
                            PathsInfoCases(), OtherApiCases()}) {
    for (const Case& c : group) transcript.push_back(Record(c));
  }
  server_->Stop();
  Start(true);
  for (const Case& c : RedirectWorldCases()) {
    std::string rec = Record(c);
    transcript.push_back("=== [resolve_cache_redirect] " + rec.substr(4));
  }
  {
    std::ofstream actual(MOCKHUB_GOLDEN_ACTUAL, std::ios::binary);
    for (const auto& t : transcript) actual << t;
  }
  const auto golden = ReadGolden(MOCKHUB_GOLDEN_FILE);
  ASSERT_FALSE(golden.empty()) << "no golden file at " << MOCKHUB_GOLDEN_FILE;
  std::set<std::string> seen;
  for (const std::string& t : transcript) {
    const std::string title = t.substr(0, t.find('\n'));
    EXPECT_TRUE(seen.insert(title).second) << "two cases named " << title;
    auto it = golden.find(title);
    if (it == golden.end()) {
      ADD_FAILURE() << "not in the golden file: " << title;
      continue;
    }
    EXPECT_EQ(it->second, t);
  }
  EXPECT_EQ(golden.size(), transcript.size()) << "cases in the golden file, not run";
}

}  // namespace
}  // namespace mockhub
