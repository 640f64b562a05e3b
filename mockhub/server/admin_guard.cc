// Who may call the admin API (issue 25, N9). It changes what a running mock
// answers (faults, revoked tokens, the clock) and hands out the journal, so
// it must not be reachable from a web page the developer happens to open:
//   * Host must be a loopback literal (127.x.y.z, [::1]), `localhost`, or the
//     address the connection arrived on, with the site's port: a page that
//     rebinds its own DNS name to 127.0.0.1 sends its own name (421);
//   * an Origin, when sent, must be this site's own scheme, host and port:
//     any other page's fetch is refused (403);
//   * POST and DELETE must say Content-Type: application/json, which no HTML
//     form and no "simple" cross-site fetch can send without a CORS preflight
//     that mockhub never grants (415).
// A request without Host or Origin passes those two checks: every browser
// sends Host, and sends Origin with every cross-site POST and DELETE.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "mockhub/base/text_parse.h"
#include "mockhub/server/admin.h"

namespace mockhub {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A request value in an error message: clipped, so a huge header is not
// echoed back whole.
std::string Quoted(const std::string& v) {
  return "\"" + (v.size() > 200 ? v.substr(0, 200) + "..." : v) + "\"";
}

// `host` is 127.0.0.0/8, ::1, localhost or the literal `local_ip`.
bool AllowedHost(const std::string& host, const std::string& local_ip) {
  if (Lower(host) == "localhost") return true;
  unsigned char a[16] = {}, b[16] = {};
  if (::inet_pton(AF_INET, host.c_str(), a) == 1) {
    if (a[0] == 127) return true;
    return ::inet_pton(AF_INET, local_ip.c_str(), b) == 1 && std::memcmp(a, b, 4) == 0;
  }
  if (::inet_pton(AF_INET6, host.c_str(), a) == 1) {
    static const unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (std::memcmp(a, kLoopback6, 16) == 0) return true;
    return ::inet_pton(AF_INET6, local_ip.c_str(), b) == 1 && std::memcmp(a, b, 16) == 0;
  }
  return false;
}

// "host", "host:port", "[v6]", "[v6]:port" (RFC 9110 section 7.2) against
// the site; an absent port is the scheme's default.
bool AllowedAuthority(const std::string& authority, const AdminSite& site) {
  std::string host, port;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    host = authority.substr(1, close - 1);
    const std::string rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
    if (!rest.empty()) port = rest.substr(1);
    if (host.find(':') == std::string::npos) return false;  // brackets are for IPv6 only
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (port.empty()) port = site.scheme == "https" ? "443" : "80";
  const auto number = ParseDigits(port, 5);
  return number && *number == static_cast<std::uint64_t>(site.port) &&
         AllowedHost(host, site.local_ip);
}

// The media type of a Content-Type value, without parameters, lower case.
std::string MediaType(const std::string& v) {
  std::string type = v.substr(0, v.find(';'));
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  type.erase(std::find_if_not(type.rbegin(), type.rend(), space).base(), type.end());
  type.erase(type.begin(), std::find_if_not(type.begin(), type.end(), space));
  return Lower(type);
}

}  // namespace

std::optional<HttpResponse> GuardAdmin(const HttpRequest& req, const AdminSite& site) {
  const std::string own =
      site.scheme + "://<loopback address or localhost>:" + std::to_string(site.port);
  std::size_t hosts = 0;
  for (const auto& [name, value] : req.headers) {
    if (!HeaderNameEquals(name, "Host")) continue;
    if (++hosts > 1) return AdminError(400, "more than one Host header");
    if (!AllowedAuthority(value, site)) {
      return AdminError(421, "the admin API answers only requests addressed to " + own + " (Host " +
                                 Quoted(value) +
                                 " refused: a DNS name that points at loopback is how a web "
                                 "page reaches a local server)");
    }
  }
  if (req.HasHeader("Origin")) {
    const std::string origin = req.Header("Origin");
    const std::string prefix = site.scheme + "://";
    if (origin.rfind(prefix, 0) != 0 || !AllowedAuthority(origin.substr(prefix.size()), site)) {
      return AdminError(403, "the admin API refuses requests from other web pages (Origin " +
                                 Quoted(origin) + "; only " + own + " is its own)");
    }
  }
  if (req.method != "POST" && req.method != "DELETE") return std::nullopt;
  const std::string type = req.Header("Content-Type");
  if (MediaType(type) == "application/json") return std::nullopt;
  return AdminError(
      415, "admin " + req.method + " requests must say Content-Type: application/json (this one " +
               (req.HasHeader("Content-Type") ? "said " + Quoted(type) : "had none") + ")");
}

}  // namespace mockhub
