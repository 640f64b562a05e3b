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

// Each byte `keep` refuses as %XX (upper-case hex), the rest as it is.
template <typename Keep>
std::string PercentEncode(const std::string& s, Keep keep) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (keep(c)) {
      out += ch;
      continue;
    }
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 0xF];
  }
  return out;
}

std::string Quote(const std::string& s, bool keep_slash) {
  return PercentEncode(
      s, [keep_slash](unsigned char c) { return IsUnreserved(c) || (keep_slash && c == '/'); });
}

// A DNS name or IPv4 address (letters, digits, '-', '.', '_', '~'), or an
// [IPv6] literal (hex digits, ':' and '.').
bool ValidHost(const std::string& host) {
  if (host.empty()) return false;
  if (host[0] == '[') {
    return host.size() > 2 && host.back() == ']' &&
           std::all_of(host.begin() + 1, host.end() - 1, [](unsigned char c) {
             return std::isxdigit(c) != 0 || c == ':' || c == '.';
           });
  }
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
  });
}

// The scheme of a URI reference (RFC 3986: a letter, then letters, digits,
// '+', '-' or '.', then ':' before any '/', '?' or '#'), lower case; "" for
// a relative reference.
std::string SchemeOf(const std::string& ref) {
  const auto colon = ref.find(':');
  if (colon == std::string::npos || colon == 0 || ref.find_first_of("/?#") < colon) return "";
  if (std::isalpha(static_cast<unsigned char>(ref[0])) == 0) return "";
  for (std::size_t i = 1; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(ref[i]);
    if (std::isalnum(c) == 0 && c != '+' && c != '-' && c != '.') return "";
  }
  return Lower(ref.substr(0, colon));
}

// "http//host/x": an absolute http(s) URL that lost its colon, which a
// resolver would take for a relative path. (One that lost a slash, "http:/x",
// still has its scheme.)
bool LooksLikeBrokenHttpUrl(const std::string& ref) {
  const std::string head = Lower(ref.substr(0, 7));
  return head.rfind("http//", 0) == 0 || head.rfind("https//", 0) == 0;
}

// Spaces and bytes outside ASCII as %XX, the way browsers and httpx send a
// Location that has them; everything else as it is.
std::string EncodeRawBytes(const std::string& s) {
  return PercentEncode(s, [](unsigned char c) { return c != ' ' && c < 0x80; });
}

bool HasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
}

Error Refused(Kind kind, const std::string& location, const std::string& why) {
  std::string shown = location.size() > 200 ? location.substr(0, 200) + "..." : location;
  return MakeError(kind, "'" + shown + "' " + why);
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

// A relative reference (absolute-path, relative-path, query or empty)
// against `b`; the reference's query is kept.
std::string ResolveRelative(const Url& b, const std::string& location) {
  const std::string prefix = b.scheme + "://" + b.host +
                             (b.port == DefaultPort(b.scheme) ? "" : ":" + std::to_string(b.port));
  std::string path = location;
  std::string query;
  if (const auto hash = path.find('#'); hash != std::string::npos) path.resize(hash);
  if (const auto q = path.find('?'); q != std::string::npos) {
    query = path.substr(q);
    path.resize(q);
  }
  if (path.empty()) {
    // "?x" or "": same path, new (or old) query.
    return prefix + b.Path() +
           (query.empty() && location.empty() ? (b.Query().empty() ? "" : "?" + b.Query()) : query);
  }
  if (path[0] != '/') {
    const std::string base_path = b.Path();
    path = base_path.substr(0, base_path.rfind('/') + 1) + path;
  }
  return prefix + RemoveDots(path) + query;
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
  // A ':' left in a host that is not an [IPv6] literal ("a:b:80"), a space
  // or a '%' would read differently once written back into a URL.
  if (!ValidHost(host)) return std::nullopt;
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

Result<std::string> ResolveHttpLocation(const std::string& base, const std::string& raw) {
  const auto b = ParseUrl(base);
  if (!b) return Refused(Kind::kInvalidArgument, base, "is not a valid URL to resolve against");
  if (HasControl(raw)) return Refused(Kind::kNotAHub, raw, "has a control character");
  const std::string location = EncodeRawBytes(raw);
  const std::string scheme = SchemeOf(location);
  if (!scheme.empty()) {
    if (scheme != "http" && scheme != "https") {
      return Refused(Kind::kHttp, raw,
                     "uses the scheme '" + scheme + "'; hubget speaks only http and https");
    }
    if (location.compare(scheme.size(), 3, "://") != 0 || !ParseUrl(location)) {
      return Refused(Kind::kNotAHub, raw, "is a malformed absolute URL (no valid host)");
    }
    return location;
  }
  if (LooksLikeBrokenHttpUrl(location)) {
    return Refused(Kind::kNotAHub, raw,
                   "is a malformed absolute URL (its scheme lacks ':' or '//')");
  }
  if (location.rfind("//", 0) == 0) {
    std::string absolute = b->scheme + ":" + location;
    // "//", "//:80", "//h:99999"
    if (!ParseUrl(absolute)) return Refused(Kind::kNotAHub, raw, "has no valid host");
    return absolute;
  }
  return ResolveRelative(*b, location);
}

std::optional<std::string> ResolveLocation(const std::string& base, const std::string& location) {
  auto resolved = ResolveHttpLocation(base, location);
  if (!resolved) return std::nullopt;
  return std::move(resolved.value());
}

std::string QuoteAll(const std::string& s) { return Quote(s, false); }
std::string QuotePath(const std::string& s) { return Quote(s, true); }

std::string TrimEndpoint(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

}  // namespace hubget
