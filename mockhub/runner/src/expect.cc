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

void CheckCache(const Step& step, const CacheExpectation& c, const Observation& seen,
                const Caps& caps, std::vector<CheckFailure>& out) {
  const fs::path root = fs::path(seen.hub_cache) / RepoFolder(step.type, step.repo);
  const Repo* repo = StepRepo(step, *seen.world);
  const std::string rev = step.revision.empty() ? "main" : step.revision;
  const Commit* commit = repo ? repo->Resolve(rev) : nullptr;
  std::error_code ec;
  std::uint64_t blobs = 0;
  std::vector<std::uint64_t> incomplete;  // their sizes
  for (const auto& entry : fs::directory_iterator(root / "blobs", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 11 && name.compare(name.size() - 11, 11, ".incomplete") == 0) {
      std::error_code size_ec;
      const std::uintmax_t size = fs::file_size(entry.path(), size_ec);
      incomplete.push_back(size_ec ? 0 : static_cast<std::uint64_t>(size));
    } else {
      ++blobs;
    }
  }
  if (c.blobs && blobs != *c.blobs) {
    out.push_back({"expected " + std::to_string(*c.blobs) + " blob(s) in " +
                       (root / "blobs").string() + ", found " + std::to_string(blobs),
                   {},
                   "cache.blobs"});
  }
  // A partial kept for the next run describes a resuming client.
  if (caps.resume || c.incomplete == false) CheckIncomplete(c, incomplete, root / "blobs", out);
  for (const auto& [name, want] : c.refs) {
    std::ifstream in(root / "refs" / name, std::ios::binary);
    const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string expected = want;
    if (want == "hub") {
      const Commit* at = repo ? repo->Resolve(name) : nullptr;
      expected = at ? at->sha : "?";
    }
    if (!in && got.empty())
      out.push_back({"refs/" + name + " is missing (expected " + expected + ")", {}, "cache.refs"});
    else if (got != expected)
      out.push_back({"refs/" + name + " holds \"" + got + "\", expected \"" + expected +
                         "\" (no trailing newline)",
                     {},
                     "cache.refs"});
  }
  for (const auto& p : c.snapshot) {
    const fs::path f = root / "snapshots" / (commit ? commit->sha : "?") / p;
    if (!fs::exists(f, ec))
      out.push_back({"missing from the snapshot: " + f.string(), {}, "cache.snapshot"});
    else if (!fs::is_symlink(f, ec))
      out.push_back({f.string() + " is not a symlink into blobs/", {}, "cache.snapshot"});
  }
  for (const auto& p : c.absent) {
    for (const auto& snap : fs::directory_iterator(root / "snapshots", ec)) {
      if (fs::exists(snap.path() / p, ec))
        out.push_back(
            {"should not be in the cache: " + (snap.path() / p).string(), {}, "cache.absent"});
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

void CheckFiles(const Step& step, const Observation& seen, std::vector<CheckFailure>& out) {
  const Repo* repo = seen.world ? StepRepo(step, *seen.world) : nullptr;
  const std::string rev = step.revision.empty() ? "main" : step.revision;
  const Commit* commit = repo ? repo->Resolve(rev) : nullptr;
  for (const auto& f : step.expect->files) {
    std::string want = f.sha256;
    if (f.from_hub) {
      if (!commit || !commit->files.count(f.path)) {
        out.push_back(
            {"the hub has no " + f.path + " at " + rev + " to compare with", {}, "files"});
        continue;
      }
      want = commit->files.at(f.path).content->Sha256();
    }
    bool found = false;
    for (const auto& c : CandidatePaths(f.path, step, seen, commit)) {
      bool ok = false;
      const std::string got = FileSha256(c, ok);
      if (!ok) continue;
      found = true;
      if (got != want)
        out.push_back({c.string() + " has sha256 " + got + ", expected " + want, {}, "files"});
      break;
    }
    if (!found)
      out.push_back({"no file " + f.path + " on disk (looked at the reported paths and the cache)",
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
