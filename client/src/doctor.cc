// Client::Doctor: a checklist (token, endpoint, clock, whoami, repo, file,
// Xet, CDN), one line per check, [ok]/[warn]/[fail] with a fix on every
// line that is not ok, [skip] for what does not apply (no "readable with
// this token" when no token is sent), and the conclusion first and once.
// A rejected token is asked about once (whoami); the repo and the file are
// then looked at without it, so its error is not repeated on every line.
#include <cstdlib>

#include "client_impl.h"
#include "hub/metadata.h"
#include "hubget/url.h"

namespace hubget {
namespace {

using Level = Finding::Level;
using Findings = std::vector<Finding>;

Finding Make(Level l, std::string topic, std::string text, std::string fix = "") {
  return Finding{l, std::move(topic), std::move(text), std::move(fix)};
}

std::string NewTokenAt(const ClientConfig& c) {
  return "create a new read token at " + c.endpoint + "/settings/tokens";
}

// A failed check's fix, by what went wrong (the message says why).
std::string FixFor(const Error& e, const ClientConfig& c) {
  switch (e.kind) {
    case Kind::kInvalidToken:
    case Kind::kTokenExpired:
      return NewTokenAt(c) + ", or " + e.token.source.Remedy();
    case Kind::kAuthRequired:
    case Kind::kGatedAuthRequired:
      return "log in (hf auth login), set HF_TOKEN or pass --token";
    case Kind::kGatedNotAuthorized:
      return "ask for access on the repo page, or use a token of an account that has it";
    case Kind::kForbidden:
      return "give the token read permission on this repo, or use a read token";
    case Kind::kRepoNotFound:
    case Kind::kEntryNotFound:
    case Kind::kRevisionNotFound:
      return "check the repo id, the file name and --repo-type";
    case Kind::kRateLimited:
    case Kind::kServerError:
    case Kind::kTimeout:
      return "try again later";
    case Kind::kNetwork:
    case Kind::kNotAHub:
      return "check the network, the proxy settings (HTTPS_PROXY) and HF_ENDPOINT";
    default:
      return "see the message above";
  }
}

// Which token, from where, and what it shadows.
void CheckToken(const Environment& env, const ResolvedToken& token, Findings& out) {
  if (token.disabled && !token.value) {
    out.push_back(Make(Level::kSkip, "token",
                       "not sent (--no-token or HF_HUB_DISABLE_IMPLICIT_TOKEN): only public repos "
                       "are checked"));
    return;
  }
  if (!token.value) {
    out.push_back(Make(Level::kSkip, "token", "none found: only public repos can be read",
                       "for private or gated repos, set HF_TOKEN or run `hf auth login`"));
    return;
  }
  out.push_back(Make(Level::kOk, "token",
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
        Make(Level::kWarn, "token",
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

// What doctor learnt on the way, for the checks after and the conclusion.
struct State {
  bool token_sent = false;      // a token goes with the requests
  bool token_rejected = false;  // whoami answered 401
  std::optional<WhoAmI> who;
  std::string conclusion;
  std::string conclusion_fix;
};

// whoami, from the answer the endpoint check already has.
void CheckWhoami(Client& client, Client::Impl& im, const HttpResponse& res, const std::string& url,
                 State& st, Findings& out) {
  if (!st.token_sent) {
    out.push_back(Make(Level::kSkip, "whoami", "no token is sent"));
    return;
  }
  if (res.status == 200) {
    auto who = client.Whoami();
    if (!who) {
      out.push_back(
          Make(Level::kFail, "whoami", who.error().Message(), FixFor(who.error(), im.config)));
      return;
    }
    std::string text = "the Hub accepts the token: user " + who->name +
                       (who->token_name.empty() ? "" : ", token '" + who->token_name + "'") +
                       (who->token_role.empty() ? "" : " (" + who->token_role + ")");
    if (who->fine_grained() && who->can_read_gated_repos == false) {
      text += ", without read access to gated repos";
    }
    out.push_back(Make(Level::kOk, "whoami", text));
    st.who = std::move(who.value());
    return;
  }
  const Error e = im.session.ErrorFor(res, url, {});
  st.token_rejected = e.kind == Kind::kInvalidToken || e.kind == Kind::kTokenExpired;
  const std::string said = e.reply.message.empty() ? "" : ": " + e.reply.message;
  const std::string text = e.kind == Kind::kTokenExpired ? "the Hub says the token has expired"
                           : st.token_rejected           ? "the Hub rejects the token"
                                                         : "whoami failed";
  out.push_back(Make(Level::kFail, "whoami",
                     text + " (HTTP " + std::to_string(res.status) + said + ")",
                     FixFor(e, im.config)));
  if (st.token_rejected) {
    st.conclusion = "the token from " + im.config.token.source.Describe() + " is rejected";
    st.conclusion_fix = NewTokenAt(im.config) + ", or " + im.config.token.source.Remedy();
  }
}

// The repo's visibility; after a rejected token, without it.
std::optional<RepoInfo> CheckRepo(Client& client, Client::Impl& im, const std::string& repo_id,
                                  RepoType type, State& st, Findings& out) {
  auto info = client.Info(repo_id, type);
  if (!info && st.token_rejected) {
    out.push_back(Make(Level::kFail, "repo",
                       "without the rejected token: " + info.error().Message(),
                       NewTokenAt(im.config) + " with access to " + repo_id));
    st.conclusion = "the token from " + im.config.token.source.Describe() + " is rejected, and " +
                    repo_id +
                    " cannot be read without a token: a valid token with access is needed";
    st.conclusion_fix = NewTokenAt(im.config) + " and replace the rejected one";
    return std::nullopt;
  }
  if (!info) {
    out.push_back(
        Make(Level::kFail, "repo", info.error().Message(), FixFor(info.error(), im.config)));
    return std::nullopt;
  }
  std::string vis = info->is_private ? "private" : "public";
  if (!info->gated.empty()) vis = "gated (" + info->gated + ")";
  out.push_back(Make(
      Level::kOk, "repo",
      repo_id + " is " + vis + (st.token_rejected ? " (asked without the rejected token)" : "")));
  if (st.token_rejected) {
    const ResolvedToken& token = im.config.token;
    if (!info->is_private && info->gated.empty()) {
      st.conclusion = "the token from " + token.source.Describe() +
                      " is the only problem: " + repo_id +
                      " is public (the Hub refuses a bad token even for public files)";
      st.conclusion_fix = token.source.Remedy() + " to download anonymously, or " +
                          NewTokenAt(im.config) + " and replace it";
    } else {
      st.conclusion = "the token from " + token.source.Describe() + " is rejected, and " + repo_id +
                      " is " + vis + ": a valid token with access is needed";
      st.conclusion_fix = NewTokenAt(im.config) + " and replace the rejected one";
    }
  }
  return std::move(info.value());
}

// The CDN hop of a file, without the token.
void CheckCdn(Client::Impl& im, const std::string& location, Findings& out) {
  if (SameOrigin(location, im.config.endpoint)) return;
  HttpRequest cdn = im.session.NewRequest("GET", location);  // no token: another origin
  cdn.headers.Add("Range", "bytes=0-0");
  cdn.total_timeout = im.config.etag_timeout;
  auto hop = im.transport->Send(cdn);
  const auto host = ParseUrl(location);
  const std::string where = host ? host->host : location;
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

// One file of the repo: its HEAD (with the token when one is sent and
// accepted), a gated refusal explained, then Xet and the CDN hop.
void CheckFile(Client::Impl& im, Session& session, const RepoId& repo, const std::string& path,
               State& st, Findings& out) {
  const CallContext ctx{repo, "main", path};
  auto meta = HeadFile(session, ResolveUrl(im.config.endpoint, repo, "main", path), ctx,
                       RetryPolicy::None());
  if (!meta) {
    Error e = meta.error();
    const bool no_scope = e.kind == Kind::kGatedNotAuthorized && st.who && st.who->fine_grained() &&
                          st.who->can_read_gated_repos == false;
    if (no_scope) {
      e.cause = cause::GatedScope{};
      out.push_back(Make(Level::kFail, "file", path + ": " + GatedScopeMissing(e),
                         "edit the token at " + im.config.endpoint +
                             "/settings/tokens: tick \"Read access to contents of all public "
                             "gated repos you can access\" (or use a read token)"));
      st.conclusion = "the token's permissions are the problem: '" + st.who->token_name +
                      "' is fine-grained without read access to gated repos, so " + repo.id +
                      " refuses it whether or not " + st.who->name + " was granted access";
      st.conclusion_fix = out.back().fix;
      return;
    }
    out.push_back(Make(Level::kFail, "file", e.Message(), FixFor(e, im.config)));
    if (st.conclusion.empty() && e.kind == Kind::kGatedNotAuthorized) {
      st.conclusion = repo.id + " is gated and the account of the token has no access to it";
      st.conclusion_fix = "ask for access at " + im.config.endpoint + "/" + repo.id +
                          ", or use a token of an account that has it";
    }
    return;
  }
  const bool with_token = st.token_sent && !st.token_rejected;
  out.push_back(Make(Level::kOk, "file",
                     path + " is readable " + (with_token ? "with this token" : "without a token") +
                         " (" + std::to_string(meta->size) + " bytes)"));
  if (!im.config.disable_xet) {
    if (auto xet = ProbeXetFile(*im.xet, session, meta->headers, meta->size, ctx)) {
      out.push_back(*xet ? Make(Level::kOk, "xet", **xet)
                         : Make(Level::kFail, "xet", xet->error().Message(),
                                "HF_HUB_DISABLE_XET=1 (or --no-xet) downloads it without Xet"));
    }
  }
  CheckCdn(im, meta->location, out);
}

// The verdict when no check made one: all is well, or which checks failed.
void Conclude(DoctorReport& report, State& st) {
  if (!st.conclusion.empty()) {
    report.conclusion = st.conclusion;
    report.conclusion_fix = st.conclusion_fix;
    return;
  }
  std::string failed;
  int warned = 0;
  for (const Finding& f : report.findings) {
    if (f.level == Level::kFail) failed += (failed.empty() ? "" : ", ") + f.topic;
    if (f.level == Level::kWarn) ++warned;
  }
  if (!failed.empty()) {
    report.conclusion = "failed: " + failed + " (the fix is under each [fail] line)";
  } else if (warned > 0) {
    report.conclusion = "no check failed; " + std::to_string(warned) + " warning(s) below";
  } else {
    report.conclusion = "no problem found";
  }
}

}  // namespace

const char* LevelName(Finding::Level level) {
  switch (level) {
    case Level::kOk:
      return "ok";
    case Level::kWarn:
      return "warn";
    case Level::kFail:
      return "fail";
    case Level::kSkip:
      return "skip";
  }
  return "skip";
}

DoctorReport Client::Doctor(const Environment& env, const std::string& repo_id, RepoType type,
                            const std::string& file) {
  Impl& im = *impl_;
  DoctorReport report;
  Findings& out = report.findings;
  State st;
  const ResolvedToken& token = im.config.token;
  st.token_sent = token.value.has_value();
  CheckToken(env, token, out);

  if (im.config.offline) {
    out.push_back(Make(Level::kWarn, "endpoint",
                       "offline mode is on (HF_HUB_OFFLINE): nothing is checked",
                       "unset HF_HUB_OFFLINE to check the connection"));
    Conclude(report, st);
    return report;
  }
  // Endpoint, whoami and the server's clock in one request.
  const std::string url = im.config.endpoint + "/api/whoami-v2";
  HttpRequest req = im.session.NewRequest("GET", url);
  req.total_timeout = im.config.etag_timeout;
  auto res = im.transport->Send(req);
  if (!res) {
    out.push_back(Make(Level::kFail, "endpoint",
                       "cannot reach " + im.config.endpoint + ": " + res.error().detail,
                       "check the network, the proxy settings (HTTPS_PROXY) and HF_ENDPOINT"));
    st.conclusion = "the Hub at " + im.config.endpoint + " cannot be reached";
    st.conclusion_fix = out.back().fix;
    Conclude(report, st);
    return report;
  }
  out.push_back(Make(Level::kOk, "endpoint", im.config.endpoint + " answers"));
  CheckClock(*res, *im.clock, out);
  CheckWhoami(*this, im, *res, url, st, out);

  if (!repo_id.empty()) {
    // After a rejected token the repo and file are looked at without it:
    // the token's error is said once, above.
    ClientConfig anonymous = im.config;
    anonymous.token = ResolvedToken{};
    Client probe(anonymous, im.transport, im.clock);
    Client& asker = st.token_rejected ? probe : *this;
    auto info = CheckRepo(asker, im, repo_id, type, st, out);
    std::string path = file;
    if (info && path.empty() && !info->files.empty()) path = info->files.front();
    if (info && !path.empty()) {
      CheckFile(im, asker.impl_->session, RepoId{repo_id, type}, path, st, out);
    }
  }
  Conclude(report, st);
  return report;
}

}  // namespace hubget
