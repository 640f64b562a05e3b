// Error kinds' names and the actionable messages. The bar: a person reading
// the message knows which token or setting is at fault and what to change.
#include "hubget/result.h"

#include <string>

#include "hubget/printable.h"
#include "hubget/url.h"

namespace hubget {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kInvalidToken:
      return "invalid_token";
    case Kind::kTokenExpired:
      return "token_expired";
    case Kind::kAuthRequired:
      return "auth_required";
    case Kind::kGatedAuthRequired:
      return "gated_auth_required";
    case Kind::kGatedNotAuthorized:
      return "gated_not_authorized";
    case Kind::kForbidden:
      return "forbidden";
    case Kind::kDisabled:
      return "disabled";
    case Kind::kRepoNotFound:
      return "repo_not_found";
    case Kind::kRevisionNotFound:
      return "revision_not_found";
    case Kind::kEntryNotFound:
      return "entry_not_found";
    case Kind::kRateLimited:
      return "rate_limited";
    case Kind::kServerError:
      return "server_error";
    case Kind::kHttp:
      return "http_error";
    case Kind::kNetwork:
      return "network";
    case Kind::kTimeout:
      return "timeout";
    case Kind::kIntegrity:
      return "integrity";
    case Kind::kNotAHub:
      return "not_a_hub";
    case Kind::kOfflineNotCached:
      return "offline_not_cached";
    case Kind::kInvalidArgument:
      return "invalid_argument";
    case Kind::kCancelled:
      return "cancelled";
    case Kind::kIo:
      return "io";
  }
  return "io";
}

namespace {

std::string Endpoint(const Error& e) {
  return e.call.endpoint.empty() ? std::string("https://huggingface.co") : e.call.endpoint;
}

// "model org/name", "dataset org/name".
std::string RepoLabel(const Error& e) {
  if (e.call.repo.empty()) return "the repository";
  const std::string type = e.call.repo_type.empty() ? "model" : e.call.repo_type;
  return type + " " + e.call.repo;
}

// URL of the repo page: {endpoint}/{prefix}{repo}.
std::string RepoPage(const Error& e) {
  std::string prefix;
  if (e.call.repo_type == "dataset") prefix = "datasets/";
  if (e.call.repo_type == "space") prefix = "spaces/";
  return Endpoint(e) + "/" + prefix + e.call.repo;
}

std::string TokenLabel(const Error& e) {
  std::string s = "the token from " + e.token.source.Describe();
  if (!e.token.hint.empty()) s += " (ending in ..." + e.token.hint + ")";
  return s;
}

std::string ServerSaid(const Error& e) {
  if (e.reply.message.empty()) return "";
  return " (" + e.reply.message + ")";
}

bool TokenSent(const Error& e) { return e.token.source.where != TokenSource::Where::kNone; }

// The request went to another origin than the endpoint's: a CDN's signed
// URL (the token is never sent there).
bool FromCdn(const Error& e) {
  return !e.call.url.empty() && !e.call.endpoint.empty() &&
         !SameOrigin(e.call.url, e.call.endpoint);
}

std::string Host(const std::string& url) {
  const auto u = ParseUrl(url);
  return u ? u->host : url;
}

// A URL as a message shows it: a download host (a CDN's signed URL, whose
// query is a credential of sorts and hundreds of characters long) by its
// host alone, the Hub's URLs without their query.
std::string UrlText(const Error& e) {
  if (e.call.url.empty()) return Endpoint(e);
  if (FromCdn(e)) return "the download host " + Host(e.call.url);
  return e.call.url.substr(0, e.call.url.find('?'));
}

// The Hub's refusal of an account ("Access to model x is restricted and
// you are not in the authorized list. Visit <page> to ask for access."):
// what our sentence says already, the URL included.
bool RestatesTheGate(const Error& e) {
  return e.reply.message.find("authorized list") != std::string::npos &&
         e.reply.message.find(e.call.repo) != std::string::npos;
}

std::string CdnForbidden(const Error& e) {
  const std::string host = Host(e.call.url);
  return "the download host " + host + " (the CDN) refused the signed URL the Hub gave for " +
         (e.call.path.empty() ? std::string("the file") : "'" + e.call.path + "'") + " (403" +
         (e.reply.message.empty() ? std::string() : ": " + e.reply.message) +
         "). Signed URLs are short-lived, so it has most likely expired" +
         (e.detail.empty() ? std::string() : "; " + e.detail) +
         ". The token is never sent to the CDN, so another token would not help: retry later; "
         "if it keeps failing, run `hubget doctor" +
         (e.call.repo.empty() || (!e.call.repo_type.empty() && e.call.repo_type != "model")
              ? std::string()
              : " " + e.call.repo + (e.call.path.empty() ? "" : " " + e.call.path)) +
         "` to check the CDN hop (a proxy or firewall may block " + host + ").";
}

std::string TransferBody(const Error& e);

// A timeout, naming the variable that bounds the request ("": a body's).
std::string TimedOut(const Error& e, const std::string& variable) {
  return "timed out talking to " + UrlText(e) +
         (e.detail.empty() ? std::string() : " (" + e.detail + ")") +
         ". The network or the server is slow; try again, or raise " +
         (variable.empty() ? std::string("HF_HUB_DOWNLOAD_TIMEOUT") : variable) + " (seconds).";
}

std::string TlsFailed(const Error& e) {
  return "the TLS connection to " + UrlText(e) + " failed" +
         (e.detail.empty() ? std::string() : " (" + e.detail + ")") +
         ". If a proxy or a corporate CA signs the connection, point HUBGET_CA_FILE, "
         "CURL_CA_BUNDLE, SSL_CERT_FILE or REQUESTS_CA_BUNDLE (the first one set is used) at "
         "its CA bundle; check the system's clock too.";
}

std::string ProxyAnswered(const Error& e) {
  const std::string host = e.call.url.empty() ? Endpoint(e) : Host(e.call.url);
  return "integrity check failed for '" + e.call.path + "': " + e.detail +
         ". Something between hubget and " + host +
         " answered in its place, most likely a proxy (its login or error page): check "
         "HTTPS_PROXY / HTTP_PROXY / NO_PROXY, log in to the proxy, or have it allow " +
         host + ". The bytes were discarded; then run the same command again.";
}

}  // namespace

std::string GatedScopeMissing(const Error& e) {
  return RepoLabel(e) + " is gated and " + TokenLabel(e) +
         " is a fine-grained token without \"Read access to contents of all public gated repos "
         "you can access\": the Hub refuses it gated files even when the account was granted "
         "access. Edit the token at " +
         Endpoint(e) +
         "/settings/tokens and tick that permission (or use a read token); if the account has "
         "not been granted access yet, ask for it at " +
         RepoPage(e) + ".";
}

namespace {

// Kinds about who may read what: tokens, gates, visibility, names.
std::string Body(const Error& e) {
  switch (e.kind) {
    case Kind::kInvalidToken:
      return "the Hub rejected " + TokenLabel(e) + ServerSaid(e) +
             ". It may be expired or revoked: create a new read token at " + Endpoint(e) +
             "/settings/tokens, or " + e.token.source.Remedy() +
             " to download public files anonymously.";
    case Kind::kTokenExpired:
      return "the Hub says " + TokenLabel(e) + " has expired" + ServerSaid(e) +
             ". Create a new read token at " + Endpoint(e) +
             "/settings/tokens and replace it, or " + e.token.source.Remedy() +
             " to download public files anonymously.";
    case Kind::kAuthRequired:
      if (e.call.repo.empty()) {
        return (e.detail.empty() ? std::string("this needs a token") : e.detail) +
               ". Log in (hf auth login), set HF_TOKEN or pass --token.";
      }
      return RepoLabel(e) + " was not found, or it is private and no token was sent" +
             ServerSaid(e) +
             ". If it exists and you have access, log in (hf auth login) or set HF_TOKEN; "
             "otherwise check the repo id and --repo-type.";
    case Kind::kGatedAuthRequired:
      return RepoLabel(e) + " is gated: you must be authenticated and granted access" +
             ServerSaid(e) +
             ". Log in or set HF_TOKEN with a token of an account that has access; "
             "to ask for access visit " +
             RepoPage(e) + ".";
    case Kind::kGatedNotAuthorized:
      return RepoLabel(e) + " is gated and the account of " + TokenLabel(e) +
             " is not in the authorized list" +
             (RestatesTheGate(e) ? std::string() : ServerSaid(e)) + ". Visit " + RepoPage(e) +
             " to ask for access, or use a token of an account that has it.";
    case Kind::kForbidden:
      if (FromCdn(e)) return CdnForbidden(e);
      return "the Hub refused access (403" +
             (e.reply.message.empty() ? std::string() : ": " + e.reply.message) + ") to " +
             e.call.url +
             (TokenSent(e) ? ". Make sure " + TokenLabel(e) +
                                 " has read permission on this repo (fine-grained tokens need it "
                                 "per repo)."
                           : ". Try with a token (HF_TOKEN or --token).");
    case Kind::kDisabled:
      return "access to " + RepoLabel(e) + " has been disabled by the Hub" + ServerSaid(e) + ".";
    case Kind::kRepoNotFound:
      return RepoLabel(e) + " was not found" +
             (TokenSent(e) ? ", or " + TokenLabel(e) + " has no access to it" : std::string()) +
             ServerSaid(e) + ". Check the repo id and --repo-type.";
    case Kind::kRevisionNotFound:
      return "revision '" + e.call.revision + "' does not exist in " + RepoLabel(e) +
             ServerSaid(e) + ". Check the branch, tag or commit name.";
    case Kind::kEntryNotFound:
      return "file '" + e.call.path + "' does not exist in " + RepoLabel(e) +
             (e.call.revision.empty() ? std::string() : " at revision '" + e.call.revision + "'") +
             ".";
    default:
      return TransferBody(e);
  }
}

// Kinds about the server and the bytes: limits, errors, the network, files.
std::string TransferBody(const Error& e) {
  switch (e.kind) {
    case Kind::kRateLimited:
      return "the Hub rate-limited the requests (429)" + ServerSaid(e) +
             (e.reply.retry_after_seconds >= 0
                  ? "; retry after " + std::to_string(e.reply.retry_after_seconds) + " seconds"
                  : std::string()) +
             (e.detail.empty() ? std::string() : " (" + e.detail + ")") +
             (TokenSent(e) ? "." : ". Authenticated requests get a higher limit (set HF_TOKEN).");
    case Kind::kServerError:
      if (FromCdn(e)) {
        return UrlText(e) + " (not the Hub) answered " + std::to_string(e.reply.status) + " for " +
               (e.call.path.empty() ? std::string("the file") : "'" + e.call.path + "'") +
               (e.detail.empty() ? std::string() : " (" + e.detail + ")") +
               ". The CDN may be having trouble; try again later.";
      }
      return "the Hub answered " + std::to_string(e.reply.status) + " for " + UrlText(e) +
             (e.detail.empty() ? std::string() : " (" + e.detail + ")") +
             ". The Hub may be having trouble; try again later.";
    case Kind::kHttp:
      return "unexpected HTTP " + std::to_string(e.reply.status) + " for " + UrlText(e) +
             ServerSaid(e) + (e.detail.empty() ? std::string() : ": " + e.detail) + ".";
    case Kind::kNetwork:
      return "could not reach " + UrlText(e) +
             (e.detail.empty() ? std::string() : " (" + e.detail + ")") +
             ". Check the connection, proxy settings and HF_ENDPOINT (" + Endpoint(e) + ").";
    case Kind::kTimeout:
      return TimedOut(e, "");
    case Kind::kIntegrity:
      return "integrity check failed for '" + e.call.path + "': " + e.detail +
             ". The downloaded bytes were discarded; retry the download.";
    case Kind::kNotAHub:
      return (e.call.url.empty() ? Endpoint(e) : e.call.url) +
             " does not look like a Hugging Face Hub endpoint: " + e.detail +
             ". A proxy, firewall or mirror may be dropping Hub headers; check HF_ENDPOINT (" +
             Endpoint(e) + ") and the proxy settings.";
    case Kind::kOfflineNotCached:
      return "offline mode is on (HF_HUB_OFFLINE) and " +
             (e.call.path.empty() ? std::string("a snapshot of ") : "'" + e.call.path + "' of ") +
             RepoLabel(e) + " at revision '" + e.call.revision + "' is not in the cache" +
             (e.detail.empty() ? std::string() : " (" + e.detail + ")") +
             ". Unset HF_HUB_OFFLINE to download it.";
    case Kind::kInvalidArgument:
      return "invalid argument: " + e.detail;
    case Kind::kCancelled:
      return "cancelled" + (e.detail.empty() ? std::string() : ": " + e.detail);
    case Kind::kIo:
      return "local file error: " + e.detail;
    default:
      break;
  }
  return e.detail;
}

}  // namespace

namespace {

// The explanation by the error's cause: a cause is told for the kind it
// belongs to, any other kind by the kind's own sentence.
struct Teller {
  const Error& e;
  std::string operator()(std::monostate /*none*/) const { return Body(e); }
  std::string operator()(const cause::Told& c) const { return c.text; }
  std::string operator()(cause::Tls /*tls*/) const {
    return e.kind == Kind::kNetwork ? TlsFailed(e) : Body(e);
  }
  std::string operator()(cause::ProxyPage /*page*/) const {
    return e.kind == Kind::kIntegrity ? ProxyAnswered(e) : Body(e);
  }
  std::string operator()(cause::GatedScope /*scope*/) const {
    return e.kind == Kind::kGatedNotAuthorized ? GatedScopeMissing(e) : Body(e);
  }
  std::string operator()(const cause::TimeoutSetting& c) const {
    return e.kind == Kind::kTimeout ? TimedOut(e, c.variable) : Body(e);
  }
};

}  // namespace

std::string Error::Message() const {
  std::string msg = std::visit(Teller{*this}, cause);
  if (!step.empty()) msg = step + ": " + msg;
  if (!reply.request_id.empty()) msg += " (Request ID: " + reply.request_id + ")";
  // Server text, URLs and names are in it: shown, never obeyed.
  return EscapeControls(msg);
}

}  // namespace hubget
