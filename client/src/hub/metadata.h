// The metadata HEAD on a resolve URL: same-origin redirects followed (with
// the token, keeping the Location's query), the first cross-origin redirect
// or the final answer read for X-Repo-Commit, ETag and size. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hub/session.h"

namespace hubget {

struct FileMetadata {
  std::string commit;    // X-Repo-Commit
  std::string etag;      // normalised: the blob file name
  std::string raw_etag;  // as sent, for If-Range
  std::uint64_t size = 0;
  std::string location;  // absolute URL to GET the bytes from
  // The answer that held the metadata: its Xet signals are the Xet wing's
  // to read (xet/xet.h).
  Headers headers;
};

// huggingface_hub's resolve URL: revision fully encoded, path encoded
// except '/'.
std::string ResolveUrl(const std::string& endpoint, const RepoId& repo, const std::string& revision,
                       const std::string& path);

// On an EntryNotFound 404, `*missing_commit` receives its X-Repo-Commit (for
// .no_exist). Missing metadata headers give kNotAHub naming the header.
Result<FileMetadata> HeadFile(Session& session, const std::string& url, const CallContext& ctx,
                              const RetryPolicy& policy, std::string* missing_commit = nullptr);

}  // namespace hubget
