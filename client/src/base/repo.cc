// Repo ids and types, and path validation for names that reach the disk.
#include "hubget/repo.h"

#include <algorithm>
#include <cctype>

namespace hubget {

const char* RepoTypeName(RepoType type) {
  switch (type) {
    case RepoType::kModel:
      return "model";
    case RepoType::kDataset:
      return "dataset";
    case RepoType::kSpace:
      return "space";
  }
  return "model";
}

std::optional<RepoType> ParseRepoType(const std::string& name) {
  if (name == "model" || name == "models") return RepoType::kModel;
  if (name == "dataset" || name == "datasets") return RepoType::kDataset;
  if (name == "space" || name == "spaces") return RepoType::kSpace;
  return std::nullopt;
}

std::string RepoUrlPrefix(RepoType type) {
  switch (type) {
    case RepoType::kModel:
      return "";
    case RepoType::kDataset:
      return "datasets/";
    case RepoType::kSpace:
      return "spaces/";
  }
  return "";
}

std::string RepoFolderName(const RepoId& repo) {
  std::string name = std::string(RepoTypeName(repo.type)) + "s";
  std::string id = repo.id;
  std::size_t pos = 0;
  while ((pos = id.find('/', pos)) != std::string::npos) {
    id.replace(pos, 1, "--");
    pos += 2;
  }
  return name + "--" + id;
}

Status ValidateRepoId(const std::string& id) {
  if (id.empty()) return MakeError(Kind::kInvalidArgument, "the repo id is empty");
  if (std::count(id.begin(), id.end(), '/') > 1 || id.front() == '/' || id.back() == '/') {
    return MakeError(Kind::kInvalidArgument,
                     "repo id '" + id + "' must look like 'name' or 'namespace/name'");
  }
  if (id.find("..") != std::string::npos || id.find("--") != std::string::npos) {
    return MakeError(Kind::kInvalidArgument, "repo id '" + id + "' contains '..' or '--'");
  }
  for (const char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) == 0 && c != '-' && c != '_' && c != '.' && c != '/') {
      return MakeError(Kind::kInvalidArgument,
                       "repo id '" + id + "' may only contain letters, digits, '-', '_', '.'");
    }
  }
  return OkStatus();
}

Status ValidateRepoPath(const std::string& path) {
  auto bad = [&](const std::string& why) {
    return MakeError(Kind::kInvalidArgument, "refusing file path '" + path + "': " + why);
  };
  if (path.empty()) return bad("empty");
  if (path.find('\\') != std::string::npos) return bad("contains a backslash");
  if (path.find('\0') != std::string::npos) return bad("contains NUL");
  if (path.front() == '/') return bad("absolute");
  if (path.size() >= 2 && path[1] == ':' &&
      std::isalpha(static_cast<unsigned char>(path[0])) != 0) {
    return bad("has a drive letter");
  }
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    const std::string seg = path.substr(i, j - i);
    if (seg == "..") return bad("contains a '..' segment");
    if (seg.empty() || seg == ".") return bad("contains an empty or '.' segment");
    i = j + 1;
  }
  return OkStatus();
}

namespace {

// What makes `name` no ref name, or "" when it is one.
std::string RefNameProblem(const std::string& name) {
  if (name.empty()) return "it is empty";
  if (name.size() > 1024) return "it is longer than 1024 bytes";
  if (name == "@") return "it is '@'";
  if (name.front() == '/' || name.back() == '/') return "it begins or ends with '/'";
  if (name.front() == '-') return "it begins with '-'";
  if (name.back() == '.') return "it ends with '.'";
  for (const char* bad : {"..", "//", "@{"}) {
    if (name.find(bad) != std::string::npos) return std::string("it contains '") + bad + "'";
  }
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return "it contains a control character";
    if (std::string(" ~^:?*[\\").find(ch) != std::string::npos) {
      return std::string("it contains '") + ch + "'";
    }
  }
  std::size_t begin = 0;
  while (begin <= name.size()) {
    std::size_t end = name.find('/', begin);
    if (end == std::string::npos) end = name.size();
    const std::string component = name.substr(begin, end - begin);
    if (component.front() == '.') return "a component begins with '.'";
    if (component.size() >= 5 && component.compare(component.size() - 5, 5, ".lock") == 0) {
      return "a component ends with '.lock'";
    }
    begin = end + 1;
  }
  return "";
}

}  // namespace

Status ValidateRefName(const std::string& revision) {
  const std::string problem = RefNameProblem(revision);
  if (problem.empty()) return OkStatus();
  return MakeError(Kind::kInvalidArgument, "revision '" + revision +
                                               "' is not a branch, tag or commit name: " + problem +
                                               " (git check-ref-format rules)");
}

bool IsCommitSha(const std::string& revision) {
  return revision.size() == 40 && std::all_of(revision.begin(), revision.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace hubget
