// The huggingface_hub cache layout: paths, refs, snapshot symlinks,
// .no_exist markers and CACHEDIR.TAG; and the --local-dir layout.
#include "hubget/cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "hubget/environment.h"
#include "hubget/token.h"

namespace fs = std::filesystem;

namespace hubget {
namespace {

std::optional<std::string> NonEmptyEnv(const Environment& env, const char* name) {
  auto v = env.Get(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

Error IoError(const std::string& what, const std::error_code& ec) {
  return MakeError(Kind::kIo, what + ": " + ec.message());
}

Error ErrnoError(const std::string& what, int err) {
  return MakeError(Kind::kIo, what + ": " + std::strerror(err));
}

std::string RandomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string s;
  auto v = rng();
  for (int i = 0; i < 8; ++i) {
    s += hex[v & 0xF];
    v >>= 4;
  }
  return s;
}

}  // namespace

std::string DefaultCacheDir(const Environment& env) {
  if (auto c = NonEmptyEnv(env, "HF_HUB_CACHE")) return *c;
  if (auto c = NonEmptyEnv(env, "HUGGINGFACE_HUB_CACHE")) return *c;
  return ResolveHfHome(env).dir + "/hub";
}

std::string NormalizeEtag(const std::string& etag) {
  // Python: etag.lstrip("W/").strip('"'): strips a character set, not a prefix.
  std::size_t b = 0;
  while (b < etag.size() && (etag[b] == 'W' || etag[b] == '/')) ++b;
  std::size_t e = etag.size();
  while (b < e && etag[b] == '"') ++b;
  while (e > b && etag[e - 1] == '"') --e;
  return etag.substr(b, e - b);
}

namespace {

// lexically_normal without the trailing separator it keeps ("a/b/.." is
// "a/", here "a"): an empty last element would count as a directory.
fs::path Normal(const std::string& p) {
  fs::path n = fs::path(p).lexically_normal();
  if (!n.has_filename() && n.has_relative_path()) n = n.parent_path();
  return n;
}

}  // namespace

Status CheckContained(const std::string& root, const std::string& path) {
  const fs::path rel = Normal(path).lexically_relative(Normal(root));
  if (!rel.empty() && *rel.begin() != ".." && rel != ".") return OkStatus();
  return MakeError(Kind::kInvalidArgument,
                   "refusing to write '" + path + "': it is not inside '" + root + "'");
}

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("cannot create directory " + dir, ec);
  return OkStatus();
}

std::string CacheLayout::RepoDir(const RepoId& repo) const {
  return root_ + "/" + RepoFolderName(repo);
}
std::string CacheLayout::BlobPath(const RepoId& repo, const std::string& etag) const {
  return RepoDir(repo) + "/blobs/" + etag;
}
std::string CacheLayout::IncompletePath(const RepoId& repo, const std::string& etag) const {
  return BlobPath(repo, etag) + ".incomplete";
}
std::string CacheLayout::SnapshotDir(const RepoId& repo, const std::string& commit) const {
  return RepoDir(repo) + "/snapshots/" + commit;
}
std::string CacheLayout::SnapshotPath(const RepoId& repo, const std::string& commit,
                                      const std::string& path) const {
  return SnapshotDir(repo, commit) + "/" + path;
}
std::string CacheLayout::RefPath(const RepoId& repo, const std::string& revision) const {
  return RepoDir(repo) + "/refs/" + revision;
}
std::string CacheLayout::NoExistPath(const RepoId& repo, const std::string& commit,
                                     const std::string& path) const {
  return RepoDir(repo) + "/.no_exist/" + commit + "/" + path;
}
std::string CacheLayout::LockPath(const RepoId& repo, const std::string& etag) const {
  return root_ + "/.locks/" + RepoFolderName(repo) + "/" + etag + ".lock";
}

std::string CacheLayout::TreePath(const RepoId& repo, const std::string& commit) const {
  return RepoDir(repo) + "/trees/" + commit + ".json";
}

namespace {

// The whole file, or nullopt when it cannot be opened (refs, tree caches).
std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Creates `path` (which must not exist) holding exactly `content`: every
// write checked, short ones continued, the close checked too. Removes what
// it created on failure. The error names `shown`, the file the caller means.
Status WriteNewFile(const std::string& path, const std::string& content, const std::string& shown) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return ErrnoError("cannot write " + shown, errno);
  std::size_t done = 0;
  int err = 0;
  while (done < content.size() && err == 0) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      err = errno;
    } else if (n == 0) {
      err = EIO;
    }
  }
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0) return OkStatus();
  ::unlink(path.c_str());
  return ErrnoError("cannot write " + shown, err);
}

// Writes through a unique temporary file renamed into place once all of it
// is written, so a reader never sees half a file and a full disk leaves no
// empty or cut file under the final name (refs, tree caches, CACHEDIR.TAG,
// --local-dir metadata). `path` must be inside `root`.
Status WriteFileAtomically(const std::string& root, const std::string& path,
                           const std::string& content) {
  if (auto s = CheckContained(root, path); !s) return s;
  if (auto s = MakeDirs(fs::path(path).parent_path().string()); !s) return s;
  const std::string tmp = path + "." + RandomSuffix() + ".tmp";
  if (auto s = WriteNewFile(tmp, content, path); !s) return s;
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return IoError("cannot write " + path, ec);
  }
  return OkStatus();
}

}  // namespace

std::optional<std::string> CacheLayout::ReadTree(const RepoId& repo,
                                                 const std::string& commit) const {
  return ReadWholeFile(TreePath(repo, commit));
}

Status CacheLayout::WriteTree(const RepoId& repo, const std::string& commit,
                              const std::string& json) const {
  return WriteFileAtomically(root_, TreePath(repo, commit), json);
}

std::optional<std::string> CacheLayout::ReadRef(const RepoId& repo,
                                                const std::string& revision) const {
  if (!ValidateRefName(revision)) return std::nullopt;
  const auto text = ReadWholeFile(RefPath(repo, revision));
  if (!text) return std::nullopt;
  std::string v = StripWhitespace(*text);
  if (v.empty()) return std::nullopt;
  return v;
}

Status CacheLayout::WriteRef(const RepoId& repo, const std::string& revision,
                             const std::string& commit) const {
  if (auto s = ValidateRefName(revision); !s) return s;
  if (!IsCommitSha(commit)) {
    return MakeError(Kind::kNotAHub, "refusing to write refs/" + revision + ": '" + commit +
                                         "' is not a 40-hex commit id");
  }
  if (ReadRef(repo, revision) == commit) return OkStatus();
  return WriteFileAtomically(root_, RefPath(repo, revision), commit);
}

std::optional<std::string> CacheLayout::CachedCommit(const RepoId& repo,
                                                     const std::string& revision) const {
  if (IsCommitSha(revision)) return revision;
  return ReadRef(repo, revision);
}

std::optional<std::string> CacheLayout::CachedFile(const RepoId& repo, const std::string& revision,
                                                   const std::string& path) const {
  const auto commit = CachedCommit(repo, revision);
  if (!commit) return std::nullopt;
  const std::string p = SnapshotPath(repo, *commit, path);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;  // follows the symlink
  return p;
}

Status CacheLayout::LinkSnapshot(const RepoId& repo, const std::string& commit,
                                 const std::string& path, const std::string& etag) const {
  const fs::path link = SnapshotPath(repo, commit, path);
  if (auto s = CheckContained(root_, link.string()); !s) return s;
  if (auto s = MakeDirs(link.parent_path().string()); !s) return s;
  const fs::path target = fs::path(BlobPath(repo, etag)).lexically_relative(link.parent_path());
  std::error_code ec;
  // Replace atomically: a reader never sees the link missing.
  const fs::path tmp = link.string() + "." + RandomSuffix() + ".tmp";
  fs::create_symlink(target, tmp, ec);
  if (ec) return IoError("cannot create symlink " + tmp.string(), ec);
  fs::rename(tmp, link, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return IoError("cannot create symlink " + link.string(), ec);
  }
  return OkStatus();
}

Status CacheLayout::MarkNoExist(const RepoId& repo, const std::string& commit,
                                const std::string& path) const {
  const fs::path p = NoExistPath(repo, commit, path);
  if (auto s = CheckContained(root_, p.string()); !s) return s;
  if (auto s = MakeDirs(p.parent_path().string()); !s) return s;
  std::ofstream out(p, std::ios::binary | std::ios::app);
  if (!out) return MakeError(Kind::kIo, "cannot create " + p.string());
  return OkStatus();
}

Status CacheLayout::EnsureCacheDirTag() const {
  const std::string path = root_ + "/CACHEDIR.TAG";
  std::error_code ec;
  if (fs::exists(path, ec)) return OkStatus();
  return WriteFileAtomically(root_, path,
                             "Signature: 8a477f597d28d172789f06886806bc55\n"
                             "# This file is a cache directory tag created by huggingface_hub.\n"
                             "# For information about cache directory tags, see:\n"
                             "#\thttps://bford.info/cachedir/\n");
}

std::string LocalDirLayout::FilePath(const std::string& path) const { return root_ + "/" + path; }
std::string LocalDirLayout::MetadataDir() const { return root_ + "/.cache/huggingface/download"; }
std::string LocalDirLayout::MetadataPath(const std::string& path) const {
  return MetadataDir() + "/" + path + ".metadata";
}
std::string LocalDirLayout::LockPath(const std::string& path) const {
  return MetadataDir() + "/" + path + ".lock";
}
std::string LocalDirLayout::IncompletePath(const std::string& path, const std::string& etag) const {
  return MetadataDir() + "/" + path + "." + etag + ".incomplete";
}

std::optional<LocalDirLayout::Metadata> LocalDirLayout::ReadMetadata(
    const std::string& path) const {
  std::ifstream in(MetadataPath(path));
  if (!in) return std::nullopt;
  Metadata m;
  if (!std::getline(in, m.commit) || !std::getline(in, m.etag)) return std::nullopt;
  return m;
}

Status LocalDirLayout::WriteMetadata(const std::string& path, const std::string& commit,
                                     const std::string& etag) const {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::ostringstream content;
  content << commit << "\n" << etag << "\n" << std::fixed << now << "\n";
  return WriteFileAtomically(root_, MetadataPath(path), content.str());
}

}  // namespace hubget
