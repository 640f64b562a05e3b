// Redirects are the client's decision, not the transport's (http.h): the one
// place that reads a 3xx answer, resolves its Location, counts hops against
// one limit and applies the caller's rule for another origin. The API calls
// and the metadata HEAD stay on the endpoint's origin, the body GET may go to
// any http(s) origin; which credentials travel along is Session's business
// (per origin, so a hop elsewhere carries none). Internal.
#pragma once

#include <string>

#include "hubget/http.h"
#include "hubget/result.h"

namespace hubget {

// httpx follows up to 20; a renamed repo needs one, a resolve URL two.
inline constexpr int kMaxRedirects = 10;

// 301, 302, 303, 307 and 308: the statuses httpx follows.
bool IsRedirectStatus(int status);

// What a redirect to another origin (scheme, host, port) means to the caller.
enum class OtherOrigin {
  kRefuse,  // an error: the JSON API answers on the endpoint's origin only
  kStop,    // the answer itself: a HEAD's cross-origin 302 holds the metadata
  kFollow,  // follow it (only http(s) ever resolves): the body GET to a CDN
};

struct Hop {
  std::string url;    // absolute: where the Location points
  bool stop = false;  // OtherOrigin::kStop and `url` is elsewhere: do not go
};

// The next hop for the redirect `response` to `url`, `followed` hops into the
// chain. Errors (undecorated, with the response's status): no Location, or
// one ResolveHttpLocation (url.h) refuses, with its kind: kNotAHub for a
// malformed one, kHttp naming a scheme other than http(s), under any rule;
// another origin under kRefuse (kHttp); a hop past kMaxRedirects (kHttp).
Result<Hop> NextHop(const std::string& url, const HttpResponse& response, OtherOrigin rule,
                    int followed);

}  // namespace hubget
