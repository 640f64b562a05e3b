// ClientConfig from the environment, the way huggingface_hub reads it.
#include <cstdlib>

#include "hubget/cache.h"
#include "hubget/client.h"
#include "hubget/url.h"

namespace hubget {
namespace {

std::optional<std::chrono::milliseconds> Seconds(const std::optional<std::string>& v) {
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  const double s = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || s <= 0) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(s * 1000));
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
  if (o.max_workers && *o.max_workers > 0) c.max_workers = *o.max_workers;
  if (auto ca = env.Get("HUBGET_CA_FILE"); ca && !ca->empty()) c.ca_file = *ca;
  return c;
}

}  // namespace hubget
