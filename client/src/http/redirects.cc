// The one redirect follower. See redirects.h.
#include "http/redirects.h"

#include "hubget/url.h"

namespace hubget {
namespace {

Error HopError(Kind kind, int status, std::string detail) {
  Error e = MakeError(kind, std::move(detail));
  e.reply.status = status;
  return e;
}

}  // namespace

bool IsRedirectStatus(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Result<Hop> NextHop(const std::string& url, const HttpResponse& response, OtherOrigin rule,
                    int followed) {
  const int status = response.status;
  const std::string location = response.headers.Get("Location");
  if (location.empty()) {
    return HopError(Kind::kNotAHub, status,
                    "the " + std::to_string(status) + " redirect has no Location header");
  }
  auto resolved = ResolveHttpLocation(url, location);
  if (!resolved) {
    return HopError(resolved.error().kind, status,
                    "the redirect Location " + resolved.error().detail);
  }
  const std::string next = std::move(resolved.value());
  Hop hop{next, false};
  if (!SameOrigin(next, url)) {
    if (rule == OtherOrigin::kStop) {
      hop.stop = true;
      return hop;
    }
    if (rule == OtherOrigin::kRefuse) {
      return HopError(Kind::kHttp, status,
                      "the request was redirected to another origin (" + next +
                          "); hubget follows this request's redirects only on the endpoint's "
                          "origin, check HF_ENDPOINT");
    }
  }
  if (followed >= kMaxRedirects) {
    return HopError(
        Kind::kHttp, status,
        "more than " + std::to_string(kMaxRedirects) + " redirects, the last to " + next);
  }
  return hop;
}

}  // namespace hubget
