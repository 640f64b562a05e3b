// See env_values.h.
#include "env_values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <set>

#include "mockhub/base/text_parse.h"

namespace mockhub::runner {

namespace fs = std::filesystem;

namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A port or a prefix length: at most five digits.
bool AllDigits(const std::string& s) { return ParseDigits(s, 5).has_value(); }

// localhost, an IPv4 literal in 127.0.0.0/8, ::1 or ::ffff:127.x.y.z.
bool LoopbackHost(const std::string& host) {
  if (Upper(host) == "LOCALHOST") return true;
  unsigned char v4[4];
  if (::inet_pton(AF_INET, host.c_str(), v4) == 1) return v4[0] == 127;
  unsigned char v6[16];
  if (::inet_pton(AF_INET6, host.c_str(), v6) != 1) return false;
  static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6, kLoopback, 16) == 0) return true;
  return std::memcmp(v6, kMapped, 12) == 0 && v6[12] == 127;
}

// A host with an optional port: "localhost:3128", "127.0.0.1", "[::1]:8080".
bool LoopbackHostPort(const std::string& hp) {
  if (!hp.empty() && hp[0] == '[') {
    const auto close = hp.find(']');
    if (close == std::string::npos) return false;
    const std::string rest = hp.substr(close + 1);
    if (!rest.empty() && (rest[0] != ':' || !AllDigits(rest.substr(1)))) return false;
    return LoopbackHost(hp.substr(1, close - 1));
  }
  const auto colon = hp.find(':');
  if (colon != std::string::npos && hp.find(':', colon + 1) != std::string::npos)
    return LoopbackHost(hp);  // a bare IPv6 literal (NO_PROXY's "::1")
  if (colon != std::string::npos && !AllDigits(hp.substr(colon + 1))) return false;
  return LoopbackHost(hp.substr(0, colon));
}

// [scheme://][user[:password]@]host[:port][/]
bool LoopbackProxyUrl(const std::string& url) {
  std::string rest = url;
  if (const auto scheme = rest.find("://"); scheme != std::string::npos)
    rest = rest.substr(scheme + 3);
  const std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  const std::string after = rest.substr(authority.size());
  if (!after.empty() && after != "/") return false;
  const auto at = authority.rfind('@');
  return LoopbackHostPort(at == std::string::npos ? authority : authority.substr(at + 1));
}

// NO_PROXY: a list of hosts split by commas (and spaces), each loopback, with
// an optional port or prefix length ("127.0.0.0/8"), or "*".
bool LoopbackNoProxy(const std::string& list) {
  std::string entry;
  auto check = [](std::string e) {
    if (e.empty() || e == "*") return true;
    if (const auto slash = e.find('/'); slash != std::string::npos) {
      const std::string bits = e.substr(slash + 1);
      e = e.substr(0, slash);
      const auto prefix = ParseDigits(bits, 5);
      if (!prefix) return false;
      const bool v6 = e.find(':') != std::string::npos;
      if (*prefix < (v6 ? 128u : 8u)) return false;
    }
    return LoopbackHostPort(e);
  };
  for (char c : list + ",") {
    if (c == ',' || c == ' ') {
      if (!check(entry)) return false;
      entry.clear();
      continue;
    }
    entry += c;
  }
  return true;
}

// A path inside the client's working directory: relative, no `..` segment,
// no `~`, backslash or control character.
bool InsideWorkingDirectory(const std::string& v) {
  if (!v.empty() && (v[0] == '/' || v[0] == '~')) return false;
  if (std::any_of(v.begin(), v.end(), [](char c) {
        return c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      }))
    return false;
  std::size_t start = 0;
  for (;;) {
    const auto end = v.find('/', start);
    if (v.compare(start, end == std::string::npos ? std::string::npos : end - start, "..") == 0)
      return false;
    if (end == std::string::npos) return true;
    start = end + 1;
  }
}

}  // namespace

bool IsProxyVariable(const std::string& name) {
  static const std::set<std::string> kNames = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                                               "NO_PROXY"};
  return kNames.count(Upper(name)) > 0;
}

bool IsCaVariable(const std::string& name) {
  static const std::set<std::string> kNames = {"CURL_CA_BUNDLE",      "SSL_CERT_FILE",
                                               "SSL_CERT_DIR",        "REQUESTS_CA_BUNDLE",
                                               "NODE_EXTRA_CA_CERTS", "HUBGET_CA_FILE"};
  return kNames.count(name) > 0;
}

std::string EnvValueProblem(const std::string& name, const std::string& value) {
  if (IsProxyVariable(name)) {
    const bool no_proxy = Upper(name) == "NO_PROXY";
    const bool has_control = std::any_of(value.begin(), value.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (value.empty() ||
        (!has_control && (no_proxy ? LoopbackNoProxy(value) : LoopbackProxyUrl(value))))
      return "";
    return no_proxy ? "may list only loopback hosts (localhost, 127.0.0.0/8, ::1) or \"*\""
                    : "may name only a proxy on a loopback host (localhost, 127.0.0.0/8, ::1): "
                      "a scenario must not send the client's requests, or its token, elsewhere";
  }
  if (IsCaVariable(name) && !InsideWorkingDirectory(value)) {
    return "names a CA outside the scenario's temporary folder: a path relative to the client's "
           "working directory, without .. (the generated CA is ca.pem there)";
  }
  return "";
}

Status CheckClientEnv(const std::map<std::string, std::string>& env, const std::string& cwd) {
  std::error_code ec;
  const fs::path root = fs::canonical(cwd, ec);
  if (ec) return InvalidArgument("the client's working directory " + cwd + ": " + ec.message());
  for (const auto& [name, value] : env) {
    if (std::string why = EnvValueProblem(name, value); !why.empty())
      return InvalidArgument("client env " + name + " " + why);
    if (!IsCaVariable(name) || value.empty()) continue;
    // weakly_canonical resolves the symlinks of the part that exists.
    const fs::path resolved = fs::weakly_canonical(root / value, ec);
    const auto mismatch = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
    if (ec || mismatch.first != root.end())
      return InvalidArgument("client env " + name +
                             " leads outside the scenario's temporary "
                             "folder (through a symlink)");
    const fs::file_status st = fs::status(resolved, ec);
    if (ec || st.type() == fs::file_type::not_found) continue;  // the client says it is missing
    const fs::file_type wanted =
        name == "SSL_CERT_DIR" ? fs::file_type::directory : fs::file_type::regular;
    if (st.type() != wanted) {
      return InvalidArgument("client env " + name + " names something that is not a " +
                             (wanted == fs::file_type::directory ? "folder" : "regular file"));
    }
  }
  return Status::Ok();
}

}  // namespace mockhub::runner
