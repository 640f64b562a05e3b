// See hub_routes.h.
#include "hub_routes.h"

namespace mockhub {

bool IsApi(const Route& r) {
  return r.kind == RouteKind::kApiRepo || r.kind == RouteKind::kApiTree ||
         r.kind == RouteKind::kPathsInfo || r.kind == RouteKind::kWhoami ||
         r.kind == RouteKind::kResolveCache || r.kind == RouteKind::kXetReadToken;
}

bool IsFileRoute(const Route& r) {
  // The Xet token opens the file contents on the CAS: gating applies, as the
  // file routes answer (mockhub/README.md, "Xet").
  return r.kind == RouteKind::kResolve || r.kind == RouteKind::kRaw ||
         r.kind == RouteKind::kResolveCache || r.kind == RouteKind::kXetReadToken;
}

namespace {

std::string Decode(const std::string& s, bool& bad) {
  auto d = PercentDecode(s);
  if (!d) {
    bad = true;
    return s;
  }
  return *d;
}

// Joins decoded segments [from, end) with '/'.
std::string JoinDecoded(const std::vector<std::string>& segs, std::size_t from, bool& bad) {
  std::string out;
  for (std::size_t i = from; i < segs.size(); ++i) {
    if (i > from) out += '/';
    out += Decode(segs[i], bad);
  }
  return out;
}

// Reads a revision starting at segs[i]; an unencoded "refs/pr/N" spans three
// segments. Returns the index after the revision.
std::size_t ReadRevision(const std::vector<std::string>& segs, std::size_t i, Route& r) {
  r.has_revision = true;
  r.revision = Decode(segs[i], r.bad_encoding);
  if (r.revision == "refs" && i + 2 < segs.size() && segs[i + 1] == "pr") {
    r.revision = "refs/pr/" + Decode(segs[i + 2], r.bad_encoding);
    return i + 3;
  }
  return i + 1;
}

// /api/{types}/{repo...}[/revision/{rev} | /paths-info[/{rev}] |
// /xet-read-token/{rev} | /tree/{rev}[/{path}]]. False: no such API route.
bool ParseApiRoute(const std::vector<std::string>& s, Route& r) {
  auto type = ParseRepoTypePlural(s[1]);
  if (!type) return false;
  r.type = *type;
  std::size_t n = (s.size() >= 4 && (s[3] == "revision" || s[3] == "tree" || s[3] == "paths-info" ||
                                     s[3] == "xet-read-token"))
                      ? 1
                      : 2;
  if (2 + n > s.size()) return false;
  r.repo_first = 2;
  r.repo_count = n;
  std::size_t i = 2 + n;
  if (i == s.size()) {
    r.kind = RouteKind::kApiRepo;
  } else if (s[i] == "revision" && i + 1 < s.size()) {
    r.kind = RouteKind::kApiRepo;
    if (ReadRevision(s, i + 1, r) != s.size()) r.kind = RouteKind::kUnknown;
  } else if (s[i] == "paths-info") {
    r.kind = RouteKind::kPathsInfo;
    if (i + 1 < s.size() && ReadRevision(s, i + 1, r) != s.size()) r.kind = RouteKind::kUnknown;
  } else if (s[i] == "xet-read-token" && i + 1 < s.size()) {
    r.kind = RouteKind::kXetReadToken;
    if (ReadRevision(s, i + 1, r) != s.size()) r.kind = RouteKind::kUnknown;
  } else if (s[i] == "tree" && i + 1 < s.size()) {
    r.kind = RouteKind::kApiTree;
    std::size_t next = ReadRevision(s, i + 1, r);
    r.path = JoinDecoded(s, next, r.bad_encoding);
    while (!r.path.empty() && r.path.back() == '/') r.path.pop_back();
  } else {
    return false;
  }
  return true;
}

}  // namespace

Route ParseRoute(const Target& t) {
  const auto& s = t.raw_segments;
  Route r;
  if (s.size() >= 2 && s[0] == "api" && s[1] == "whoami-v2" && s.size() == 2) {
    r.kind = RouteKind::kWhoami;
    return r;
  }
  if (s.size() >= 3 && s[0] == "api" && s[1] == "resolve-cache") {
    // /api/resolve-cache/{types}/{repo...}/{commit}/{path...}
    auto type = ParseRepoTypePlural(s[2]);
    if (!type || s.size() < 6) return r;
    r.type = *type;
    std::size_t n = IsCommitSha(s[4]) ? 1 : 2;  // one- or two-segment repo id
    if (3 + n + 1 >= s.size() || !IsCommitSha(s[3 + n])) return r;
    r.kind = RouteKind::kResolveCache;
    r.repo_first = 3;
    r.repo_count = n;
    r.has_revision = true;
    r.revision = s[3 + n];
    r.path = JoinDecoded(s, 3 + n + 1, r.bad_encoding);
  } else if (s.size() >= 3 && s[0] == "api") {
    if (!ParseApiRoute(s, r)) return r;
  } else {
    // /{prefix}{repo}/(resolve|raw)/{rev}/{path...}
    std::size_t first = 0;
    if (!s.empty()) {
      if (s[0] == "datasets")
        r.type = RepoType::kDataset, first = 1;
      else if (s[0] == "spaces")
        r.type = RepoType::kSpace, first = 1;
    }
    std::size_t verb = 0;
    for (std::size_t n = 1; n <= 2; ++n) {
      if (first + n < s.size() && (s[first + n] == "resolve" || s[first + n] == "raw")) {
        verb = first + n;
        break;
      }
    }
    if (verb == 0 || verb + 2 >= s.size()) return r;
    r.kind = s[verb] == "resolve" ? RouteKind::kResolve : RouteKind::kRaw;
    r.repo_first = first;
    r.repo_count = verb - first;
    std::size_t next = ReadRevision(s, verb + 1, r);
    if (next >= s.size()) {
      r.kind = RouteKind::kUnknown;
      return r;
    }
    r.path = JoinDecoded(s, next, r.bad_encoding);
  }
  for (std::size_t k = 0; k < r.repo_count; ++k) {
    if (k) r.repo += '/';
    r.repo += Decode(s[r.repo_first + k], r.bad_encoding);
  }
  return r;
}

}  // namespace mockhub
