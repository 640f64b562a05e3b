// URL parsing, origin comparison, Location resolution and quoting.
#include "hubget/url.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace hubget {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int DefaultPort(const std::string& scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return 0;
}

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '_' || c == '.' || c == '-' || c == '~';
}

std::string Quote(const std::string& s, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
      continue;
    }
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 0xF];
  }
  return out;
}

// RFC 3986 remove_dot_segments on a path.
std::string RemoveDots(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  const bool trailing =
      !path.empty() &&
      (path.back() == '/' || (path.size() >= 2 && path.substr(path.size() - 2) == "/.") ||
       (path.size() >= 3 && path.substr(path.size() - 3) == "/.."));
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string seg = path.substr(i, j - i);
    i = j + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string res;
  for (const auto& s : out) res += "/" + s;
  if (res.empty() || trailing) res += "/";
  return res;
}

}  // namespace

std::string Url::Origin() const { return scheme + "://" + host + ":" + std::to_string(port); }

std::string Url::Path() const {
  const auto q = target.find('?');
  return q == std::string::npos ? target : target.substr(0, q);
}

std::string Url::Query() const {
  const auto q = target.find('?');
  return q == std::string::npos ? "" : target.substr(q + 1);
}

std::optional<Url> ParseUrl(const std::string& text) {
  const auto sep = text.find("://");
  if (sep == std::string::npos || sep == 0) return std::nullopt;
  Url u;
  u.scheme = Lower(text.substr(0, sep));
  const auto auth_begin = sep + 3;
  auto auth_end = text.find_first_of("/?#", auth_begin);
  if (auth_end == std::string::npos) auth_end = text.size();
  std::string authority = text.substr(auth_begin, auth_end - auth_begin);
  if (authority.find('@') != std::string::npos) {
    authority = authority.substr(authority.rfind('@') + 1);  // userinfo is not ours to keep
  }
  std::string host = authority;
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  // A ':' left in a host that is not an [IPv6] literal ("a:b:80") would
  // read differently once written back into a URL.
  if (host.empty() || (host[0] != '[' && host.find(':') != std::string::npos)) return std::nullopt;
  u.host = Lower(host);
  if (port.empty()) {
    u.port = DefaultPort(u.scheme);
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; })) {
      return std::nullopt;
    }
    u.port = std::stoi(port);
    if (u.port > 65535) return std::nullopt;
  }
  std::string rest = text.substr(auth_end);
  if (const auto hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
  if (rest.empty() || rest[0] != '/') rest = "/" + rest;
  u.target = rest;
  return u;
}

bool SameOrigin(const std::string& a, const std::string& b) {
  const auto ua = ParseUrl(a);
  const auto ub = ParseUrl(b);
  return ua && ub && ua->Origin() == ub->Origin();
}

std::optional<std::string> ResolveLocation(const std::string& base, const std::string& location) {
  const auto b = ParseUrl(base);
  if (!b) return std::nullopt;
  if (location.find("://") != std::string::npos && ParseUrl(location)) return location;
  const std::string prefix =
      b->scheme + "://" + b->host +
      (b->port == DefaultPort(b->scheme) ? "" : ":" + std::to_string(b->port));
  if (location.rfind("//", 0) == 0) {
    std::string absolute = b->scheme + ":" + location;
    if (!ParseUrl(absolute)) return std::nullopt;  // "//", "//:80", "//h:99999"
    return absolute;
  }
  std::string path = location;
  std::string query;
  if (const auto hash = path.find('#'); hash != std::string::npos) path.resize(hash);
  if (const auto q = path.find('?'); q != std::string::npos) {
    query = path.substr(q);
    path.resize(q);
  }
  if (path.empty()) {
    // "?x" or "": same path, new (or old) query.
    return prefix + b->Path() +
           (query.empty() && location.empty() ? (b->Query().empty() ? "" : "?" + b->Query())
                                              : query);
  }
  if (path[0] != '/') {
    const std::string base_path = b->Path();
    path = base_path.substr(0, base_path.rfind('/') + 1) + path;
  }
  return prefix + RemoveDots(path) + query;
}

std::string QuoteAll(const std::string& s) { return Quote(s, false); }
std::string QuotePath(const std::string& s) { return Quote(s, true); }

std::string TrimEndpoint(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

}  // namespace hubget
