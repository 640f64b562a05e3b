// Errors as values. Every fallible hubget call returns Result<T>: either the
// value or an Error that keeps what the server said (status, X-Error-Code,
// X-Error-Message, request id), the URL, and where the token came from, so
// that Message() can tell a person what happened and what to do about it.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "hubget/token.h"

namespace hubget {

enum class Kind {
  kInvalidToken,        // 401 "Invalid credentials in Authorization header"
  kTokenExpired,        // 401 "User Access Token ... is expired"
  kAuthRequired,        // 401 without token: private or missing repo
  kGatedAuthRequired,   // 401 GatedRepo: log in first
  kGatedNotAuthorized,  // 403 GatedRepo: ask for access
  kForbidden,           // other 403
  kDisabled,            // "Access to this resource is disabled."
  kRepoNotFound,        // 404 RepoNotFound
  kRevisionNotFound,    // 404 RevisionNotFound
  kEntryNotFound,       // 404 EntryNotFound
  kRateLimited,         // 429 after retries
  kServerError,         // 5xx after retries
  kHttp,                // any other unexpected status
  kNetwork,             // connection refused, reset, DNS, TLS
  kTimeout,             // connect/read timeout, 408, total deadline
  kIntegrity,           // size or sha256 mismatch
  kNotAHub,             // X-Repo-Commit / ETag / size missing
  kOfflineNotCached,    // HF_HUB_OFFLINE and nothing cached
  kInvalidArgument,     // bad repo id, bad path, bad pattern
  kCancelled,           // the caller's cancel flag
  kIo,                  // local filesystem failure
};

// "invalid_token", "token_expired", ...: the stable name used in JSON output.
const char* KindName(Kind kind);

// Why an error is told another way than its kind's own sentence; one at a
// time, each told only for the kind it belongs to (Error::Message visits it).
namespace cause {
// The TLS handshake failed (an untrusted certificate, a bad CA bundle): a
// network error that names the CA variables.
struct Tls {};
// A complete answer of the wrong size or type where the file was asked
// for: an integrity error that points at a proxy's login or error page.
struct ProxyPage {};
// A gated 403 to a fine-grained token whose whoami says it cannot read
// gated repos: the token's permission, not the account's access, is the
// likely cause (an approved user is refused all the same).
struct GatedScope {};
// A timeout's variable: HF_HUB_ETAG_TIMEOUT for the HEAD and the API calls,
// HF_HUB_DOWNLOAD_TIMEOUT for a body.
struct TimeoutSetting {
  std::string variable;
};
// The whole explanation, from a hop whose story no kind tells (the Xet CAS
// refusing its token, whoami with --no-token). Never contains a token.
struct Told {
  std::string text;
};
}  // namespace cause
using Cause = std::variant<std::monostate, cause::Tls, cause::ProxyPage, cause::GatedScope,
                           cause::TimeoutSetting, cause::Told>;

// What the server said, when it answered.
struct ServerReply {
  int status = 0;                // HTTP status, 0 when no response
  std::string error_code;        // X-Error-Code
  std::string message;           // X-Error-Message (or JSON "error")
  std::string request_id;        // X-Request-Id / X-Amzn-Trace-Id / X-Amz-Cf-Id
  int retry_after_seconds = -1;  // the wait a 408/429/5xx asked for, when known
};

// What the failed call was about.
struct Call {
  std::string url;        // the request that failed
  std::string endpoint;   // configured Hub endpoint, for "visit ..." hints
  std::string repo;       // "org/name"
  std::string repo_type;  // "model", "dataset", "space"
  std::string revision;
  std::string path;  // file inside the repo
};

// The token the call sent.
struct TokenUse {
  TokenSource source;  // where it came from (kNone: none was sent)
  std::string hint;    // its last 4 characters, or ""
};

struct Error {
  Kind kind = Kind::kIo;
  ServerReply reply;
  Call call;
  TokenUse token;
  // Which hop of a multi-step download failed ("Xet token exchange"); the
  // message starts with it.
  std::string step;
  Cause cause;         // none: the kind's own sentence
  std::string detail;  // free text: missing header, sizes, errno text

  // The actionable, single-paragraph explanation. Never contains a token,
  // nor a control character: server text in it is escaped (printable.h).
  std::string Message() const;
};

// The explanation of a gated refusal caused by a fine-grained token's
// missing permission (cause::GatedScope); doctor says the same.
std::string GatedScopeMissing(const Error& e);

inline Error MakeError(Kind kind, std::string detail) {
  Error e;
  e.kind = kind;
  e.detail = std::move(detail);
  return e;
}

// A value or an Error. No exceptions cross the API.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error& error() { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace hubget
