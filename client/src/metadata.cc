// HEAD with manual, same-origin-only redirects, and metadata extraction.
#include "metadata.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "hubget/cache.h"
#include "hubget/url.h"

namespace hubget {
namespace {

constexpr int kMaxHops = 10;

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

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
  for (int hop = 0; hop <= kMaxHops; ++hop) {
    HttpRequest req = session.NewRequest("HEAD", url);
    req.headers.Add("Accept-Encoding", "identity");
    // HF_HUB_ETAG_TIMEOUT bounds the HEAD, as in huggingface_hub; the
    // download timeout is for the body GET.
    req.total_timeout = session.config().etag_timeout;
    req.idle_timeout = session.config().etag_timeout;
    Result<HttpResponse> res = session.SendWithRetry(req, policy);
    if (!res) return session.Decorate(res.error(), url, ctx);
    const HttpResponse& r = res.value();

    auto not_a_hub = [&](const std::string& why) {
      Error e = session.Decorate(MakeError(Kind::kNotAHub, why), url, ctx);
      e.status = r.status;
      return e;
    };

    std::string location = url;
    if (r.status >= 300 && r.status < 400) {
      const std::string loc = r.headers.Get("Location");
      if (loc.empty())
        return not_a_hub("the " + std::to_string(r.status) + " redirect has no Location header");
      const auto resolved = ResolveLocation(url, loc);
      if (!resolved) return not_a_hub("the redirect Location '" + loc + "' is not a valid URL");
      if (SameOrigin(*resolved, url)) {
        url = *resolved;  // same origin: follow, token kept
        continue;
      }
      location = *resolved;  // another origin: stop, read the metadata here
    } else if (r.status < 200 || r.status >= 300) {
      Error e = session.ErrorFor(r, url, ctx);
      if (e.kind == Kind::kEntryNotFound && missing_commit != nullptr) {
        *missing_commit = r.headers.Get("X-Repo-Commit");
      }
      return e;
    }

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
    if (size.empty() && !IsRedirect(r.status)) size = r.headers.Get("Content-Length");
    if (size.empty()) {
      return not_a_hub("the response has no X-Linked-Size (or Content-Length) header");
    }
    if (!ParseSize(size, &m.size)) {
      return not_a_hub("the file size '" + size + "' is not a number of bytes");
    }
    m.location = location;
    return m;
  }
  return session.Decorate(MakeError(Kind::kNotAHub, "more than 10 same-origin redirects"), url,
                          ctx);
}

}  // namespace hubget
