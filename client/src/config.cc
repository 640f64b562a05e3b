// ClientConfig from the environment, the way huggingface_hub reads it.
#include <algorithm>
#include <cstdlib>

#include "hubget/cache.h"
#include "hubget/client.h"
#include "hubget/url.h"

namespace hubget {
namespace {

// A positive number of seconds ("10", "0.5"), at most a day; anything else
// (garbage, "inf", "nan", 0, negative) keeps the default. At least 1 ms: a
// tiny value rounded to 0 would mean no timeout at all.
std::optional<std::chrono::milliseconds> Seconds(const std::optional<std::string>& v) {
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  const double s = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || *end != '\0' || !(s > 0 && s <= 86400)) return std::nullopt;
  return std::chrono::milliseconds(std::max(1LL, static_cast<long long>(s * 1000)));
}

// A whole number from 0 to `max`; anything else keeps the default (larger
// values would overflow int or the backoff arithmetic).
std::optional<long long> NonNegative(const std::optional<std::string>& v, long long max) {
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  const long long n = std::strtoll(v->c_str(), &end, 10);
  if (*end != '\0' || n < 0 || n > max) return std::nullopt;
  return n;
}

}  // namespace

ClientConfig ResolveConfig(const Environment& env, const ConfigOverrides& o) {
  ClientConfig c;
  if (auto ep = env.Get("HF_ENDPOINT"); ep && !ep->empty()) c.endpoint = *ep;
  if (o.endpoint) c.endpoint = *o.endpoint;
  c.endpoint = TrimEndpoint(c.endpoint);
  c.token = ResolveToken(env, o.token);
  c.cache_dir = o.cache_dir ? *o.cache_dir : DefaultCacheDir(env);
  c.offline = IsTruthy(env.Get("HF_HUB_OFFLINE")) || IsTruthy(env.Get("TRANSFORMERS_OFFLINE"));
  if (auto t = Seconds(env.Get("HF_HUB_ETAG_TIMEOUT"))) c.etag_timeout = *t;
  if (auto t = Seconds(env.Get("HF_HUB_DOWNLOAD_TIMEOUT"))) c.idle_timeout = *t;
  // Test and scenario knobs: fewer retries, shorter backoff (max = 8 x base),
  // up to 1000 retries and a base of a day.
  if (auto n = NonNegative(env.Get("HUBGET_MAX_RETRIES"), 1000))
    c.retry.max_retries = static_cast<int>(*n);
  if (auto ms = NonNegative(env.Get("HUBGET_RETRY_BASE_MS"), 86400000)) {
    c.retry.base_wait = std::chrono::milliseconds(*ms);
    c.retry.max_wait = std::chrono::milliseconds(*ms * 8);
  }
  if (o.max_workers && *o.max_workers > 0) c.max_workers = *o.max_workers;
  c.disable_xet = o.no_xet || IsTruthy(env.Get("HF_HUB_DISABLE_XET"));
  // libcurl reads none of these by itself (only the curl tool does), and
  // the scenario runner points them at mockhub's CA: honour them explicitly.
  // REQUESTS_CA_BUNDLE last: Python clients' users behind a corporate CA
  // have it set already.
  for (const char* name :
       {"HUBGET_CA_FILE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"}) {
    if (auto ca = env.Get(name); ca && !ca->empty()) {
      c.ca_file = *ca;
      break;
    }
  }
  return c;
}

}  // namespace hubget
