// Client::Doctor: endpoint reachability, which token and from where, whether
// the Hub accepts it, clock skew against the server's Date, the repo's
// visibility and access, whether the CDN hop works without the token, and
// for a Xet file the token exchange and the CAS.
#include <cstdlib>

#include "client_impl.h"
#include "hubget/doctor.h"
#include "hubget/url.h"
#include "metadata.h"

namespace hubget {
namespace {

using Level = Finding::Level;

Finding Make(Level l, std::string topic, std::string text, std::string fix = "") {
  return Finding{l, std::move(topic), std::move(text), std::move(fix)};
}

// The Hub rejects a request that carries a bad token even when the repo is
// public (the InvokeAI 401): ask again without it, to tell "the token is the
// only problem" from "this repo needs a valid token".
Finding WithoutTheToken(const Client::Impl& im, const std::string& repo_id, RepoType type,
                        const ResolvedToken& token) {
  ClientConfig anonymous = im.config;
  anonymous.token = ResolvedToken{};
  Client probe(anonymous, im.transport, im.clock);
  auto info = probe.Info(repo_id, type);
  if (info && !info->is_private && info->gated.empty()) {
    return Make(
        Level::kInfo, "repo",
        "without the token, " + repo_id +
            " is public and readable: the rejected token is the only problem (the Hub "
            "refuses a bad token even for public files)",
        token.source.Remedy() + " to download anonymously, or replace it with a valid token");
  }
  const std::string what = info ? repo_id + " is " + (info->gated.empty() ? "private" : "gated")
                                : "without a token the Hub says: " + info.error().Message();
  return Make(Level::kInfo, "repo", what + "; a valid token with access is needed",
              "create a new read token at " + im.config.endpoint + "/settings/tokens");
}

}  // namespace

const char* LevelName(Finding::Level level) {
  switch (level) {
    case Level::kOk:
      return "ok";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kFail:
      return "fail";
  }
  return "info";
}

namespace {

using Findings = std::vector<Finding>;

// Which token, from where, and what it shadows.
void CheckToken(const Environment& env, const ResolvedToken& token, Findings& out) {
  if (token.suppressed && !token.value) {
    out.push_back(
        Make(Level::kInfo, "token",
             "a token is configured but not sent (--no-token or HF_HUB_DISABLE_IMPLICIT_TOKEN)"));
    return;
  }
  if (!token.value) {
    out.push_back(Make(Level::kInfo, "token", "no token found: only public repos can be downloaded",
                       "for private or gated repos, set HF_TOKEN or run `hf auth login`"));
    return;
  }
  out.push_back(Make(Level::kInfo, "token",
                     "using the token from " + token.source.Describe() +
                         (token.Hint().empty() ? "" : " (ending in ..." + token.Hint() + ")")));
  if (token.source.where != TokenSource::Where::kHfToken &&
      token.source.where != TokenSource::Where::kHuggingFaceHubToken) {
    return;
  }
  MapEnvironment without;  // what the file alone would give
  for (const char* v : {"HF_TOKEN_PATH", "HF_HOME", "XDG_CACHE_HOME", "HOME"}) {
    if (auto x = env.Get(v)) without.Set(v, *x);
  }
  const ResolvedToken file_only = ResolveToken(without, {});
  if (file_only.value && file_only.value != token.value) {
    out.push_back(
        Make(Level::kInfo, "token",
             token.source.Name() + " overrides a different token stored in " + TokenFilePath(env),
             "if " + token.source.Name() + " is stale, " + token.source.Remedy() +
                 " to use the stored one"));
  }
}

// The server's Date against the local clock.
void CheckClock(const HttpResponse& res, Clock& clock, Findings& out) {
  const std::int64_t date = ParseHttpDate(res.headers.Get("Date"));
  if (date <= 0) return;
  const std::int64_t skew = clock.UnixNow() - date;
  if (std::llabs(skew) <= 300) {
    out.push_back(Make(Level::kOk, "clock", "the local clock agrees with the server"));
    return;
  }
  out.push_back(Make(Level::kWarn, "clock",
                     "the local clock is " + std::to_string(std::llabs(skew)) + " s " +
                         (skew > 0 ? "ahead of" : "behind") + " the server",
                     "fix the system time (signed CDN URLs and token checks depend on it)"));
}

// One file of the repo: its HEAD, then the CDN hop without the token.
void CheckFile(Client::Impl& im, const RepoId& repo, const std::string& path, Findings& out) {
  const CallContext ctx{repo, "main", path};
  auto meta = HeadFile(im.session, ResolveUrl(im.config.endpoint, repo, "main", path), ctx,
                       RetryPolicy::None());
  if (!meta) {
    out.push_back(Make(Level::kFail, "file", meta.error().Message()));
    return;
  }
  out.push_back(
      Make(Level::kOk, "file",
           path + " is readable with this token (" + std::to_string(meta->size) + " bytes)"));
  if (meta->xet && !im.config.disable_xet) {
    auto xet = ProbeXet(im.session, im.xet, *meta->xet, meta->size, ctx);
    out.push_back(xet ? Make(Level::kOk, "xet", *xet)
                      : Make(Level::kFail, "xet", xet.error().Message(),
                             "HF_HUB_DISABLE_XET=1 (or --no-xet) downloads it without Xet"));
  }
  if (SameOrigin(meta->location, im.config.endpoint)) return;
  HttpRequest cdn = im.session.NewRequest("GET", meta->location);  // no token: another origin
  cdn.headers.Add("Range", "bytes=0-0");
  cdn.total_timeout = im.config.etag_timeout;
  auto hop = im.transport->Send(cdn);
  const auto host = ParseUrl(meta->location);
  const std::string where = host ? host->host : meta->location;
  if (hop && (hop->status == 200 || hop->status == 206)) {
    out.push_back(Make(Level::kOk, "cdn",
                       "the download host " + where + " serves the file without the token"));
    return;
  }
  out.push_back(Make(Level::kFail, "cdn",
                     "the download host " + where + " answered " +
                         (hop ? "HTTP " + std::to_string(hop->status) : hop.error().detail),
                     "a proxy or firewall may block it; allow " + where));
}

}  // namespace

DoctorReport Client::Doctor(const Environment& env, const std::string& repo_id, RepoType type,
                            const std::string& file) {
  Impl& im = *impl_;
  DoctorReport report;
  auto add = [&](Finding f) { report.findings.push_back(std::move(f)); };
  const ResolvedToken& token = im.config.token;
  CheckToken(env, token, report.findings);

  // Endpoint, whoami and the server's clock in one request.
  if (im.config.offline) {
    add(Make(Level::kWarn, "endpoint", "offline mode is on (HF_HUB_OFFLINE): nothing is checked",
             "unset HF_HUB_OFFLINE to check the connection"));
    return report;
  }
  const std::string url = im.config.endpoint + "/api/whoami-v2";
  HttpRequest req = im.session.NewRequest("GET", url);
  req.total_timeout = im.config.etag_timeout;
  auto res = im.transport->Send(req);
  if (!res) {
    add(Make(Level::kFail, "endpoint",
             "cannot reach " + im.config.endpoint + ": " + res.error().detail,
             "check the network, the proxy settings and HF_ENDPOINT"));
    return report;
  }
  add(Make(Level::kOk, "endpoint",
           im.config.endpoint + " answers (HTTP " + std::to_string(res->status) + ")"));
  CheckClock(*res, *im.clock, report.findings);
  if (token.value) {
    if (res->status == 200) {
      auto who = Whoami();
      if (who) {
        add(Make(Level::kOk, "whoami",
                 "the Hub accepts the token: user " + who->name +
                     (who->token_name.empty() ? "" : ", token '" + who->token_name + "'") +
                     (who->token_role.empty() ? "" : " (" + who->token_role + ")")));
      }
    } else {
      const Error e = im.session.ErrorFor(*res, url, {});
      add(Make(Level::kFail, "whoami", e.Message(),
               "create a new read token at " + im.config.endpoint + "/settings/tokens, or " +
                   token.source.Remedy()));
    }
  }

  if (repo_id.empty()) return report;
  auto info = Info(repo_id, type);
  if (!info) {
    add(Make(Level::kFail, "repo", info.error().Message()));
    const Kind kind = info.error().kind;
    if (token.value && (kind == Kind::kInvalidToken || kind == Kind::kTokenExpired)) {
      add(WithoutTheToken(im, repo_id, type, token));
    }
    return report;
  }
  std::string vis = info->is_private ? "private" : "public";
  if (!info->gated.empty()) vis = "gated (" + info->gated + ")";
  add(Make(Level::kOk, "repo", repo_id + " is " + vis));

  std::string path = file;
  if (path.empty() && !info->files.empty()) path = info->files.front();
  if (!path.empty()) CheckFile(im, RepoId{repo_id, type}, path, report.findings);
  return report;
}

}  // namespace hubget
