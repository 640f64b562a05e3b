// The "wire" expectations of a step (scenarios/README.md): tokens by site,
// request counts, ranges, no byte fetched twice, Retry-After respected, HEAD
// before GET, connections busy at once. They read only the step's journal.
// Each failure keeps the seq of the requests it is about.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "expect.h"
#include "mockhub/faults.h"

namespace mockhub::runner {

namespace {

using Entries = std::vector<JournalEntry>;
using Failures = std::vector<CheckFailure>;
using Seqs = std::vector<std::uint64_t>;

std::string PathOf(const JournalEntry& e) { return e.target.substr(0, e.target.find('?')); }

bool Matches(const CountExpectation& c, const JournalEntry& e) {
  return (c.server.empty() || c.server == e.server) && (c.method.empty() || c.method == e.method) &&
         GlobMatch(c.path, PathOf(e)) && (!c.status || *c.status == e.status);
}

std::string Describe(const CountExpectation& c) {
  std::string d = (c.server.empty() ? "any server" : c.server) + " " +
                  (c.method.empty() ? "any method" : c.method) + " " + c.path;
  if (c.status) d += " -> " + std::to_string(*c.status);
  return d;
}

void CheckTokens(const WireExpectation& w, const Entries& entries, Failures& out) {
  if (w.token_to_cdn) {
    Seqs leaks;
    for (const auto& e : entries) {
      if (e.server == "cdn" && (!e.authorization.empty() || e.HasFlag("token_leak")))
        leaks.push_back(e.seq);
    }
    if (*w.token_to_cdn && leaks.empty())
      out.push_back({"expected a token to reach the CDN, none did", {}, "wire.token_to_cdn"});
    if (!*w.token_to_cdn && !leaks.empty()) {
      out.push_back({"a token reached the CDN in " + std::to_string(leaks.size()) +
                         " request(s) (token_leak)",
                     leaks, "wire.token_to_cdn"});
    }
  }
  if (w.token_to_hub) {
    Seqs sent;
    for (const auto& e : entries) {
      if (e.server == "hub" && !e.authorization.empty()) sent.push_back(e.seq);
    }
    if (sent.empty() == *w.token_to_hub) {
      out.push_back({std::string("expected ") + (*w.token_to_hub ? "a token" : "no token") +
                         " sent to the hub, " + (sent.empty() ? "none was" : "one was"),
                     sent, "wire.token_to_hub"});
    }
  }
}

// The Xet credential rules: each is a journal flag the sites raise.
void CheckXetTokens(const WireExpectation& w, const Entries& entries, Failures& out) {
  const std::tuple<const std::optional<bool>*, const char*, const char*> kRules[] = {
      {&w.hub_token_to_cas, "hub_token_to_cas", "a Hub token (or another bearer) reached the CAS"},
      {&w.cas_token_to_hub, "cas_token_to_hub", "a CAS token reached the hub"},
      {&w.cas_token_to_cdn, "cas_token_to_cdn", "a CAS token reached the CDN"}};
  for (const auto& [want, flag_name, what] : kRules) {
    if (!*want) continue;
    const std::string flag = flag_name;  // a lambda may not capture a structured binding (C++17)
    Seqs flagged;
    for (const auto& e : entries) {
      if (e.HasFlag(flag)) flagged.push_back(e.seq);
    }
    if (**want && flagged.empty())
      out.push_back(
          {std::string("expected ") + flag + ", no request was flagged", {}, "wire." + flag});
    if (!**want && !flagged.empty()) {
      out.push_back({std::string(what) + " in " + std::to_string(flagged.size()) + " request(s) (" +
                         flag + ")",
                     flagged, "wire." + flag});
    }
  }
}

// A count of HEAD requests describes huggingface_hub's way of asking for
// metadata: it applies to clients that ask the same way.
void CheckCounts(const WireExpectation& w, const Entries& entries, const Caps& caps,
                 Failures& out) {
  for (const auto& c : w.requests) {
    if (c.method == "HEAD" && !caps.metadata_by_head) continue;
    Seqs matched;
    for (const auto& e : entries) {
      if (Matches(c, e)) matched.push_back(e.seq);
    }
    const auto n = static_cast<std::uint64_t>(matched.size());
    if ((c.exactly && n != *c.exactly) || (c.at_least && n < *c.at_least) ||
        (c.at_most && n > *c.at_most)) {
      std::string want = c.exactly                 ? "exactly " + std::to_string(*c.exactly)
                         : c.at_least && c.at_most ? "between " + std::to_string(*c.at_least) +
                                                         " and " + std::to_string(*c.at_most)
                         : c.at_least ? "at least " + std::to_string(*c.at_least)
                                      : "at most " + std::to_string(*c.at_most);
      out.push_back({c.pointer + ": expected " + want + " request(s) " + Describe(c) + ", saw " +
                         std::to_string(n),
                     matched, "wire.requests"});
    }
  }
}

// Which Range a resume sends describes huggingface_hub's resume (from the
// partial's size): it applies to clients that resume.
void CheckRanges(const WireExpectation& w, const Entries& entries, Failures& out) {
  for (const auto& range : w.ranges) {
    if (std::none_of(entries.begin(), entries.end(),
                     [&](const JournalEntry& e) { return e.range == range; })) {
      out.push_back(
          {"expected a request with \"Range: " + range + "\", none had it", {}, "wire.ranges"});
    }
  }
}

// Bytes actually sent per object (site and path): no byte may be sent twice.
void CheckNoRangeTwice(const Entries& entries, Failures& out) {
  struct Span {
    std::uint64_t start, end, seq;
    bool operator<(const Span& o) const {
      return std::tie(start, end, seq) < std::tie(o.start, o.end, o.seq);
    }
  };
  std::map<std::string, std::vector<Span>> served;
  for (const auto& e : entries) {
    if (e.method != "GET" || (e.status != 200 && e.status != 206) || e.bytes_sent == 0) continue;
    std::uint64_t start = 0;
    if (e.status == 206 && e.content_range.rfind("bytes ", 0) == 0)
      start = std::stoull(e.content_range.substr(6));
    served[e.server + " " + PathOf(e)].push_back({start, start + e.bytes_sent, e.seq});
  }
  for (auto& [path, spans] : served) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      if (spans[i].start < spans[i - 1].end) {
        out.push_back({"bytes " + std::to_string(spans[i].start) + "-" +
                           std::to_string(spans[i - 1].end - 1) + " of " + path +
                           " were fetched twice",
                       {spans[i - 1].seq, spans[i].seq},
                       "wire.no_range_twice"});
        break;
      }
    }
  }
}

// The next request for the same site, method and path after an answer with a
// numeric Retry-After must not come before it.
void CheckRetryAfter(const Entries& entries, Failures& out) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (e.retry_after.empty() || e.retry_after.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const double due = e.time + e.duration_ms / 1000.0 + std::stod(e.retry_after);
    for (std::size_t j = i + 1; j < entries.size(); ++j) {
      const auto& next = entries[j];
      if (next.server != e.server || PathOf(next) != PathOf(e) || next.method != e.method) continue;
      if (next.time + 0.05 < due) {  // 50 ms of scheduling slack
        out.push_back({"request #" + std::to_string(next.seq) + " came " +
                           std::to_string(due - next.time) + " s before Retry-After: " +
                           e.retry_after + " of #" + std::to_string(e.seq) + " allowed",
                       {e.seq, next.seq},
                       "wire.retry_after_respected"});
      }
      break;
    }
  }
}

void CheckHeadBeforeGet(const Entries& entries, Failures& out) {
  std::set<std::string> headed;
  for (const auto& e : entries) {
    if (e.server != "hub" || PathOf(e).find("/resolve/") == std::string::npos) continue;
    if (e.method == "HEAD") headed.insert(PathOf(e));
    if (e.method == "GET" && !headed.count(PathOf(e))) {
      out.push_back(
          {"GET " + PathOf(e) + " (#" + std::to_string(e.seq) + ") without a HEAD before it",
           {e.seq},
           "wire.head_before_get"});
    }
  }
}

// A connection is busy from its first request's arrival to its last answer's
// end; connection ids are per site, so the key is (site, connection).
void CheckMaxConnections(std::uint64_t max, const Entries& entries, Failures& out) {
  std::map<std::pair<std::string, std::uint64_t>, std::pair<double, double>> spans;
  for (const auto& e : entries) {
    const double end = e.time + e.duration_ms / 1000.0;
    const auto key = std::make_pair(e.server, e.connection);
    auto it = spans.find(key);
    if (it == spans.end())
      spans[key] = {e.time, end};
    else
      it->second = {std::min(it->second.first, e.time), std::max(it->second.second, end)};
  }
  std::vector<std::pair<double, int>> events;
  for (const auto& [k, s] : spans) {
    events.emplace_back(s.first, 1);
    events.emplace_back(s.second, -1);
  }
  std::sort(events.begin(), events.end());
  int open = 0, peak = 0;
  for (const auto& [t, d] : events) peak = std::max(peak, open += d);
  if (static_cast<std::uint64_t>(peak) > max) {
    out.push_back({"up to " + std::to_string(peak) +
                       " connections were busy at once, expected at most " + std::to_string(max),
                   {},
                   "wire.max_connections"});
  }
}

}  // namespace

void CheckWire(const WireExpectation& w, const Entries& entries, const Caps& caps, Failures& out) {
  CheckTokens(w, entries, out);
  CheckXetTokens(w, entries, out);
  CheckCounts(w, entries, caps, out);
  if (caps.resume) CheckRanges(w, entries, out);
  if (w.no_range_twice) CheckNoRangeTwice(entries, out);
  if (w.retry_after_respected) CheckRetryAfter(entries, out);
  if (w.head_before_get && caps.metadata_by_head) CheckHeadBeforeGet(entries, out);
  if (w.max_connections) CheckMaxConnections(*w.max_connections, entries, out);
}

}  // namespace mockhub::runner
