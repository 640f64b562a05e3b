// X-Xet-Hash and the Link rels of a resolve answer. See xet_metadata.h.
#include "xet/xet_metadata.h"

#include <algorithm>
#include <cctype>

namespace hubget {
namespace {

bool IsJsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// The match of <(https?://[^>]+)>;\s+rel="([^"]+)" starting at `lt` (a
// '<'): its end, or npos.
std::size_t MatchAt(const std::string& s, std::size_t lt, std::string* url, std::string* rel) {
  std::size_t p = lt + 1;
  for (const char* scheme : {"https://", "http://"}) {
    if (s.compare(p, std::char_traits<char>::length(scheme), scheme) == 0) {
      p += std::char_traits<char>::length(scheme);
      break;
    }
    if (scheme[4] == ':') return std::string::npos;  // neither
  }
  const std::size_t gt = s.find('>', p);
  if (gt == std::string::npos || gt == p) return std::string::npos;
  std::size_t q = gt + 1;
  if (q >= s.size() || s[q] != ';') return std::string::npos;
  ++q;
  const std::size_t spaces = q;
  while (q < s.size() && IsJsSpace(s[q])) ++q;
  if (q == spaces || s.compare(q, 5, "rel=\"") != 0) return std::string::npos;
  q += 5;
  const std::size_t quote = s.find('"', q);
  if (quote == std::string::npos || quote == q) return std::string::npos;
  *url = s.substr(lt + 1, gt - lt - 1);
  *rel = s.substr(q, quote - q);
  return quote + 1;
}

}  // namespace

std::map<std::string, std::string> ParseLinkRels(const std::string& link) {
  std::map<std::string, std::string> rels;
  std::size_t pos = 0;
  while ((pos = link.find('<', pos)) != std::string::npos) {
    std::string url;
    std::string rel;
    const std::size_t end = MatchAt(link, pos, &url, &rel);
    if (end == std::string::npos) {
      ++pos;  // as a global regex: try the next '<'
      continue;
    }
    rels[rel] = url;  // Object.fromEntries: the last one wins
    pos = end;
  }
  return rels;
}

std::string JoinedLinkHeader(const Headers& headers) {
  std::string joined;
  for (const auto& [name, value] : headers.items()) {
    if (name.size() != 4 || !std::equal(name.begin(), name.end(), "link", [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      continue;
    }
    if (!joined.empty()) joined += ", ";
    joined += value;
  }
  return joined;
}

std::optional<XetFileInfo> XetFileInfoFrom(const Headers& headers, std::string* problem) {
  const std::string hash = headers.Get("X-Xet-Hash");
  if (hash.empty()) return std::nullopt;
  auto fail = [&](const std::string& why) -> std::optional<XetFileInfo> {
    if (problem != nullptr) *problem = why;
    return std::nullopt;
  };
  if (!IsHex64(hash)) {
    return fail("the Hub sent an X-Xet-Hash that is not 64 hex characters (" +
                std::to_string(hash.size()) + " characters)");
  }
  const auto rels = ParseLinkRels(JoinedLinkHeader(headers));
  const auto auth = rels.find("xet-auth");
  const auto info = rels.find("xet-reconstruction-info");
  if (auth == rels.end() || info == rels.end()) {
    return fail(std::string("the Hub sent X-Xet-Hash but no Link with an absolute rel=\"") +
                (auth == rels.end() ? "xet-auth" : "xet-reconstruction-info") + "\" URL");
  }
  return XetFileInfo{hash, auth->second, info->second};
}

}  // namespace hubget
