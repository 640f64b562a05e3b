// See expect.h. The wire checks read only the journal: they hold whatever
// client ran. Files are read only beneath the scenario's folder or its hub
// cache (beneath.h), only regular ones, capped by what is expected there, and
// under the step's deadline; bytes read are never shown unless they are the
// sha that was expected there.
#include "expect.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "beneath.h"
#include "cache_seed.h"
#include "mockhub/faults/faults.h"
#include "mockhub/world/names.h"

namespace mockhub::runner {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ReportedOutcome(const json& o) {
  if (!o.is_object() || !o.contains("ok")) return "";
  if (o["ok"] == true) return "ok";
  const json e = o.contains("error") ? o["error"] : json();
  if (e.is_string()) return e.get<std::string>();
  if (e.is_object() && e.contains("kind") && e["kind"].is_string())
    return e["kind"].get<std::string>();
  return "error";
}

namespace {

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

// "incomplete": false, true or N against the sizes of the *.incomplete
// files found in `blobs`.
void CheckIncomplete(const CacheExpectation& c, const std::vector<std::uint64_t>& sizes,
                     const fs::path& blobs, std::vector<CheckFailure>& out) {
  if (!c.incomplete) return;
  if (!*c.incomplete) {
    if (!sizes.empty())
      out.push_back(
          {std::to_string(sizes.size()) + " *.incomplete file(s) left in " + blobs.string(),
           {},
           "cache.incomplete"});
    return;
  }
  if (sizes.empty()) {
    out.push_back(
        {"expected a partial download kept as *.incomplete in " + blobs.string() + ", found none",
         {},
         "cache.incomplete"});
    return;
  }
  if (!c.incomplete_bytes ||
      std::find(sizes.begin(), sizes.end(), *c.incomplete_bytes) != sizes.end()) {
    return;
  }
  std::string seen;
  for (std::uint64_t s : sizes) seen += (seen.empty() ? "" : ", ") + std::to_string(s);
  out.push_back({"expected a *.incomplete file of " + std::to_string(*c.incomplete_bytes) +
                     " bytes in " + blobs.string() + ", found: " + seen + " bytes",
                 {},
                 "cache.incomplete"});
}

// The cache's refs/<name>: at most 64 bytes are read (a ref holds a 40-hex
// sha), and only a sha is ever shown: anything else read from disk could be
// a secret the file was made to point at.
void CheckRef(const std::string& cache, const std::string& folder, const std::string& name,
              const std::string& expected, std::vector<CheckFailure>& out) {
  constexpr std::size_t kMaxRefBytes = 64;
  const std::string shown = "refs/" + name;
  if (Status st = names::RefName(name); !st.ok()) {
    out.push_back({"a ref name that " + st.message() + " is not read", {}, "cache.refs"});
    return;
  }
  auto file = OpenRegularBeneath(cache, folder + "/refs/" + name);
  if (!file.ok()) {
    const bool missing = file.status().code() == StatusCode::kNotFound;
    out.push_back({shown + (missing ? " is missing" : " is not a regular file inside the cache") +
                       " (expected " + expected + ")",
                   {},
                   "cache.refs"});
    return;
  }
  bool more = false;
  auto got = ReadCapped(*file, kMaxRefBytes, more);
  if (!got.ok() || more) {
    out.push_back({shown + (more ? " holds more than 64 bytes" : " cannot be read") +
                       " (expected " + expected + "; not shown)",
                   {},
                   "cache.refs"});
    return;
  }
  if (*got == expected) return;
  const std::string what = names::IsFullSha(*got) ? "holds \"" + *got + "\""
                                                  : "holds " + std::to_string(got->size()) +
                                                        " bytes that are no commit sha (not shown)";
  out.push_back({shown + " " + what + ", expected \"" + expected + "\" (no trailing newline)",
                 {},
                 "cache.refs"});
}

// Every path below is read beneath the hub cache (beneath.h): a symlink the
// client left that leads out of it counts as a failure, never as a file.
void CheckCache(const Step& step, const CacheExpectation& c, const Observation& seen,
                const Caps& caps, std::vector<CheckFailure>& out) {
  const std::string& cache = seen.hub_cache;
  const std::string folder = RepoFolder(step.type, step.repo);
  const std::string shown = cache + "/" + folder;
  const Repo* repo = StepRepo(step, *seen.world);
  const std::string rev = step.revision.empty() ? "main" : step.revision;
  const Commit* commit = repo ? repo->Resolve(rev) : nullptr;
  std::uint64_t blobs = 0;
  std::vector<std::uint64_t> incomplete;  // their sizes
  for (const DirEntry& entry : ListBeneath(cache, folder + "/blobs")) {
    const std::string& name = entry.name;
    if (name.size() > 11 && name.compare(name.size() - 11, 11, ".incomplete") == 0) {
      incomplete.push_back(entry.size);
    } else {
      ++blobs;
    }
  }
  if (c.blobs && blobs != *c.blobs) {
    out.push_back({"expected " + std::to_string(*c.blobs) + " blob(s) in " + shown +
                       "/blobs, found " + std::to_string(blobs),
                   {},
                   "cache.blobs"});
  }
  // A partial kept for the next run describes a resuming client.
  if (caps.resume || c.incomplete == false)
    CheckIncomplete(c, incomplete, fs::path(shown) / "blobs", out);
  for (const auto& [name, want] : c.refs) {
    std::string expected = want;
    if (want == "hub") {
      const Commit* at = repo ? repo->Resolve(name) : nullptr;
      expected = at ? at->sha : "?";
    }
    CheckRef(cache, folder, name, expected, out);
  }
  const std::string snapshot = folder + "/snapshots/" + (commit ? commit->sha : "?");
  for (const auto& p : c.snapshot) {
    if (Status st = names::RepoPath(p); !st.ok()) {
      out.push_back(
          {"a snapshot path that " + st.message() + " is not looked at", {}, "cache.snapshot"});
      continue;
    }
    const std::string f = shown + "/snapshots/" + (commit ? commit->sha : "?") + "/" + p;
    const EntryKind target = TargetBeneath(cache, snapshot + "/" + p);
    if (target == EntryKind::kOutside)
      out.push_back({f + " leads outside the cache", {}, "cache.snapshot"});
    else if (target == EntryKind::kMissing)
      out.push_back({"missing from the snapshot: " + f, {}, "cache.snapshot"});
    else if (EntryBeneath(cache, snapshot + "/" + p) != EntryKind::kSymlink)
      out.push_back({f + " is not a symlink into blobs/", {}, "cache.snapshot"});
  }
  for (const auto& p : c.absent) {
    if (Status st = names::RepoPath(p); !st.ok()) {
      out.push_back(
          {"an absent path that " + st.message() + " is not looked at", {}, "cache.absent"});
      continue;
    }
    for (const DirEntry& snap : ListBeneath(cache, folder + "/snapshots")) {
      const std::string rel = folder + "/snapshots/" + snap.name + "/" + p;
      const EntryKind there = TargetBeneath(cache, rel);
      if (there == EntryKind::kMissing) continue;
      out.push_back(
          {"should not be in the cache: " + cache + "/" + rel +
               (there == EntryKind::kOutside ? " (a link leading outside the cache)" : ""),
           {},
           "cache.absent"});
    }
  }
}

// Where the client may have put a file: the paths it reported, its snapshot
// folder, and the cache's snapshot of the step's commit.
std::vector<fs::path> CandidatePaths(const std::string& path, const Step& step,
                                     const Observation& seen, const Commit* commit) {
  std::vector<fs::path> candidates;
  const json& o = seen.outcome;
  for (const char* key : {"paths", "files"}) {
    if (!o.is_object() || !o.contains(key) || !o[key].is_array()) continue;
    for (const auto& p : o[key]) {
      const std::string s = p.is_string() ? p.get<std::string>()
                            : (p.is_object() && p.contains("local") && p["local"].is_string())
                                ? p["local"].get<std::string>()
                                : std::string();
      if (s == path || (s.size() > path.size() && s.compare(s.size() - path.size() - 1,
                                                            std::string::npos, "/" + path) == 0)) {
        candidates.emplace_back(s);
      }
    }
  }
  if (o.is_object() && o.contains("snapshot") && o["snapshot"].is_string())
    candidates.push_back(fs::path(o["snapshot"].get<std::string>()) / path);
  if (commit)
    candidates.push_back(fs::path(seen.hub_cache) / RepoFolder(step.type, step.repo) / "snapshots" /
                         commit->sha / path);
  return candidates;
}

// The scenario's temporary folder: given, or the one holding home/hf/hub.
std::string ScenarioDir(const Observation& seen) {
  if (!seen.scenario_dir.empty()) return seen.scenario_dir;
  const fs::path cache = fs::path(seen.hub_cache).lexically_normal();
  const std::string tail = "/home/hf/hub";
  const std::string s = cache.generic_string();
  if (s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0)
    return s.substr(0, s.size() - tail.size());
  return seen.hub_cache;
}

// One candidate: "" when it matches, else why not; `found` when it is a
// file of the scenario's folder (then its verdict counts).
std::string CheckCandidate(const std::string& root, const fs::path& c, const std::string& want,
                           std::optional<std::uint64_t> want_size,
                           std::chrono::steady_clock::time_point deadline, bool& found,
                           std::string& skipped) {
  found = false;
  const auto rel = RelativeBeneath(root, c.string());
  if (!rel) {
    skipped += "; " + c.string() + " is outside the scenario's folder (not read)";
    return "";
  }
  auto file = OpenRegularBeneath(root, *rel);
  if (!file.ok()) {
    if (file.status().code() != StatusCode::kNotFound)
      skipped += "; " + c.string() + ": " + file.status().message() + " (not read)";
    return "";
  }
  found = true;
  if (want_size && file->size != *want_size) {
    return c.string() + " has " + std::to_string(file->size) + " bytes, the hub's file " +
           std::to_string(*want_size);
  }
  bool more = false;
  constexpr std::uint64_t kNoCap = std::uint64_t{1} << 62;
  auto got = Sha256Capped(*file, want_size.value_or(kNoCap), deadline, more);
  if (!got.ok()) return "checking " + c.string() + ": " + got.status().message();
  if (more)
    return c.string() + " is larger than the hub's " + std::to_string(*want_size) + " bytes";
  if (*got != want) return c.string() + " has sha256 " + *got + ", expected " + want;
  return "";
}

void CheckFiles(const Step& step, const Observation& seen, std::vector<CheckFailure>& out) {
  const Repo* repo = seen.world ? StepRepo(step, *seen.world) : nullptr;
  const std::string rev = step.revision.empty() ? "main" : step.revision;
  const Commit* commit = repo ? repo->Resolve(rev) : nullptr;
  const std::string root = ScenarioDir(seen);
  for (const auto& f : step.expect->files) {
    if (Status st = names::RepoPath(f.path); !st.ok()) {
      out.push_back(
          {"an expected file path that " + st.message() + " is not looked at", {}, "files"});
      continue;
    }
    std::string want = f.sha256;
    std::optional<std::uint64_t> want_size;
    if (f.from_hub) {
      if (!commit || !commit->files.count(f.path)) {
        out.push_back(
            {"the hub has no " + f.path + " at " + rev + " to compare with", {}, "files"});
        continue;
      }
      want = commit->files.at(f.path).content->Sha256();
      want_size = commit->files.at(f.path).content->size();
    }
    bool found = false;
    std::string skipped;
    for (const auto& c : CandidatePaths(f.path, step, seen, commit)) {
      const std::string why =
          CheckCandidate(root, c, want, want_size, seen.deadline, found, skipped);
      if (!found) continue;
      if (!why.empty()) out.push_back({why, {}, "files"});
      break;
    }
    if (!found)
      out.push_back(
          {"no file " + f.path + " on disk (looked at the reported paths and the cache)" + skipped,
           {},
           "files"});
  }
}

}  // namespace

std::vector<CheckFailure> CheckStep(const Step& step, const Observation& seen, const Caps& caps) {
  std::vector<CheckFailure> out;
  if (!step.expect) return out;
  const Expectation& x = *step.expect;
  const std::string kind = ReportedOutcome(seen.outcome);
  if (x.outcome) {
    if (kind.empty()) {
      out.push_back({"expected outcome " + *x.outcome + ", but the client gave no JSON outcome (" +
                         seen.outcome_error + ")",
                     {},
                     "outcome"});
    } else if (kind != *x.outcome) {
      std::string msg = Messages(seen.outcome);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      out.push_back(
          {"expected outcome " + *x.outcome + ", got " + kind + (msg.empty() ? "" : ": " + msg),
           {},
           "outcome"});
    }
  }
  if (caps.messages && !x.message.empty()) {
    const std::string text = Messages(seen.outcome);
    for (const auto& fragment : x.message) {
      if (text.find(fragment) == std::string::npos) {
        out.push_back(
            {"the message lacks \"" + fragment + "\"; it was: " + (text.empty() ? "(none)" : text),
             {},
             "message"});
      }
    }
  }
  CheckFiles(step, seen, out);
  if (x.cache && caps.cache_layout) CheckCache(step, *x.cache, seen, caps, out);
  if (x.wire) CheckWire(*x.wire, seen.entries, caps, out);
  return out;
}

}  // namespace mockhub::runner
