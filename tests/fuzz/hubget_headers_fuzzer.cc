// Fuzzes hubget's readers of server header text: Content-Range and plain
// decimals (session.h), Link (NextLink, ParseLinkRels, the Xet headers of
// xet_metadata.h), Retry-After and RateLimit (retry.h, RetryWaitFor),
// HTTP-dates, Location resolution and URLs (url.h), and the mapping of an
// error answer to a message (Session::ErrorFor, X-Error-* and S3 XML).
// Each checks what its header comment promises; a broken promise aborts.
//
// Input: "Name: value" lines; the first line's text before ':' is also the
// status when it is a number. Every line's value goes through every parser.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "hub/session.h"
#include "hubget/clock.h"
#include "hubget/retry.h"
#include "hubget/url.h"
#include "xet/xet_metadata.h"

namespace {

constexpr long long kNow = 1735689600;
constexpr const char* kBase = "https://huggingface.co/api/models/org/name/tree/main?recursive=1";

class NoTransport final : public hubget::HttpTransport {
 public:
  hubget::Result<hubget::HttpResponse> Send(const hubget::HttpRequest&) override {
    return hubget::MakeError(hubget::Kind::kNetwork, "no network in a fuzzer");
  }
};

class FixedClock final : public hubget::Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return {}; }
  std::int64_t UnixNow() override { return kNow; }
  void Sleep(std::chrono::milliseconds) override {}
};

// A broken promise: which one, then abort (libFuzzer keeps the input).
#define EXPECT_HOLDS(cond)                                                    \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                           \
    }                                                                         \
  } while (false)

bool IsDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// An absolute http(s) URL without a byte that could end a header (the scheme
// may come in any case, as RFC 3986 allows and hubget keeps).
bool IsHttpUrl(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  const auto url = hubget::ParseUrl(s);
  return url && (url->scheme == "http" || url->scheme == "https");
}

void OneValue(const std::string& v) {
  const hubget::ContentRange cr = hubget::ParseContentRange(v);
  if (cr.start >= 0) EXPECT_HOLDS(cr.end >= cr.start && (cr.total < 0 || cr.end < cr.total));
  if (cr.start < 0) EXPECT_HOLDS(cr.end < 0);
  const long long d = hubget::PlainDecimal(v);
  EXPECT_HOLDS(d >= -1 && (d == -1 || IsDigits(v)));
  if (auto ra = hubget::ParseRetryAfter(v, kNow)) EXPECT_HOLDS(ra->count() >= 0);
  (void)hubget::ParseHttpDate(v);
  if (const std::string next = hubget::NextLink(v); !next.empty()) (void)hubget::ParseUrl(next);
  for (const auto& [rel, url] : hubget::ParseLinkRels(v))
    EXPECT_HOLDS(url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0);
  if (auto url = hubget::ParseUrl(v)) {
    EXPECT_HOLDS(!url->target.empty() && url->target[0] == '/');
    EXPECT_HOLDS(url->port >= 0 && url->port <= 65535);
  }
  if (auto resolved = hubget::ResolveHttpLocation(kBase, v)) EXPECT_HOLDS(IsHttpUrl(*resolved));
  (void)hubget::QuotePath(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  hubget::HttpResponse res;
  res.status = 429;
  std::size_t pos = 0;
  for (bool first = true; pos <= in.size(); first = false) {
    const std::size_t eol = std::min(in.find('\n', pos), in.size());
    const std::string line = in.substr(pos, eol - pos);
    pos = eol + 1;
    const std::size_t colon = line.find(':');
    const std::string name = line.substr(0, colon);
    std::string value = colon == std::string::npos ? line : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (first && IsDigits(name) && name.size() <= 3) {
      res.status = std::atoi(name.c_str());
      continue;
    }
    OneValue(value);
    if (colon != std::string::npos) res.headers.Add(name, value);
  }
  res.body = res.headers.Get("X-Body");
  std::string problem;
  if (auto xet = hubget::XetFileInfoFrom(res.headers, &problem)) {
    EXPECT_HOLDS(xet->hash.size() == 64 &&
                 xet->hash.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos);
    EXPECT_HOLDS(xet->auth_url.rfind("http://", 0) == 0 || xet->auth_url.rfind("https://", 0) == 0);
  }
  const hubget::RetryPolicy policy;
  for (int retry = 1; retry <= 2; ++retry)
    EXPECT_HOLDS(hubget::RetryWaitFor(policy, retry, &res, kNow).count() >= 0);
  hubget::ClientConfig config;
  NoTransport transport;
  FixedClock clock;
  const hubget::Session session(config, transport, clock);
  const hubget::Error e = session.ErrorFor(res, kBase, hubget::CallContext{});
  (void)e.Message();
  return 0;
}
