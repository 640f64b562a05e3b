// See expect.h. The wire checks read only the journal: they hold whatever
// client ran.
#include "expect.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cache_seed.h"
#include "mockhub/digest.h"
#include "mockhub/faults.h"

namespace mockhub::runner {

namespace fs = std::filesystem;
using nlohmann::json;

std::string OutcomeKind(const json& o) {
  if (!o.is_object() || !o.contains("ok")) return "";
  if (o["ok"] == true) return "ok";
  const json e = o.contains("error") ? o["error"] : json();
  if (e.is_string()) return e.get<std::string>();
  if (e.is_object() && e.contains("kind") && e["kind"].is_string())
    return e["kind"].get<std::string>();
  return "error";
}

namespace {

std::string FileSha256(const fs::path& p, bool& ok) {
  std::ifstream in(p, std::ios::binary);
  ok = static_cast<bool>(in);
  if (!ok) return "";
  Digest d(DigestKind::kSha256);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    d.Update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  return d.HexFinal();
}

std::string Messages(const json& o) {
  std::string text;
  if (!o.is_object()) return text;
  auto add = [&](const json& v) {
    if (v.is_string()) text += v.get<std::string>() + "\n";
    if (v.is_array()) {
      for (const auto& x : v) {
        if (x.is_string()) text += x.get<std::string>() + "\n";
      }
    }
  };
  for (const char* key : {"message", "warnings", "warning"}) {
    if (o.contains(key)) add(o[key]);
  }
  if (o.contains("error") && o["error"].is_object() && o["error"].contains("message"))
    add(o["error"]["message"]);
  return text;
}

const Repo* StepRepo(const Step& s, const World& w) {
  return w.FindRepoFollowingRenames(s.type, s.repo);
}

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

void CheckWire(const WireExpectation& w, const std::vector<JournalEntry>& entries,
               std::vector<std::string>& out) {
  if (w.token_to_cdn) {
    std::uint64_t leaks = 0;
    for (const auto& e : entries)
      leaks += e.server == "cdn" && (!e.authorization.empty() || e.HasFlag("token_leak"));
    if (*w.token_to_cdn && leaks == 0) out.push_back("expected a token to reach the CDN, none did");
    if (!*w.token_to_cdn && leaks > 0) {
      out.push_back("a token reached the CDN in " + std::to_string(leaks) +
                    " request(s) (token_leak)");
    }
  }
  if (w.token_to_hub) {
    const bool sent = std::any_of(entries.begin(), entries.end(), [](const JournalEntry& e) {
      return e.server == "hub" && !e.authorization.empty();
    });
    if (sent != *w.token_to_hub) {
      out.push_back(std::string("expected ") + (*w.token_to_hub ? "a token" : "no token") +
                    " sent to the hub, " + (sent ? "one was" : "none was"));
    }
  }
  for (const auto& c : w.requests) {
    const auto n = static_cast<std::uint64_t>(std::count_if(
        entries.begin(), entries.end(), [&](const JournalEntry& e) { return Matches(c, e); }));
    if ((c.exactly && n != *c.exactly) || (c.at_least && n < *c.at_least) ||
        (c.at_most && n > *c.at_most)) {
      std::string want = c.exactly                 ? "exactly " + std::to_string(*c.exactly)
                         : c.at_least && c.at_most ? "between " + std::to_string(*c.at_least) +
                                                         " and " + std::to_string(*c.at_most)
                         : c.at_least ? "at least " + std::to_string(*c.at_least)
                                      : "at most " + std::to_string(*c.at_most);
      out.push_back(c.pointer + ": expected " + want + " request(s) " + Describe(c) + ", saw " +
                    std::to_string(n));
    }
  }
  for (const auto& range : w.ranges) {
    if (std::none_of(entries.begin(), entries.end(),
                     [&](const JournalEntry& e) { return e.range == range; })) {
      out.push_back("expected a request with \"Range: " + range + "\", none had it");
    }
  }
  if (w.no_range_twice) {
    // Bytes actually sent per object: no byte may be sent twice.
    std::map<std::string, std::vector<std::pair<std::uint64_t, std::uint64_t>>> served;
    for (const auto& e : entries) {
      if (e.method != "GET" || (e.status != 200 && e.status != 206) || e.bytes_sent == 0) continue;
      std::uint64_t start = 0;
      if (e.status == 206 && e.content_range.rfind("bytes ", 0) == 0)
        start = std::stoull(e.content_range.substr(6));
      served[e.server + " " + PathOf(e)].emplace_back(start, start + e.bytes_sent);
    }
    for (auto& [path, spans] : served) {
      std::sort(spans.begin(), spans.end());
      for (std::size_t i = 1; i < spans.size(); ++i) {
        if (spans[i].first < spans[i - 1].second) {
          out.push_back("bytes " + std::to_string(spans[i].first) + "-" +
                        std::to_string(spans[i - 1].second - 1) + " of " + path +
                        " were fetched twice");
          break;
        }
      }
    }
  }
  if (w.retry_after_respected) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& e = entries[i];
      if (e.retry_after.empty() ||
          e.retry_after.find_first_not_of("0123456789") != std::string::npos)
        continue;
      const double due = e.time + e.duration_ms / 1000.0 + std::stod(e.retry_after);
      for (std::size_t j = i + 1; j < entries.size(); ++j) {
        if (entries[j].server == e.server && PathOf(entries[j]) == PathOf(e) &&
            entries[j].method == e.method) {
          if (entries[j].time + 0.05 < due) {  // 50 ms of scheduling slack
            out.push_back("request #" + std::to_string(entries[j].seq) + " came " +
                          std::to_string(due - entries[j].time) + " s before Retry-After: " +
                          e.retry_after + " of #" + std::to_string(e.seq) + " allowed");
          }
          break;
        }
      }
    }
  }
  if (w.head_before_get) {
    std::set<std::string> headed;
    for (const auto& e : entries) {
      if (e.server != "hub" || PathOf(e).find("/resolve/") == std::string::npos) continue;
      if (e.method == "HEAD") headed.insert(PathOf(e));
      if (e.method == "GET" && !headed.count(PathOf(e))) {
        out.push_back("GET " + PathOf(e) + " (#" + std::to_string(e.seq) +
                      ") without a HEAD before it");
      }
    }
  }
  if (w.max_connections) {
    std::map<std::uint64_t, std::pair<double, double>>
        spans;  // connection -> [first start, last end]
    for (const auto& e : entries) {
      const double end = e.time + e.duration_ms / 1000.0;
      const std::uint64_t key = e.connection * 2 + (e.server == "cdn");
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
    if (static_cast<std::uint64_t>(peak) > *w.max_connections) {
      out.push_back("up to " + std::to_string(peak) +
                    " connections were busy at once, expected at most " +
                    std::to_string(*w.max_connections));
    }
  }
}

void CheckCache(const Step& step, const CacheExpectation& c, const Observation& seen,
                std::vector<std::string>& out) {
  const fs::path root = fs::path(seen.hub_cache) / RepoFolder(step.type, step.repo);
  const Repo* repo = StepRepo(step, *seen.world);
  const std::string rev = step.revision.empty() ? "main" : step.revision;
  const Commit* commit = repo ? repo->Resolve(rev) : nullptr;
  std::error_code ec;
  std::uint64_t blobs = 0, incomplete = 0;
  for (const auto& entry : fs::directory_iterator(root / "blobs", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 11 && name.compare(name.size() - 11, 11, ".incomplete") == 0)
      ++incomplete;
    else
      ++blobs;
  }
  if (c.blobs && blobs != *c.blobs) {
    out.push_back("expected " + std::to_string(*c.blobs) + " blob(s) in " +
                  (root / "blobs").string() + ", found " + std::to_string(blobs));
  }
  if (c.no_incomplete && incomplete > 0) {
    out.push_back(std::to_string(incomplete) + " *.incomplete file(s) left in " +
                  (root / "blobs").string());
  }
  for (const auto& [name, want] : c.refs) {
    std::ifstream in(root / "refs" / name, std::ios::binary);
    const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string expected = want;
    if (want == "hub") {
      const Commit* at = repo ? repo->Resolve(name) : nullptr;
      expected = at ? at->sha : "?";
    }
    if (!in && got.empty())
      out.push_back("refs/" + name + " is missing (expected " + expected + ")");
    else if (got != expected)
      out.push_back("refs/" + name + " holds \"" + got + "\", expected \"" + expected +
                    "\" (no trailing newline)");
  }
  for (const auto& p : c.snapshot) {
    const fs::path f = root / "snapshots" / (commit ? commit->sha : "?") / p;
    if (!fs::exists(f, ec))
      out.push_back("missing from the snapshot: " + f.string());
    else if (!fs::is_symlink(f, ec))
      out.push_back(f.string() + " is not a symlink into blobs/");
  }
  for (const auto& p : c.absent) {
    for (const auto& snap : fs::directory_iterator(root / "snapshots", ec)) {
      if (fs::exists(snap.path() / p, ec))
        out.push_back("should not be in the cache: " + (snap.path() / p).string());
    }
  }
}

}  // namespace

std::vector<std::string> CheckStep(const Step& step, const Observation& seen, const Caps& caps) {
  std::vector<std::string> out;
  if (!step.expect) return out;
  const Expectation& x = *step.expect;
  const std::string kind = OutcomeKind(seen.outcome);
  if (x.outcome) {
    if (kind.empty()) {
      out.push_back("expected outcome " + *x.outcome + ", but the client gave no JSON outcome (" +
                    seen.outcome_error + ")");
    } else if (kind != *x.outcome) {
      std::string msg = Messages(seen.outcome);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      out.push_back("expected outcome " + *x.outcome + ", got " + kind +
                    (msg.empty() ? "" : ": " + msg));
    }
  }
  if (caps.messages && !x.message.empty()) {
    const std::string text = Messages(seen.outcome);
    for (const auto& fragment : x.message) {
      if (text.find(fragment) == std::string::npos) {
        out.push_back("the message lacks \"" + fragment +
                      "\"; it was: " + (text.empty() ? "(none)" : text));
      }
    }
  }
  const Repo* repo = seen.world ? StepRepo(step, *seen.world) : nullptr;
  const std::string rev = step.revision.empty() ? "main" : step.revision;
  const Commit* commit = repo ? repo->Resolve(rev) : nullptr;
  for (const auto& f : x.files) {
    std::string want = f.sha256;
    if (f.from_hub) {
      if (!commit || !commit->files.count(f.path)) {
        out.push_back("the hub has no " + f.path + " at " + rev + " to compare with");
        continue;
      }
      want = commit->files.at(f.path).content->Sha256();
    }
    std::vector<fs::path> candidates;
    for (const char* key : {"paths", "files"}) {
      if (!seen.outcome.is_object() || !seen.outcome.contains(key)) continue;
      const json& v = seen.outcome[key];
      if (!v.is_array()) continue;
      for (const auto& p : v) {
        const std::string s = p.is_string() ? p.get<std::string>()
                              : (p.is_object() && p.contains("local") && p["local"].is_string())
                                  ? p["local"].get<std::string>()
                                  : std::string();
        if (s == f.path ||
            (s.size() > f.path.size() &&
             s.compare(s.size() - f.path.size() - 1, std::string::npos, "/" + f.path) == 0)) {
          candidates.emplace_back(s);
        }
      }
    }
    if (seen.outcome.is_object() && seen.outcome.contains("snapshot") &&
        seen.outcome["snapshot"].is_string()) {
      candidates.push_back(fs::path(seen.outcome["snapshot"].get<std::string>()) / f.path);
    }
    if (commit)
      candidates.push_back(fs::path(seen.hub_cache) / RepoFolder(step.type, step.repo) /
                           "snapshots" / commit->sha / f.path);
    bool found = false;
    for (const auto& c : candidates) {
      bool ok = false;
      const std::string got = FileSha256(c, ok);
      if (!ok) continue;
      found = true;
      if (got != want) out.push_back(c.string() + " has sha256 " + got + ", expected " + want);
      break;
    }
    if (!found)
      out.push_back("no file " + f.path + " on disk (looked at the reported paths and the cache)");
  }
  if (x.cache && caps.cache_layout) CheckCache(step, *x.cache, seen, out);
  if (x.wire) CheckWire(*x.wire, seen.entries, out);
  return out;
}

}  // namespace mockhub::runner
