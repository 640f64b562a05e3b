// Lookups over the World value.
#include "mockhub/world/world.h"

#include "mockhub/base/text_parse.h"

#include <cstdlib>

namespace mockhub {

const char* RepoTypeName(RepoType t) {
  switch (t) {
    case RepoType::kModel:
      return "model";
    case RepoType::kDataset:
      return "dataset";
    case RepoType::kSpace:
      return "space";
  }
  return "model";
}

const char* RepoTypeUrlPrefix(RepoType t) {
  switch (t) {
    case RepoType::kModel:
      return "";
    case RepoType::kDataset:
      return "datasets/";
    case RepoType::kSpace:
      return "spaces/";
  }
  return "";
}

const char* RepoTypePlural(RepoType t) {
  switch (t) {
    case RepoType::kModel:
      return "models";
    case RepoType::kDataset:
      return "datasets";
    case RepoType::kSpace:
      return "spaces";
  }
  return "models";
}

std::optional<RepoType> ParseRepoType(const std::string& s) {
  if (s == "model") return RepoType::kModel;
  if (s == "dataset") return RepoType::kDataset;
  if (s == "space") return RepoType::kSpace;
  return std::nullopt;
}

std::optional<RepoType> ParseRepoTypePlural(const std::string& s) {
  if (s == "models") return RepoType::kModel;
  if (s == "datasets") return RepoType::kDataset;
  if (s == "spaces") return RepoType::kSpace;
  return std::nullopt;
}

const char* CdnFlavourName(CdnFlavour f) { return f == CdnFlavour::kS3 ? "s3" : "cloudfront"; }

const char* XetCompressionName(XetCompression c) {
  switch (c) {
    case XetCompression::kNone:
      return "none";
    case XetCompression::kLz4:
      return "lz4";
    case XetCompression::kBg4:
      return "bg4";
    case XetCompression::kAuto:
      return "auto";
  }
  return "auto";
}

std::optional<XetCompression> ParseXetCompression(const std::string& s) {
  for (XetCompression c :
       {XetCompression::kNone, XetCompression::kLz4, XetCompression::kBg4, XetCompression::kAuto}) {
    if (s == XetCompressionName(c)) return c;
  }
  return std::nullopt;
}

std::optional<CdnFlavour> ParseCdnFlavour(const std::string& s) {
  if (s == "cloudfront") return CdnFlavour::kCloudFront;
  if (s == "s3") return CdnFlavour::kS3;
  return std::nullopt;
}

bool IsCommitSha(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

const Commit* Repo::Resolve(const std::string& revision) const {
  auto commit = [this](const std::string& sha) -> const Commit* {
    auto it = commits.find(sha);
    return it == commits.end() ? nullptr : &it->second;
  };
  const std::string& name = revision == "HEAD" ? default_branch : revision;
  if (auto it = branches.find(name); it != branches.end()) return commit(it->second);
  if (auto it = tags.find(name); it != tags.end()) return commit(it->second);
  constexpr const char* kPr = "refs/pr/";
  if (name.rfind(kPr, 0) == 0) {
    // At most 9 digits: every number fits an int (refs/pr/4294967297 is no PR 1).
    const auto num = ParseDigits(std::string_view(name).substr(8), 9);
    if (!num) return nullptr;
    auto it = pull_requests.find(static_cast<int>(*num));
    return it == pull_requests.end() ? nullptr : commit(it->second);
  }
  if (IsCommitSha(name)) return commit(name);
  return nullptr;
}

const Repo* World::FindRepo(RepoType type, const std::string& id) const {
  auto it = repos.find({type, id});
  return it == repos.end() ? nullptr : &it->second;
}

Repo* World::FindRepo(RepoType type, const std::string& id) {
  auto it = repos.find({type, id});
  return it == repos.end() ? nullptr : &it->second;
}

const std::string* World::RenamedTo(RepoType type, const std::string& id) const {
  auto it = renames.find({type, id});
  return it == renames.end() ? nullptr : &it->second;
}

const Repo* World::FindRepoFollowingRenames(RepoType type, const std::string& id) const {
  if (const Repo* r = FindRepo(type, id)) return r;
  const std::string* to = RenamedTo(type, id);
  return to ? FindRepo(type, *to) : nullptr;
}

const Token* World::FindToken(const std::string& value) const {
  auto it = tokens.find(value);
  return it == tokens.end() ? nullptr : &it->second;
}

const User* World::FindUser(const std::string& name) const {
  auto it = users.find(name);
  return it == users.end() ? nullptr : &it->second;
}

}  // namespace mockhub
