// HEAD with same-origin redirects (redirects.h), and metadata extraction.
#include "hub/metadata.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "http/redirects.h"
#include "hubget/cache.h"
#include "hubget/url.h"

namespace hubget {
namespace {

bool SafeEtag(const std::string& etag) {
  if (etag.empty() || etag.size() > 128 || etag[0] == '.') return false;
  return std::all_of(etag.begin(), etag.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
  });
}

// A plain decimal size that fits an off_t (files, offsets and Range
// values are signed 64-bit further down).
bool ParseSize(const std::string& text, std::uint64_t* out) {
  if (text.empty() || text.size() > 19 ||
      !std::all_of(text.begin(), text.end(),
                   [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return false;
  }
  const std::uint64_t size = std::stoull(text);  // 19 digits fit: no throw
  if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
  *out = size;
  return true;
}

// The metadata in the answer `r` from `url`; `location` is where to GET.
Result<FileMetadata> ReadMetadata(Session& session, const HttpResponse& r, const std::string& url,
                                  const std::string& location, const CallContext& ctx) {
  auto not_a_hub = [&](const std::string& why) {
    Error e = session.Decorate(MakeError(Kind::kNotAHub, why), url, ctx);
    e.reply.status = r.status;
    return e;
  };
  FileMetadata m;
  m.commit = r.headers.Get("X-Repo-Commit");
  if (m.commit.empty()) return not_a_hub("the response has no X-Repo-Commit header");
  if (!IsCommitSha(m.commit)) {
    return not_a_hub("X-Repo-Commit '" + m.commit + "' is not a 40-hex commit id");
  }
  m.raw_etag = r.headers.Get("X-Linked-Etag");
  if (m.raw_etag.empty()) m.raw_etag = r.headers.Get("ETag");
  if (m.raw_etag.empty()) return not_a_hub("the response has no ETag (or X-Linked-Etag) header");
  m.etag = NormalizeEtag(m.raw_etag);
  if (!SafeEtag(m.etag)) return not_a_hub("the ETag '" + m.etag + "' is not a usable blob name");
  std::string size = r.headers.Get("X-Linked-Size");
  // A redirect's Content-Length is its own (empty) body's, not the file's.
  if (size.empty() && !IsRedirectStatus(r.status)) size = r.headers.Get("Content-Length");
  if (size.empty()) {
    return not_a_hub("the response has no X-Linked-Size (or Content-Length) header");
  }
  if (!ParseSize(size, &m.size)) {
    return not_a_hub("the file size '" + size + "' is not a number of bytes");
  }
  m.location = location;
  m.headers = r.headers;
  return m;
}

}  // namespace

std::string ResolveUrl(const std::string& endpoint, const RepoId& repo, const std::string& revision,
                       const std::string& path) {
  return endpoint + "/" + RepoUrlPrefix(repo.type) + repo.id + "/resolve/" + QuoteAll(revision) +
         "/" + QuotePath(path);
}

Result<FileMetadata> HeadFile(Session& session, const std::string& start_url,
                              const CallContext& ctx, const RetryPolicy& policy,
                              std::string* missing_commit) {
  std::string url = start_url;
  for (int hop = 0;; ++hop) {
    HttpRequest req = session.NewRequest("HEAD", url);
    req.headers.Add("Accept-Encoding", "identity");
    // HF_HUB_ETAG_TIMEOUT bounds the HEAD, as in huggingface_hub; the
    // download timeout is for the body GET.
    req.total_timeout = session.config().etag_timeout;
    req.idle_timeout = session.config().etag_timeout;
    req.timeout_setting = "HF_HUB_ETAG_TIMEOUT";
    Result<HttpResponse> res = session.SendWithRetry(req, policy);
    if (!res) return session.Decorate(res.error(), url, ctx);
    const HttpResponse& r = res.value();
    if (IsRedirectStatus(r.status)) {
      // Same origin: follow, token kept. Another origin: stop, the
      // metadata is in this answer and the Location is where to GET.
      auto next = NextHop(url, r, OtherOrigin::kStop, hop);
      if (!next) return session.Decorate(next.error(), url, ctx);
      // A Xet file's 302 holds its metadata even when the bridge it points
      // to is on the same origin.
      if (next->stop || r.headers.Has("X-Xet-Hash")) {
        return ReadMetadata(session, r, url, next->url, ctx);
      }
      url = next->url;
      continue;
    }
    if (r.status < 200 || r.status >= 300) {
      Error e = session.ErrorFor(r, url, ctx);
      if (e.kind == Kind::kEntryNotFound && missing_commit != nullptr) {
        *missing_commit = r.headers.Get("X-Repo-Commit");
      }
      return e;
    }
    return ReadMetadata(session, r, url, url, ctx);
  }
}

}  // namespace hubget
