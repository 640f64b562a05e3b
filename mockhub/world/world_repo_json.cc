// One repo of a world file: its flags, files, commits and refs. See
// world_json_parts.h.
#include <map>
#include <set>
#include <vector>

#include "mockhub/base/dates.h"
#include "mockhub/base/digest.h"
#include "mockhub/base/text_parse.h"
#include "mockhub/world/names.h"
#include "mockhub/world/world_json_parts.h"

namespace mockhub::world_json {

using nlohmann::json;

namespace {

// "storage" and "compression" of one file, against the repo's defaults.
bool ParseStorage(JsonChecker& ck, const json& spec, const std::string& ptr,
                  const FileDefaults& defaults, RepoFile& out) {
  std::string storage = out.lfs && defaults.xet ? "xet" : (out.lfs ? "lfs" : "");
  if (spec.is_object() && !ck.Get(spec, ptr, "storage", storage)) return false;
  if (spec.is_object() && spec.contains("storage")) {
    if (storage != "xet" && storage != "lfs")
      return ck.Fail(ptr + "/storage", "must be \"xet\" or \"lfs\"");
    if (spec.contains("lfs") && !out.lfs)
      return ck.Fail(ptr + "/storage", "a file with \"lfs\": false is a regular git file");
    out.lfs = true;
  }
  out.xet = storage == "xet";
  out.compression = defaults.compression;
  if (!spec.is_object() || !spec.contains("compression")) return true;
  if (!out.xet) return ck.Fail(ptr + "/compression", "only Xet-backed files have a compression");
  std::string c;
  if (!ck.Get(spec, ptr, "compression", c)) return false;
  auto parsed = ParseXetCompression(c);
  if (!parsed)
    return ck.Fail(ptr + "/compression", "must be \"none\", \"lz4\", \"bg4\" or \"auto\"");
  out.compression = *parsed;
  return true;
}

bool ParseFile(JsonChecker& ck, const json& spec, const std::string& ptr,
               const FileDefaults& defaults, RepoFile& out) {
  if (spec.is_string()) {
    out.content = Content::Inline(spec.get<std::string>());
    return true;
  }
  if (!ck.Keys(spec, ptr, {"text", "base64", "size", "seed", "lfs", "storage", "compression"}))
    return false;
  const int kinds =
      int(spec.contains("text")) + int(spec.contains("base64")) + int(spec.contains("size"));
  if (kinds != 1) {
    return ck.Fail(ptr, "a file needs exactly one of \"text\", \"base64\" or \"size\" (+\"seed\")");
  }
  bool lfs = false;
  if (spec.contains("text")) {
    std::string text;
    if (!ck.Get(spec, ptr, "text", text)) return false;
    out.content = Content::Inline(std::move(text));
  } else if (spec.contains("base64")) {
    std::string b64, bytes;
    if (!ck.Get(spec, ptr, "base64", b64)) return false;
    if (!Base64Decode(b64, bytes)) return ck.Fail(ptr + "/base64", "is not valid base64");
    out.content = Content::Inline(std::move(bytes));
  } else {
    std::uint64_t size = 0, seed = 0;
    if (!spec.at("size").is_number_unsigned()) {
      return ck.Fail(ptr + "/size", "must be a non-negative integer (bytes)");
    }
    if (!ck.Get(spec, ptr, "size", size) || !ck.Get(spec, ptr, "seed", seed)) return false;
    if (size > kMaxFileSize)
      return ck.Fail(ptr + "/size",
                     "at most 2^48 bytes (256 TiB): sizes past that overflow ranges");
    out.content = Content::Synthetic(size, seed);
    lfs = true;  // synthetic files stand for large weights
  }
  if (spec.contains("seed") && !spec.contains("size")) {
    return ck.Fail(ptr + "/seed", "only applies to synthetic files (with \"size\")");
  }
  if (!ck.Get(spec, ptr, "lfs", lfs)) return false;
  out.lfs = lfs;
  return ParseStorage(ck, spec, ptr, defaults, out);
}

bool ParseFiles(JsonChecker& ck, const json& files, const std::string& ptr,
                const FileDefaults& defaults, std::map<std::string, RepoFile>& out) {
  if (!files.is_object()) return ck.Fail(ptr, "expected an object of path -> file");
  for (auto it = files.begin(); it != files.end(); ++it) {
    const std::string fptr = ptr + "/" + PointerToken(it.key());
    if (Status st = names::RepoPath(it.key()); !st.ok())
      return ck.Fail(fptr, "invalid file path: it " + st.message());
    if (it.value().is_null()) {  // deletes an inherited file
      out.erase(it.key());
      continue;
    }
    RepoFile f;
    if (!ParseFile(ck, it.value(), fptr, defaults, f)) return false;
    out[it.key()] = f;
  }
  return true;
}

bool ParseRepoFlags(JsonChecker& ck, const json& spec, const std::string& ptr, Repo& repo) {
  if (!ck.Get(spec, ptr, "private", repo.is_private) || !ck.Get(spec, ptr, "owner", repo.owner) ||
      !ck.Get(spec, ptr, "disabled", repo.disabled) ||
      !ck.Get(spec, ptr, "default_branch", repo.default_branch)) {
    return false;
  }
  if (Status st = names::BranchName(repo.default_branch); !st.ok())
    return ck.Fail(ptr + "/default_branch", "invalid branch name: it " + st.message());
  if (spec.contains("gated")) {
    const json& g = spec.at("gated");
    if (g.is_boolean() && !g.get<bool>())
      repo.gated = Gating::kNone;
    else if (g == "auto")
      repo.gated = Gating::kAuto;
    else if (g == "manual")
      repo.gated = Gating::kManual;
    else
      return ck.Fail(ptr + "/gated", "must be false, \"auto\" or \"manual\"");
  }
  std::vector<std::string> approved;
  if (!ck.Get(spec, ptr, "approved", approved)) return false;
  repo.approved.insert(approved.begin(), approved.end());
  return true;
}

// The commits of a repo being read: labels -> sha, and where errors point.
struct CommitReader {
  JsonChecker& ck;
  const std::string& key;  // the repo's key, for default shas
  const std::string& ptr;
  const json& commits;
  bool shorthand;  // the repo gave "files", not "commits"
  std::int64_t base_date;
  FileDefaults defaults;
  Repo& repo;
  std::map<std::string, std::string> label_to_sha;

  std::string Ptr(const std::string& label) const {
    return ptr + "/commits/" + PointerToken(label);
  }

  // Builds one commit whose parent (if any) is already built.
  bool BuildOne(const std::string& label) {
    const std::string cptr = Ptr(label);
    const json& c = commits.at(label);
    Commit commit;
    std::string parent;
    if (!ck.Get(c, cptr, "parent", parent)) return false;
    if (!parent.empty()) {
      commit.files = repo.commits.at(label_to_sha.at(parent)).files;
      commit.parent = label_to_sha.at(parent);
    }
    commit.sha = Sha256Hex("mockhub commit " + key + "@" + label).substr(0, 40);
    if (!ck.Get(c, cptr, "sha", commit.sha)) return false;
    if (!IsCommitSha(commit.sha))
      return ck.Fail(cptr + "/sha", "must be 40 lower-case hex characters");
    commit.title = "Upload " + label;
    if (!ck.Get(c, cptr, "title", commit.title)) return false;
    commit.date = base_date + static_cast<std::int64_t>(label_to_sha.size()) * 3600;
    if (c.contains("date") && !ParseTimestamp(c.at("date"), commit.date)) {
      return ck.Fail(cptr + "/date", kTimestampRule);
    }
    const std::string files_ptr = shorthand ? ptr + "/files" : cptr + "/files";
    if (c.contains("files") && !ParseFiles(ck, c.at("files"), files_ptr, defaults, commit.files))
      return false;
    if (repo.commits.count(commit.sha)) return ck.Fail(cptr + "/sha", "duplicate commit sha");
    label_to_sha[label] = commit.sha;
    repo.commit_labels[label] = commit.sha;
    repo.commits[commit.sha] = std::move(commit);
    return true;
  }

  // Walks up the parent chain to the first built (or root) commit, then
  // builds downwards: iterative, so depth costs memory, not stack.
  bool Build(const std::string& start) {
    std::vector<std::string> chain;
    std::set<std::string> on_chain;
    for (std::string label = start; !label.empty() && !label_to_sha.count(label);) {
      const std::string cptr = Ptr(label);
      if (!on_chain.insert(label).second) return ck.Fail(cptr, "commit parents form a cycle");
      chain.push_back(label);
      const json& c = commits.at(label);
      if (!ck.Keys(c, cptr, {"sha", "title", "date", "parent", "files"})) return false;
      std::string parent;
      if (!ck.Get(c, cptr, "parent", parent)) return false;
      if (!parent.empty() && !commits.contains(parent))
        return ck.Fail(cptr + "/parent", "no commit labelled \"" + parent + "\"");
      label = parent;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (!BuildOne(*it)) return false;
    }
    return true;
  }
};

bool RefTarget(JsonChecker& ck, const CommitReader& cr, const json& refs, const std::string& rptr,
               const std::string& name, std::string& sha) {
  const json& v = refs.at(name);
  if (!v.is_string()) return ck.Fail(rptr, "must name a commit label or sha");
  const std::string target = v.get<std::string>();
  if (auto it = cr.label_to_sha.find(target); it != cr.label_to_sha.end()) {
    sha = it->second;
    return true;
  }
  if (cr.repo.commits.count(target)) {
    sha = target;
    return true;
  }
  return ck.Fail(rptr, "no commit labelled \"" + target + "\"");
}

bool ParseBranches(JsonChecker& ck, const json& spec, const CommitReader& cr) {
  const std::string& ptr = cr.ptr;
  Repo& repo = cr.repo;
  json branches = spec.value("branches", json::object());
  if (!branches.is_object()) return ck.Fail(ptr + "/branches", "expected an object");
  if (!branches.contains(repo.default_branch)) {
    if (cr.commits.size() > 1) {
      return ck.Fail(ptr + "/branches",
                     "the default branch \"" + repo.default_branch + "\" is missing");
    }
    branches[repo.default_branch] = (--cr.commits.end()).key();
  }
  for (auto it = branches.begin(); it != branches.end(); ++it) {
    const std::string bptr = ptr + "/branches/" + PointerToken(it.key());
    if (Status st = names::BranchName(it.key()); !st.ok())
      return ck.Fail(bptr, "invalid branch name: it " + st.message());
    if (!RefTarget(ck, cr, branches, bptr, it.key(), repo.branches[it.key()])) return false;
  }
  return true;
}

bool ParseTagsAndPrs(JsonChecker& ck, const json& spec, const CommitReader& cr) {
  const std::string& ptr = cr.ptr;
  Repo& repo = cr.repo;
  const json tags = spec.value("tags", json::object());
  if (!tags.is_object()) return ck.Fail(ptr + "/tags", "expected an object");
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    const std::string tptr = ptr + "/tags/" + PointerToken(it.key());
    if (Status st = names::BranchName(it.key()); !st.ok())
      return ck.Fail(tptr, "invalid tag name: it " + st.message());
    if (!RefTarget(ck, cr, tags, tptr, it.key(), repo.tags[it.key()])) return false;
  }
  const json prs = spec.value("prs", json::object());
  if (!prs.is_object()) return ck.Fail(ptr + "/prs", "expected an object of number -> commit");
  for (auto it = prs.begin(); it != prs.end(); ++it) {
    const std::string pptr = ptr + "/prs/" + PointerToken(it.key());
    const auto number = ParseDigits(it.key(), 6);
    if (!number)
      return ck.Fail(pptr, "a pull request is named by its number, e.g. \"1\" for refs/pr/1");
    if (!RefTarget(ck, cr, prs, pptr, it.key(), repo.pull_requests[static_cast<int>(*number)]))
      return false;
  }
  return true;
}

}  // namespace

bool ParseTimestamp(const json& v, std::int64_t& out) {
  std::int64_t t = 0;
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxTimestamp)) return false;
    t = v.get<std::int64_t>();
  } else if (v.is_number_integer()) {
    t = v.get<std::int64_t>();
  } else if (v.is_string()) {
    auto parsed = ParseIso8601(v.get<std::string>());
    if (!parsed) return false;
    t = *parsed;
  } else {
    return false;
  }
  if (t < 0 || t > kMaxTimestamp) return false;
  out = t;
  return true;
}

// "datasets/x/y" -> (dataset, "x/y"); "x/y" -> (model, "x/y").
std::pair<RepoType, std::string> SplitRepoKey(const std::string& key) {
  for (RepoType t : {RepoType::kDataset, RepoType::kSpace}) {
    const std::string prefix = RepoTypeUrlPrefix(t);
    if (key.rfind(prefix, 0) == 0) return {t, key.substr(prefix.size())};
  }
  return {RepoType::kModel, key};
}

bool ParseRepo(JsonChecker& ck, const std::string& key, const json& spec, const std::string& ptr,
               std::int64_t base_date, FileDefaults defaults, Repo& repo) {
  if (!ck.Keys(spec, ptr,
               {"private", "owner", "gated", "approved", "disabled", "default_branch", "files",
                "commits", "branches", "tags", "prs", "storage"})) {
    return false;
  }
  if (spec.contains("storage")) {
    std::string storage;
    if (!ck.Get(spec, ptr, "storage", storage)) return false;
    if (storage != "xet" && storage != "lfs")
      return ck.Fail(ptr + "/storage", "must be \"xet\" or \"lfs\" (for its LFS files)");
    defaults.xet = storage == "xet";
  }
  auto [type, id] = SplitRepoKey(key);
  if (Status st = names::RepoId(id); !st.ok())
    return ck.Fail(ptr, "invalid repo id: it " + st.message());
  repo.type = type;
  repo.id = id;
  repo.owner = id.find('/') == std::string::npos ? id : id.substr(0, id.find('/'));
  repo.created_at = base_date;
  if (!ParseRepoFlags(ck, spec, ptr, repo)) return false;
  json commits = spec.value("commits", json::object());
  if (!commits.is_object())
    return ck.Fail(ptr + "/commits", "expected an object of label -> commit");
  const bool shorthand = spec.contains("files");
  if (shorthand) {
    if (spec.contains("commits")) {
      return ck.Fail(ptr + "/files", "use either \"files\" (one commit) or \"commits\", not both");
    }
    commits = json{{"initial", json{{"files", spec.at("files")}}}};
  }
  if (commits.empty()) return ck.Fail(ptr, "a repo needs \"files\" or \"commits\"");
  CommitReader cr{ck, key, ptr, commits, shorthand, base_date, defaults, repo, {}};
  for (auto it = commits.begin(); it != commits.end(); ++it) {
    if (!cr.Build(it.key())) return false;
  }
  return ParseBranches(ck, spec, cr) && ParseTagsAndPrs(ck, spec, cr);
}

}  // namespace mockhub::world_json
