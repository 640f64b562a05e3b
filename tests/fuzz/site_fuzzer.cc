// Fuzzes the sites' decisions (hub, CDN, CAS: AnswerAt in site.h) on
// arbitrary requests against the embedded demo world, and checks what must
// hold of every answer whatever was asked: a status in 100..599, no world
// token or signing key in any header or body unless the request itself
// carried it outside Authorization, a Content-Range that agrees with the
// body, a content slice inside its content. A violation aborts.
//
// Input: "METHOD TARGET" on the first line, then "Name: value" header lines
// up to an empty line, then the body. The request goes to every site; then,
// like a client, the fuzzer follows up to kMaxHops URLs the answers name
// (Location, Link, URLs in a JSON body) on any site, sending the CAS the CAS
// token an answer handed out, so signed CDN and CAS routes are reached too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "mockhub/sites/site.h"
#include "mockhub/world/world_json.h"

namespace {

using mockhub::HttpRequest;
using mockhub::HttpResponse;

constexpr std::size_t kMaxHops = 8;
constexpr std::uint64_t kMaxScannedContent = 256 * 1024;
constexpr const char* kSigningKey = "fuzz-signing-key-5f3a9c";

[[noreturn]] void Violation(const std::string& site, const HttpRequest& req,
                            const std::string& what) {
  std::fprintf(stderr, "site_fuzzer: %s %s at %s: %s\n", req.method.c_str(), req.target.c_str(),
               site.c_str(), what.c_str());
  std::abort();
}

const mockhub::World& TheWorld() {
  static const mockhub::World world = mockhub::DemoWorld();
  return world;
}

const mockhub::SiteContext& Context() {
  static const mockhub::SiteContext ctx = [] {
    mockhub::SiteContext c;
    c.urls = {{mockhub::kHubSite, "http://127.0.0.1:8001"},
              {mockhub::kCdnSite, "http://127.0.0.2:8002"},
              {mockhub::kCasSite, "http://127.0.0.3:8003"}};
    c.signing_key = kSigningKey;
    c.now = TheWorld().clock_start.value_or(1735689600);
    c.request_id = "fuzz-request";
    return c;
  }();
  return ctx;
}

// SITE_FUZZER_TRACE=1: each hop and its status on stderr, to see what a
// seed reaches.
bool Trace() {
  static const bool trace = std::getenv("SITE_FUZZER_TRACE") != nullptr;
  return trace;
}

HttpRequest ParseInput(const std::string& in) {
  HttpRequest req;
  std::size_t eol = in.find('\n');
  const std::string first = in.substr(0, eol);
  const std::size_t sp = first.find(' ');
  req.method = first.substr(0, sp);
  req.target = sp == std::string::npos ? "/" : first.substr(sp + 1);
  std::size_t pos = eol == std::string::npos ? in.size() : eol + 1;
  while (pos < in.size()) {
    eol = in.find('\n', pos);
    const std::string line =
        in.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? in.size() : eol + 1;
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    req.headers.emplace_back(line.substr(0, colon), value);
  }
  req.body = in.substr(pos, 1 << 20);
  return req;
}

// The secrets no answer may show, unless the request showed them first.
std::vector<std::string> Secrets(const HttpRequest& req) {
  std::vector<std::string> out;
  auto shown = [&req](const std::string& s) {
    if (req.target.find(s) != std::string::npos || req.body.find(s) != std::string::npos)
      return true;
    for (const auto& [k, v] : req.headers) {
      if (mockhub::HeaderNameEquals(k, "Authorization")) continue;
      if (k.find(s) != std::string::npos || v.find(s) != std::string::npos) return true;
    }
    return false;
  };
  for (const auto& [value, token] : TheWorld().tokens)
    if (!shown(value)) out.push_back(value);
  if (!shown(kSigningKey)) out.push_back(kSigningKey);
  return out;
}

std::uint64_t Decimal(const std::string& s, std::size_t from, std::size_t to) {
  if (from >= to || to - from > 19) return UINT64_MAX;
  std::uint64_t v = 0;
  for (std::size_t i = from; i < to; ++i) {
    if (s[i] < '0' || s[i] > '9') return UINT64_MAX;
    v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
  }
  return v;
}

void CheckContentRange(const std::string& site, const HttpRequest& req, const HttpResponse& res) {
  const std::string cr = res.Get("Content-Range");
  if (cr.empty()) {
    if (res.status == 206 && res.Get("Content-Type").rfind("multipart/byteranges", 0) != 0)
      Violation(site, req, "206 without Content-Range");
    return;
  }
  const std::size_t slash = cr.find('/');
  if (cr.rfind("bytes ", 0) != 0 || slash == std::string::npos)
    Violation(site, req, "malformed Content-Range " + cr);
  const std::uint64_t total = Decimal(cr, slash + 1, cr.size());
  if (total == UINT64_MAX) Violation(site, req, "Content-Range total " + cr);
  if (cr.compare(6, slash - 6, "*") == 0) {
    if (res.status != 416)
      Violation(site, req, "bytes */N with status " + std::to_string(res.status));
    return;
  }
  const std::size_t dash = cr.find('-', 6);
  if (dash == std::string::npos || dash > slash) Violation(site, req, "Content-Range " + cr);
  const std::uint64_t first = Decimal(cr, 6, dash);
  const std::uint64_t last = Decimal(cr, dash + 1, slash);
  if (first == UINT64_MAX || last == UINT64_MAX || last < first || last >= total)
    Violation(site, req, "Content-Range out of order " + cr);
  if (res.status != 206) Violation(site, req, "Content-Range " + cr + " on a non-206");
  if (res.BodyLength() != last - first + 1)
    Violation(site, req,
              "Content-Range " + cr + " for a body of " + std::to_string(res.BodyLength()));
  if (res.content && (res.content_offset != first || res.content->size() != total))
    Violation(site, req, "Content-Range " + cr + " is not the content slice");
}

void Check(const std::string& site, const HttpRequest& req, const HttpResponse& res) {
  if (res.status < 100 || res.status > 599)
    Violation(site, req, "status " + std::to_string(res.status));
  if (res.content && (res.content_offset > res.content->size() ||
                      res.content_length > res.content->size() - res.content_offset))
    Violation(site, req, "content slice past the content's end");
  if (res.Has("Content-Length")) {
    if (res.Get("Content-Length") != std::to_string(res.BodyLength()) && req.method != "HEAD")
      Violation(site, req,
                "Content-Length " + res.Get("Content-Length") + " for a body of " +
                    std::to_string(res.BodyLength()));
  }
  CheckContentRange(site, req, res);
  std::string body = res.body;
  if (res.content && res.content_length <= kMaxScannedContent) {
    body.resize(static_cast<std::size_t>(res.content_length));
    res.content->Read(res.content_offset, body.data(), body.size());
  }
  for (const std::string& secret : Secrets(req)) {
    if (body.find(secret) != std::string::npos) Violation(site, req, "body shows " + secret);
    for (const auto& [k, v] : res.headers) {
      if (k.find(secret) != std::string::npos || v.find(secret) != std::string::npos)
        Violation(site, req, "header " + k + " shows " + secret);
    }
  }
}

struct Hop {
  const mockhub::Site* site;
  std::string method;
  std::string target;
};

// URLs on any site that `text` names, in their order there, as hops; a URL
// ends at the first byte it cannot hold in a header or a JSON string.
void FindUrls(const std::string& text, const std::string& method, std::deque<Hop>& out) {
  std::vector<std::pair<std::size_t, Hop>> found;
  for (const auto& [name, base] : Context().urls) {
    for (std::size_t at = text.find(base); at != std::string::npos; at = text.find(base, at + 1)) {
      const std::size_t from = at + base.size();
      const std::size_t to = text.find_first_of("\"<> ,\r\n\\", from);
      std::string target = text.substr(from, to == std::string::npos ? to : to - from);
      if (target.empty() || target[0] != '/') continue;
      found.push_back({at, {mockhub::FindSite(name), method, target}});
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [at, hop] : found) out.push_back(std::move(hop));
}

std::string CasToken(const HttpResponse& res) {
  const std::string key = "\"accessToken\":\"";
  const std::size_t at = res.body.find(key);
  if (at == std::string::npos) return "";
  const std::size_t end = res.body.find('"', at + key.size());
  return end == std::string::npos ? "" : res.body.substr(at + key.size(), end - at - key.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const HttpRequest original = ParseInput(std::string(reinterpret_cast<const char*>(data), size));
  std::deque<Hop> hops;
  for (const mockhub::Site& site : mockhub::Sites())
    hops.push_back({&site, original.method, original.target});
  std::string cas_token;
  for (std::size_t n = 0; !hops.empty() && n < mockhub::Sites().size() + kMaxHops; ++n) {
    const Hop hop = hops.front();
    hops.pop_front();
    HttpRequest req = original;
    req.method = hop.method;
    req.target = hop.target;
    if (n >= mockhub::Sites().size()) req.body.clear();
    if (hop.site->name == mockhub::kCasSite && !cas_token.empty()) {
      mockhub::HeaderList headers;
      for (auto& [k, v] : req.headers)
        if (!mockhub::HeaderNameEquals(k, "Authorization")) headers.emplace_back(k, v);
      headers.emplace_back("Authorization", "Bearer " + cas_token);
      req.headers = std::move(headers);
    }
    const HttpResponse res = mockhub::AnswerAt(*hop.site, req, TheWorld(), Context());
    Check(hop.site->name, original, res);
    if (Trace()) {
      std::fprintf(stderr, "  %s %s %s -> %d\n", hop.site->name.c_str(), req.method.c_str(),
                   req.target.substr(0, 100).c_str(), res.status);
    }
    if (const std::string t = CasToken(res); !t.empty()) cas_token = t;
    // A redirect is followed with its method; what Link and a body name, a
    // client GETs.
    for (const auto& [k, v] : res.headers)
      FindUrls(v, mockhub::HeaderNameEquals(k, "Location") ? req.method : "GET", hops);
    FindUrls(res.body, "GET", hops);
  }
  return 0;
}
