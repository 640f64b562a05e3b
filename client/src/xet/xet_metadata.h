// Whether a resolve answer says the file is stored with Xet, read the way
// @huggingface/hub 2.17.5 reads it (xet-protocol.md §1): X-Xet-Hash, and a
// Link header whose entries match /<(https?:\/\/[^>]+)>;\s+rel="([^"]+)"/g
// (absolute http(s) URLs, at least one space after ';', a quoted rel; the
// last entry of a rel wins) with both rel="xet-auth" and
// rel="xet-reconstruction-info". Internal.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "hubget/http.h"

namespace hubget {

struct XetFileInfo {
  std::string hash;                // X-Xet-Hash: 64 hex
  std::string auth_url;            // rel="xet-auth": the token exchange
  std::string reconstruction_url;  // rel="xet-reconstruction-info" (informative)
};

// rel -> URL for every entry of `link` that matches the JS pattern.
std::map<std::string, std::string> ParseLinkRels(const std::string& link);

// Every Link header of `headers` joined with ", " (as fetch's Headers.get).
std::string JoinedLinkHeader(const Headers& headers);

// The Xet data of a resolve answer, or nullopt. When the answer carries an
// X-Xet-Hash but the rest does not hold (not 64 hex, a rel missing),
// `*problem` says what, for a warning: the file is then fetched like any
// other, through the Location (the bridge).
std::optional<XetFileInfo> XetFileInfoFrom(const Headers& headers, std::string* problem);

}  // namespace hubget
