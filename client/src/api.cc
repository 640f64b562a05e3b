// Client construction and the JSON API calls: repo info, tree listing
// (following Link pages), whoami.
#include <set>
#include <utility>

#include "client_impl.h"
#include "http/redirects.h"
#include "hub/api_json.h"
#include "hub/capped_body.h"
#include "hubget/curl_transport.h"
#include "hubget/url.h"

namespace hubget {
namespace {

// One tree listing (written down in client/README.md, "Limits"). The Hub
// answers 1,000 entries a page (about 250 KB) and advises under 100,000
// files a repo; hubget holds the whole listing in memory, so a server that
// pages on and on, or pages of megabytes, ends with not_a_hub at these caps
// instead of taking memory without end.
constexpr std::size_t kMaxTreePages = 10000;
constexpr std::size_t kMaxTreePageBody = 16u << 20;    // bytes of one page
constexpr std::size_t kMaxTreeEntries = 1000000;       // files and folders listed
constexpr std::uint64_t kMaxTreeBytes = 256ull << 20;  // bytes of all pages

}  // namespace

Client::Client(ClientConfig config, std::shared_ptr<HttpTransport> transport,
               std::shared_ptr<Clock> clock)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(transport), std::move(clock))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Client Client::FromEnvironment(const ConfigOverrides& overrides) {
  ProcessEnvironment env;
  auto clock = std::make_shared<SystemClock>();
  return Client(ResolveConfig(env, overrides), MakeCurlTransport(clock), clock);
}

const ClientConfig& Client::config() const { return impl_->config; }

void Client::SetWarningCallback(WarningCallback callback) {
  std::lock_guard<std::mutex> lock(impl_->warn_mu);
  impl_->warn = std::move(callback);
}

void Client::SetRetryWaitCallback(RetryWaitCallback callback) {
  impl_->session.SetRetryWaitCallback(std::move(callback));
}

void Client::SetInterrupt(const std::atomic<bool>* interrupt) {
  impl_->session.SetInterrupt(interrupt);
}

std::string Client::Impl::ApiBase(const RepoId& repo) const {
  return config.endpoint + "/api/" + RepoTypeName(repo.type) + "s/" + repo.id;
}

Result<HttpResponse> Client::Impl::ApiGet(const std::string& start_url, const CallContext& ctx,
                                          std::size_t max_body) {
  if (config.offline) {
    Error e = MakeError(Kind::kOfflineNotCached, "cannot reach " + start_url + " in offline mode");
    return session.Decorate(std::move(e), start_url, ctx);
  }
  // huggingface_hub's API calls follow redirects (a renamed repo answers its
  // old id with a relative 307). hubget follows them on the endpoint's own
  // origin only, with the token, and never to another origin.
  std::string url = start_url;
  for (int hop = 0;; ++hop) {
    auto res = GetJson(session, url, max_body, "API answer",
                       [](HttpRequest& req) { req.timeout_setting = "HF_HUB_ETAG_TIMEOUT"; });
    if (!res) return session.Decorate(res.error(), url, ctx);
    if (res->status >= 200 && res->status < 300) return res;
    if (!IsRedirectStatus(res->status)) return session.ErrorFor(*res, url, ctx);
    auto next = NextHop(url, *res, OtherOrigin::kRefuse, hop);
    if (!next) return session.Decorate(next.error(), url, ctx);
    url = next->url;
  }
}

Result<RepoInfo> Client::Info(const std::string& repo_id, RepoType type,
                              const std::string& revision) {
  if (auto s = ValidateRepoId(repo_id); !s) return s.error();
  const RepoId repo{repo_id, type};
  std::string url = impl_->ApiBase(repo);
  if (!revision.empty()) url += "/revision/" + QuoteAll(revision);
  auto res = impl_->ApiGet(url, {repo, revision, ""});
  if (!res) return res.error();
  auto info = ParseRepoInfo(res->body);
  if (!info) return impl_->session.Decorate(info.error(), url, {repo, revision, ""});
  return info;
}

Result<std::vector<TreeEntry>> Client::ListFiles(const std::string& repo_id, RepoType type,
                                                 const std::string& revision) {
  if (auto s = ValidateRepoId(repo_id); !s) return s.error();
  const RepoId repo{repo_id, type};
  const CallContext ctx{repo, revision, ""};
  std::string url =
      impl_->ApiBase(repo) + "/tree/" + QuoteAll(revision) + "?recursive=true&expand=false";
  auto not_a_hub = [&](const std::string& why) {
    return impl_->session.Decorate(MakeError(Kind::kNotAHub, why), url, ctx);
  };
  std::vector<TreeEntry> all;
  // A Link back to a page already listed (itself, or a cycle) would list
  // forever; so would a chain of fresh pages, up to the caps.
  std::set<std::string> listed;
  std::size_t entries = 0;
  std::uint64_t bytes = 0;
  auto too_long = [&](const std::string& what) {
    return not_a_hub("the tree listing goes on past " + what +
                     ", more than hubget reads from one listing");
  };
  for (;;) {
    if (!listed.insert(url).second) {
      return not_a_hub("the tree listing's Link header leads back to a page already listed");
    }
    if (listed.size() > kMaxTreePages) return too_long(std::to_string(kMaxTreePages) + " pages");
    auto res = impl_->ApiGet(url, ctx, kMaxTreePageBody);
    if (!res) return res.error();
    bytes += res->body.size();
    if (bytes > kMaxTreeBytes) return too_long(std::to_string(kMaxTreeBytes >> 20) + " MiB");
    std::size_t on_page = 0;
    auto files = ParseTreePage(res->body, &on_page);
    if (!files) return impl_->session.Decorate(files.error(), url, ctx);
    entries += on_page;
    if (entries > kMaxTreeEntries) return too_long(std::to_string(kMaxTreeEntries) + " entries");
    for (auto& e : files.value()) all.push_back(std::move(e));
    const std::string next = NextLink(res->headers.Get("Link"));
    if (next.empty()) break;
    auto resolved = ResolveHttpLocation(url, next);
    if (!resolved) {
      Error e = impl_->session.Decorate(resolved.error(), url, ctx);
      e.detail = "the tree listing's Link " + e.detail;
      return e;
    }
    url = std::move(resolved.value());  // the token follows only on the endpoint's origin
  }
  return all;
}

Error ExplainGatedRefusal(Client& client, Error e) {
  if (e.kind != Kind::kGatedNotAuthorized || !client.config().token.value) return e;
  const auto who = client.Whoami();
  if (who && who->fine_grained() && who->can_read_gated_repos == false) {
    e.cause = cause::GatedScope{};
  }
  return e;
}

Result<WhoAmI> Client::Whoami() {
  const std::string url = impl_->config.endpoint + "/api/whoami-v2";
  if (!impl_->config.token.value) {
    Error e = MakeError(Kind::kAuthRequired, "whoami needs a token and none was found");
    if (impl_->config.token.disabled) {
      e.cause = cause::Told{
          "whoami needs a token, and none is sent: --no-token (or HF_HUB_DISABLE_IMPLICIT_TOKEN) "
          "is set. Run it without that to ask about the configured token."};
    }
    return impl_->session.Decorate(std::move(e), url, {});
  }
  auto res = impl_->ApiGet(url, {});
  if (!res) return res.error();
  auto who = ParseWhoami(res->body);
  if (!who) return impl_->session.Decorate(who.error(), url, {});
  return who;
}

}  // namespace hubget
