// Credential policy, retry loop and error mapping shared by all Hub calls.
#include "hub/session.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "hub/api_json.h"
#include "hubget/url.h"

namespace hubget {
namespace {

bool ContainsNoCase(const std::string& hay, const std::string& needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

std::string RequestId(const HttpResponse& r) {
  for (const char* h : {"X-Request-Id", "X-Amzn-Trace-Id", "X-Amz-Cf-Id"}) {
    std::string v = r.headers.Get(h);
    if (!v.empty()) return v;
  }
  return "";
}

// The run of 1 to `max_digits` decimal digits at `pos`, or -1 (none, a
// sign, too long): never an overflow, whatever the server sent.
long long DigitsAt(const std::string& text, std::size_t pos, std::size_t max_digits) {
  const auto end = std::min(text.find_first_not_of("0123456789", pos), text.size());
  if (pos >= text.size() || end == pos || end - pos > max_digits) return -1;
  return std::stoll(text.substr(pos, end - pos));
}

// RateLimit: "name";r=R;t=T -> T when r == 0. T has at most 9 digits, as
// Retry-After's delta-seconds.
int RateLimitReset(const std::string& value) {
  const auto r = value.find(";r=");
  const auto t = value.find(";t=");
  if (r == std::string::npos || t == std::string::npos) return -1;
  if (DigitsAt(value, r + 3, 9) != 0) return -1;
  return static_cast<int>(DigitsAt(value, t + 3, 9));
}

// The text of an S3/CloudFront-style error document:
// <Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>
// gives "AccessDenied: Request has expired"; "" for anything else.
std::string XmlErrorMessage(const std::string& body) {
  if (body.find("<Error>") == std::string::npos) return "";
  auto element = [&](const std::string& name) {
    const std::string open = "<" + name + ">";
    const auto b = body.find(open);
    if (b == std::string::npos) return std::string();
    const auto e = body.find("</" + name + ">", b);
    if (e == std::string::npos) return std::string();
    std::string v = body.substr(b + open.size(), e - b - open.size());
    if (v.size() <= 200) return v;
    // Cut before a UTF-8 continuation byte: the text stays valid UTF-8.
    std::size_t n = 200;
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
    return v.substr(0, n);
  };
  const std::string code = element("Code");
  std::string message = element("Message");
  if (code.empty()) return message;
  return message.empty() ? code : code + ": " + message;
}

// The wait the server asked for in `r` (a 429's RateLimit reset, else
// Retry-After), when it gave one.
std::optional<std::chrono::seconds> ServerWait(const HttpResponse& r, long long unix_now) {
  const int reset = r.status == 429 ? RateLimitReset(r.headers.Get("RateLimit")) : -1;
  if (reset >= 0) return std::chrono::seconds(reset);
  if (auto ra = ParseRetryAfter(r.headers.Get("Retry-After"), unix_now)) {
    return std::chrono::duration_cast<std::chrono::seconds>(*ra);
  }
  return std::nullopt;
}

// Puts the server's wait into `e`, and says so when it is past the cap
// (hubget gave up instead of sleeping it).
void NoteServerWait(const HttpResponse& r, long long unix_now, const RetryPolicy& policy,
                    Error& e) {
  const auto wait = ServerWait(r, unix_now);
  if (!wait) return;
  e.reply.retry_after_seconds = static_cast<int>(wait->count());
  if (*wait <= policy.max_server_wait) return;
  const auto cap = std::chrono::duration_cast<std::chrono::seconds>(policy.max_server_wait);
  e.detail = "the server asked to wait " + std::to_string(wait->count()) +
             " s before a retry, longer than hubget waits (at most " + std::to_string(cap.count()) +
             " s)";
}

}  // namespace

Session::Session(const ClientConfig& config, HttpTransport& transport, Clock& clock)
    : config_(config), transport_(transport), clock_(clock) {
  if (config_.token.value) (void)AddCredential(config_.endpoint, *config_.token.value, kHubToken);
}

bool Session::AddCredential(const std::string& origin_url, const std::string& token,
                            const std::string& name) {
  return credentials_.Add(origin_url, "Bearer " + token, name);
}

bool Session::SendsTokenTo(const std::string& url) const {
  return credentials_.Sends(url, kHubToken);
}

HttpRequest Session::NewRequest(const std::string& method, const std::string& url) const {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.headers.Add("User-Agent", config_.user_agent);
  if (auto authorization = credentials_.For(url)) req.headers.Add("Authorization", *authorization);
  req.connect_timeout = config_.connect_timeout;
  req.idle_timeout = config_.idle_timeout;
  req.ca_file = config_.ca_file;
  return req;
}

std::chrono::milliseconds Session::RetryWait(const RetryPolicy& policy, int retry,
                                             const HttpResponse* response) {
  return RetryWaitFor(policy, retry, response, clock_.UnixNow());
}

Result<HttpResponse> Session::SendWithRetry(const HttpRequest& request, const RetryPolicy& policy) {
  const auto deadline = clock_.Now() + policy.total_deadline;
  for (int retry = 0;; ++retry) {
    Result<HttpResponse> res = transport_.Send(request);
    const bool transient =
        res.ok() ? IsRetryableStatus(res->status)
                 : (res.error().kind == Kind::kNetwork || res.error().kind == Kind::kTimeout);
    if (!transient || retry >= policy.max_retries) return res;
    const auto wait = RetryWait(policy, retry + 1, res.ok() ? &res.value() : nullptr);
    // Past the cap or the deadline: give up now; ErrorFor reports the wait.
    if (wait > policy.max_server_wait || clock_.Now() + wait > deadline) return res;
    if (auto s = WaitToRetry(wait, request.url, res); !s) return s.error();
  }
}

Status Session::WaitToRetry(std::chrono::milliseconds wait, const std::string& url,
                            const Result<HttpResponse>& answer,
                            const std::function<bool()>& cancelled) {
  RetryWaitNotice n;
  n.wait = wait;
  if (const auto u = ParseUrl(url)) n.host = u->host + ":" + std::to_string(u->port);
  if (answer.ok()) {
    n.status = answer->status;
    n.server_asked = ServerWait(*answer, clock_.UnixNow()).has_value();
  } else {
    n.timeout = answer.error().kind == Kind::kTimeout;
  }
  if (on_wait_ && wait >= kSayWaitsFrom) on_wait_(n);
  const auto ended = [&] {
    return (interrupt_ != nullptr && interrupt_->load()) || (cancelled && cancelled());
  };
  if (clock_.SleepUnless(wait, ended)) return OkStatus();
  // The notice without its "retrying in N s": the retry did not happen.
  const std::string said = DescribeRetryWait(n);
  return MakeError(Kind::kCancelled, "while waiting to retry" + said.substr(said.find(" (")));
}

Error Session::Decorate(Error e, const std::string& url, const CallContext& ctx) const {
  e.call.endpoint = config_.endpoint;
  if (e.call.url.empty()) e.call.url = url;
  if (e.call.repo.empty()) e.call.repo = ctx.repo.id;
  if (e.call.repo_type.empty() && !ctx.repo.id.empty())
    e.call.repo_type = RepoTypeName(ctx.repo.type);
  if (e.call.revision.empty()) e.call.revision = ctx.revision;
  if (e.call.path.empty()) e.call.path = ctx.path;
  if (SendsTokenTo(url)) {
    e.token.source = config_.token.source;
    e.token.hint = config_.token.Hint();
  }
  return e;
}

Error Session::ErrorFor(const HttpResponse& r, const std::string& url,
                        const CallContext& ctx) const {
  Error e;
  e.reply.status = r.status;
  e.reply.error_code = r.headers.Get("X-Error-Code");
  e.reply.message = r.headers.Get("X-Error-Message");
  if (e.reply.message.empty()) e.reply.message = ParseJsonErrorMessage(r.body);
  if (e.reply.message.empty()) e.reply.message = XmlErrorMessage(r.body);
  e.reply.request_id = RequestId(r);
  e = Decorate(std::move(e), url, ctx);
  const bool token_sent = SendsTokenTo(url);
  const std::string& code = e.reply.error_code;
  const std::string& msg = e.reply.message;

  if (code == "RevisionNotFound") {
    e.kind = Kind::kRevisionNotFound;
  } else if (code == "EntryNotFound") {
    e.kind = Kind::kEntryNotFound;
  } else if (code == "GatedRepo") {
    e.kind = r.status == 403 ? Kind::kGatedNotAuthorized : Kind::kGatedAuthRequired;
  } else if (msg == "Access to this resource is disabled.") {
    e.kind = Kind::kDisabled;
  } else if (code == "RepoNotFound") {
    e.kind = Kind::kRepoNotFound;
  } else if (r.status == 401) {
    if (!token_sent) {
      e.kind = Kind::kAuthRequired;
    } else if (ContainsNoCase(msg, "expired")) {
      e.kind = Kind::kTokenExpired;
    } else {
      e.kind = Kind::kInvalidToken;  // a token was sent and refused
    }
  } else if (r.status == 403) {
    e.kind = Kind::kForbidden;
  } else if (r.status == 404) {
    e.kind = ctx.path.empty() ? Kind::kRepoNotFound : Kind::kEntryNotFound;
  } else if (r.status == 429) {
    e.kind = Kind::kRateLimited;
  } else if (r.status == 408) {
    e.kind = Kind::kTimeout;
    e.detail = "HTTP 408";
  } else if (r.status >= 500) {
    e.kind = Kind::kServerError;
  } else {
    e.kind = Kind::kHttp;
  }
  if (IsRetryableStatus(r.status)) NoteServerWait(r, clock_.UnixNow(), config_.retry, e);
  return e;
}

std::chrono::milliseconds RetryWaitFor(const RetryPolicy& policy, int retry,
                                       const HttpResponse* response, long long unix_now) {
  if (response != nullptr) {
    if (auto wait = ServerWait(*response, unix_now)) return *wait;
  }
  return BackoffDelay(policy, retry);
}

long long PlainDecimal(const std::string& text) {
  // 18 digits at most: every value fits a long long.
  return text.find_first_not_of("0123456789") == std::string::npos ? DigitsAt(text, 0, 18) : -1;
}

ContentRange ParseContentRange(const std::string& value) {
  const ContentRange none;
  if (value.rfind("bytes ", 0) != 0) return none;
  const std::string v = value.substr(6);
  const auto slash = v.find('/');
  if (slash == std::string::npos) return none;
  const std::string range = v.substr(0, slash);
  const std::string total = v.substr(slash + 1);
  ContentRange cr;
  if (total != "*") {
    cr.total = PlainDecimal(total);
    if (cr.total < 0) return none;
  }
  if (range == "*") return cr.total >= 0 ? cr : none;
  const auto dash = range.find('-');
  if (dash == std::string::npos) return none;
  cr.start = PlainDecimal(range.substr(0, dash));
  cr.end = PlainDecimal(range.substr(dash + 1));
  if (cr.start < 0 || cr.end < cr.start || (cr.total >= 0 && cr.end >= cr.total)) return none;
  return cr;
}

std::string NextLink(const std::string& link) {
  std::size_t pos = 0;
  while (pos < link.size()) {
    const auto lt = link.find('<', pos);
    if (lt == std::string::npos) break;
    const auto gt = link.find('>', lt);
    if (gt == std::string::npos) break;
    const auto comma = link.find(',', gt);
    const auto end = comma == std::string::npos ? link.size() : comma;
    const std::string params = link.substr(gt + 1, end - gt - 1);
    if (params.find("rel=\"next\"") != std::string::npos ||
        params.find("rel=next") != std::string::npos) {
      return link.substr(lt + 1, gt - lt - 1);
    }
    pos = end + 1;
  }
  return "";
}

}  // namespace hubget
