// Which origin gets which Authorization value. A credential belongs to one
// origin (scheme, host, port: https://hub.test and https://hub.test:8443 are
// two), and a request anywhere else carries none, whatever redirect or URL
// led there: the table is consulted for every request (Session::NewRequest),
// so a hop to a CDN drops the Hub token by construction. Today it holds the
// Hub token for the endpoint's origin; a second credential (a CAS token for
// its storage origin) is one more Add. Thread-safe: a snapshot's workers ask
// while another thread may replace an expiring entry. Internal.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace hubget {

class CredentialTable {
 public:
  // Sends `authorization` (the whole header value, e.g. "Bearer hf_...") to
  // every request on the origin of `origin_url`, replacing what that origin
  // had. `name` says whose it is ("hub"), for error messages. False (and
  // nothing added) when `origin_url` has no origin.
  bool Add(const std::string& origin_url, std::string authorization, std::string name);
  // The Authorization value for a request to `url`, or nullopt: none for an
  // origin that was never added or a URL that does not parse.
  std::optional<std::string> For(const std::string& url) const;
  // Whether a request to `url` carries the credential called `name`.
  bool Sends(const std::string& url, const std::string& name) const;

 private:
  struct Entry {
    std::string authorization;
    std::string name;
  };
  const Entry* Find(const std::string& url) const;  // mu_ held

  mutable std::mutex mu_;
  std::map<std::string, Entry> by_origin_;  // Url::Origin() -> entry
};

}  // namespace hubget
