// See hub_routes.h.
#include "mockhub/sites/hub/hub_routes.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

namespace mockhub {
namespace {

using Kind = RoutePart::Kind;

// The placeholders a pattern part may be; any other part is a word.
const std::map<std::string, std::vector<Kind>>& Placeholders() {
  static const std::map<std::string, std::vector<Kind>> kPlaceholders = {
      {"{type}s", {Kind::kType}},     {"{prefix}{repo}", {Kind::kPrefix, Kind::kRepo}},
      {"{repo}", {Kind::kRepo}},      {"{rev}", {Kind::kRev}},
      {"{sha}", {Kind::kSha}},        {"{path*}", {Kind::kPathStar}},
      {"{path+}", {Kind::kPathPlus}},
  };
  return kPlaceholders;
}

std::vector<RoutePart> Compile(const std::string& pattern) {
  std::vector<RoutePart> parts;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    const auto slash = std::min(pattern.find('/', start), pattern.size());
    const std::string token = pattern.substr(start, slash - start);
    start = slash + 1;
    if (auto it = Placeholders().find(token); it != Placeholders().end()) {
      for (Kind k : it->second) parts.push_back({k, ""});
      continue;
    }
    if (token.empty() || token.find_first_of("{}") != std::string::npos) {
      throw std::logic_error("hub route pattern \"" + pattern + "\": bad part \"" + token + "\"");
    }
    parts.push_back({Kind::kWord, token});
  }
  return parts;
}

bool SamePart(const RoutePart& a, const RoutePart& b) {
  return a.kind == b.kind && a.word == b.word;
}

std::size_t RepoIndex(const std::vector<RoutePart>& parts) {
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].kind == Kind::kRepo) return i;
  }
  return parts.size();
}

// What rows with the same parts before {repo} expect right after it.
std::vector<RoutePart> RepoStops(const std::vector<RoutePart>& mine,
                                 const std::vector<std::vector<RoutePart>>& all) {
  std::vector<RoutePart> stops;
  const std::size_t at = RepoIndex(mine);
  if (at == mine.size()) return stops;
  for (const auto& other : all) {
    if (RepoIndex(other) != at || other.size() <= at + 1) continue;
    if (std::equal(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(at), other.begin(),
                   SamePart)) {
      stops.push_back(other[at + 1]);
    }
  }
  return stops;
}

// Whether `part` could take `segment` as its first.
bool Accepts(const RoutePart& part, const std::string& segment) {
  switch (part.kind) {
    case Kind::kWord:
      return segment == part.word;
    case Kind::kType:
      return ParseRepoTypePlural(segment).has_value();
    case Kind::kSha:
      return IsCommitSha(segment);
    default:
      return true;
  }
}

std::string Decode(const std::string& s, bool& bad) {
  auto d = PercentDecode(s);
  if (!d) {
    bad = true;
    return s;
  }
  return *d;
}

// Segments [from, to) decoded, joined with '/'.
std::string JoinDecoded(const std::vector<std::string>& segs, std::size_t from, std::size_t to,
                        bool& bad) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += '/';
    out += Decode(segs[i], bad);
  }
  return out;
}

// One row's parts against one target, left to right; no part looks back.
struct Matcher {
  const std::vector<std::string>& segs;
  const std::vector<RoutePart>& repo_stops;
  const std::vector<std::string>& leading_words;
  Route& route;
  bool repo_last = false;  // {repo} is the pattern's last part
  std::size_t k = 0;       // the next segment

  bool Left(std::size_t n) const { return k + n <= segs.size(); }

  bool Prefix() {
    if (!Left(1)) return true;
    const std::string& s = segs[k];
    if (std::find(leading_words.begin(), leading_words.end(), s) != leading_words.end()) {
      return false;
    }
    auto type = ParseRepoTypePlural(s);
    if (!type || *RepoTypeUrlPrefix(*type) == '\0') return true;  // a model: no prefix
    route.type = *type;
    ++k;
    return true;
  }

  // When {repo} ends the pattern, a single segment left is the whole id
  // (/api/models/gpt2 is gpt2's info, as on the Hub).
  bool Repo() {
    const bool one =
        (repo_last && Left(1) && !Left(2) && !segs[k].empty()) ||
        (Left(2) && std::any_of(repo_stops.begin(), repo_stops.end(),
                                [&](const RoutePart& p) { return Accepts(p, segs[k + 1]); }));
    const std::size_t n = one ? 1 : 2;
    if (!Left(n)) return false;
    route.repo_first = k;
    route.repo_count = n;
    route.repo = JoinDecoded(segs, k, k + n, route.bad_encoding);
    k += n;
    return true;
  }

  bool Rev() {
    if (!Left(1)) return false;
    std::string rev = Decode(segs[k], route.bad_encoding);
    if (rev == "refs" && Left(3) && segs[k + 1] == "pr") {
      rev = "refs/pr/" + Decode(segs[k + 2], route.bad_encoding);
      k += 2;
    }
    ++k;
    route.revision = std::move(rev);
    return true;
  }

  bool Take(const RoutePart& part) {
    switch (part.kind) {
      case Kind::kWord:
        if (!Left(1) || segs[k] != part.word) return false;
        ++k;
        return true;
      case Kind::kType: {
        auto type = Left(1) ? ParseRepoTypePlural(segs[k]) : std::nullopt;
        if (type) route.type = *type, ++k;
        return type.has_value();
      }
      case Kind::kPrefix:
        return Prefix();
      case Kind::kRepo:
        return Repo();
      case Kind::kRev:
        return Rev();
      case Kind::kSha:
        if (!Left(1) || !IsCommitSha(segs[k])) return false;
        route.revision = segs[k++];
        return true;
      case Kind::kPathPlus:
        if (!Left(1)) return false;
        [[fallthrough]];
      case Kind::kPathStar:
        route.path = JoinDecoded(segs, k, segs.size(), route.bad_encoding);
        k = segs.size();
        return true;
    }
    return false;
  }
};

}  // namespace

RouteTable::RouteTable(std::vector<HubRoute> rows) : rows_(std::move(rows)) {
  std::vector<std::vector<RoutePart>> all;
  for (const HubRoute& row : rows_) all.push_back(Compile(row.pattern));
  for (const auto& parts : all) {
    compiled_.push_back({parts, RepoStops(parts, all)});
    const RoutePart& first = parts.front();
    if (first.kind == Kind::kWord && std::find(leading_words_.begin(), leading_words_.end(),
                                               first.word) == leading_words_.end()) {
      leading_words_.push_back(first.word);
    }
  }
}

std::optional<Route> RouteTable::Match(std::size_t row,
                                       const std::vector<std::string>& segments) const {
  Route route;
  route.row = &rows_[row];
  const std::vector<RoutePart>& parts = compiled_[row].parts;
  Matcher m{segments, compiled_[row].repo_stops, leading_words_, route,
            !parts.empty() && parts.back().kind == Kind::kRepo};
  for (const RoutePart& part : parts) {
    if (!m.Take(part)) return std::nullopt;
  }
  if (m.k != segments.size()) return std::nullopt;
  return route;
}

std::optional<Route> RouteTable::Find(const Target& target) const {
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (auto route = Match(i, target.raw_segments)) return route;
  }
  return std::nullopt;
}

bool AllowsMethod(const char* methods, const std::string& method) {
  const std::string list = methods;
  for (std::size_t start = 0; start < list.size();) {
    const auto comma = std::min(list.find(',', start), list.size());
    if (list.compare(start, comma - start, method) == 0) return true;
    start = list.find_first_not_of(' ', comma + 1);
    if (start == std::string::npos) break;
  }
  return false;
}

}  // namespace mockhub
