// URLs the way the download path needs them: split into origin and target,
// compared by origin (scheme, host, port) for the token policy, Location
// values resolved against the request URL, and the percent-encoding
// huggingface_hub applies to revisions and file paths.
#pragma once

#include <optional>
#include <string>

#include "hubget/result.h"

namespace hubget {

struct Url {
  std::string scheme;  // lower case
  std::string host;    // lower case; IPv6 keeps its brackets
  int port = 0;        // explicit or the scheme's default
  std::string target;  // path + query, starts with '/'

  // "scheme://host:port", always with the port, for comparisons.
  std::string Origin() const;
  std::string Path() const;   // target without the query
  std::string Query() const;  // without '?', "" when none
};

std::optional<Url> ParseUrl(const std::string& text);

// Same scheme, host and port. Unparseable URLs are never the same origin.
bool SameOrigin(const std::string& a, const std::string& b);

// Resolves a Location (or Link) value against the URL that returned it:
// absolute, scheme-relative, absolute-path or relative-path references, the
// reference's query kept, raw spaces and non-ASCII bytes percent-encoded.
// Only http(s) comes out. Refused, with a detail that starts with the quoted
// value: another scheme (kHttp, naming it: file, gopher, dict, ftp, ...); a
// malformed absolute URL ("http//h/x", "http:/x", "https://", a space in the
// host), a scheme-relative one without a usable host, or a control character
// (kNotAHub); a base that does not parse (kInvalidArgument).
Result<std::string> ResolveHttpLocation(const std::string& base, const std::string& location);
// The same, nullopt for any refusal.
std::optional<std::string> ResolveLocation(const std::string& base, const std::string& location);

// Python's urllib.parse.quote(s, safe=""): everything but [A-Za-z0-9_.~-].
std::string QuoteAll(const std::string& s);
// quote(s, safe="/").
std::string QuotePath(const std::string& s);

// Removes trailing '/' from an endpoint.
std::string TrimEndpoint(std::string endpoint);

}  // namespace hubget
