// See beneath.h. Every open is relative to a descriptor of the root folder;
// nothing here builds an absolute path from a name and opens it.
#include "beneath.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "mockhub/base/digest.h"

namespace mockhub::runner {

namespace fs = std::filesystem;

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

std::string RealPath(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : std::string();
}

std::optional<std::string> LexicallyBeneath(const fs::path& root, const std::string& path) {
  fs::path r = root.lexically_normal();
  if (!r.has_filename() && r.has_parent_path() && r != r.root_path()) r = r.parent_path();
  fs::path p(path);
  if (p.is_relative()) p = r / p;
  const fs::path rel = p.lexically_normal().lexically_relative(r);
  if (rel.empty() || rel == ".") return std::nullopt;
  const std::string first = rel.begin()->string();
  if (first == ".." || rel.is_absolute()) return std::nullopt;
  std::string out = rel.generic_string();
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out.empty() ? std::nullopt : std::optional<std::string>(out);
}

// openat2 with RESOLVE_BENEATH, or -1 with errno; ENOSYS where the kernel
// (or a seccomp filter) has no openat2.
int OpenAt2(int dirfd, const std::string& rel, int flags, std::uint64_t resolve) {
  open_how how{};
  how.flags = static_cast<__u64>(static_cast<unsigned>(flags | O_CLOEXEC));
  how.resolve = static_cast<__u64>(resolve) | __u64{RESOLVE_BENEATH} | __u64{RESOLVE_NO_MAGICLINKS};
  const long fd = ::syscall(SYS_openat2, dirfd, rel.c_str(), &how, sizeof(how));
  if (fd < 0 && errno == EPERM) errno = ENOSYS;  // an old seccomp profile
  return static_cast<int>(fd);
}

// Opens `rel` beneath `root`, following symlinks while they stay beneath
// it. -1 with errno; EXDEV when the path leads outside.
int OpenFollowingInside(const std::string& root, const std::string& rel, int flags) {
  UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return -1;
  const int fd = OpenAt2(dir.get(), rel, flags, 0);
  if (fd >= 0 || errno != ENOSYS) return fd;
  // The fallback: resolve, check the prefix, open what was resolved.
  const std::string real_root = RealPath(root);
  const std::string real = RealPath(root + "/" + rel);
  if (real.empty()) {
    errno = ENOENT;
    return -1;
  }
  if (real_root.empty() || !LexicallyBeneath(real_root, real)) {
    errno = EXDEV;
    return -1;
  }
  return ::open(real.c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
}

EntryKind KindOf(const struct stat& st) {
  if (S_ISREG(st.st_mode)) return EntryKind::kRegular;
  if (S_ISDIR(st.st_mode)) return EntryKind::kDirectory;
  if (S_ISLNK(st.st_mode)) return EntryKind::kSymlink;
  return EntryKind::kOther;
}

EntryKind KindOfError(int err) {
  if (err == EXDEV) return EntryKind::kOutside;
  if (err == ENOENT || err == ENOTDIR) return EntryKind::kMissing;
  return EntryKind::kOther;
}

std::vector<std::string> Components(const std::string& rel) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin <= rel.size()) {
    std::size_t end = rel.find('/', begin);
    if (end == std::string::npos) end = rel.size();
    out.push_back(rel.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

// The folder `dirs` beneath `root` (made when `create`), walking one
// component at a time and refusing any symlink, "." or "..".
StatusOr<UniqueFd> WalkFolders(const std::string& root, const std::vector<std::string>& dirs,
                               bool create) {
  UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Internal("cannot open the folder " + root);
  for (const std::string& c : dirs) {
    if (c.empty() || c == "." || c == "..")
      return FailedPrecondition("a path with an empty, '.' or '..' component");
    if (create && ::mkdirat(fd.get(), c.c_str(), 0755) != 0 && errno != EEXIST)
      return Internal("cannot make a folder: " + std::string(std::strerror(errno)));
    UniqueFd next(::openat(fd.get(), c.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (next.get() < 0) {
      if (errno == ENOENT) return NotFound("no such folder");
      return FailedPrecondition("a component is a symlink or not a folder");
    }
    fd = std::move(next);
  }
  return fd;
}

}  // namespace

std::optional<std::string> RelativeBeneath(const std::string& root, const std::string& path) {
  if (auto rel = LexicallyBeneath(root, path)) return rel;
  // A client may report the path with the root's symlinks resolved.
  const std::string real_root = RealPath(root);
  if (real_root.empty() || real_root == root) return std::nullopt;
  return LexicallyBeneath(real_root, path);
}

StatusOr<RegularFile> OpenRegularBeneath(const std::string& root, const std::string& rel) {
  // O_PATH first: a device or a FIFO is looked at, never opened.
  UniqueFd path(OpenFollowingInside(root, rel, O_PATH));
  if (path.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return NotFound(rel + " does not exist");
    if (errno == EXDEV) return FailedPrecondition(rel + " leads outside " + root);
    return FailedPrecondition(rel + " cannot be opened: " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(path.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return FailedPrecondition(rel + " is not a regular file");
  RegularFile f;
  f.fd = UniqueFd(OpenFollowingInside(root, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY));
  struct stat again {};
  if (f.fd.get() < 0 || ::fstat(f.fd.get(), &again) != 0 || again.st_dev != st.st_dev ||
      again.st_ino != st.st_ino || !S_ISREG(again.st_mode)) {
    return FailedPrecondition(rel + " changed while it was opened");
  }
  f.size = static_cast<std::uint64_t>(again.st_size);
  return f;
}

StatusOr<std::string> ReadCapped(const RegularFile& f, std::size_t cap, bool& more) {
  std::string out(cap + 1, '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n =
        ::pread(f.fd.get(), out.data() + got, out.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Internal(std::string("read failed: ") + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  more = got > cap;
  out.resize(std::min(got, cap));
  return out;
}

StatusOr<std::string> Sha256Capped(const RegularFile& f, std::uint64_t cap,
                                   std::chrono::steady_clock::time_point deadline, bool& more) {
  Digest d(DigestKind::kSha256);
  std::vector<char> buf(1 << 20);
  std::uint64_t off = 0;
  more = false;
  for (;;) {
    if (std::chrono::steady_clock::now() > deadline)
      return Unavailable("the step's deadline passed while hashing the file");
    const std::uint64_t want = std::min<std::uint64_t>(buf.size(), cap + 1 - off);
    if (want == 0) break;
    const ssize_t n = ::pread(f.fd.get(), buf.data(), want, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Internal(std::string("read failed: ") + std::strerror(errno));
    if (n == 0) break;
    const auto k = static_cast<std::uint64_t>(n);
    if (off + k > cap) {
      more = true;
      d.Update(buf.data(), static_cast<std::size_t>(cap - off));
      off = cap;
      break;
    }
    d.Update(buf.data(), static_cast<std::size_t>(k));
    off += k;
  }
  return d.HexFinal();
}

EntryKind EntryBeneath(const std::string& root, const std::string& rel) {
  const fs::path p(rel);
  const std::string parent = p.parent_path().generic_string();
  const std::string leaf = p.filename().string();
  UniqueFd dir(parent.empty() ? ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)
                              : OpenFollowingInside(root, parent, O_PATH | O_DIRECTORY));
  if (dir.get() < 0) return KindOfError(errno);
  struct stat st {};
  if (::fstatat(dir.get(), leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return KindOfError(errno);
  return KindOf(st);
}

EntryKind TargetBeneath(const std::string& root, const std::string& rel) {
  UniqueFd fd(OpenFollowingInside(root, rel, O_PATH));
  if (fd.get() < 0) return KindOfError(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return EntryKind::kOther;
  return KindOf(st);
}

std::vector<DirEntry> ListBeneath(const std::string& root, const std::string& rel) {
  std::vector<DirEntry> out;
  const int fd = OpenFollowingInside(root, rel, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return out;
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return out;
  }
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    DirEntry entry{name, EntryKind::kOther, 0};
    struct stat st {};
    if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      entry.kind = KindOf(st);
      if (entry.kind == EntryKind::kRegular) entry.size = static_cast<std::uint64_t>(st.st_size);
    }
    out.push_back(entry);
  }
  ::closedir(dir);  // closes fd
  return out;
}

Status MakeFoldersBeneath(const std::string& root, const std::string& rel) {
  auto fd = WalkFolders(root, Components(rel), true);
  return fd.ok() ? Status::Ok() : fd.status();
}

StatusOr<UniqueFd> CreateFileBeneath(const std::string& root, const std::string& rel) {
  std::vector<std::string> parts = Components(rel);
  const std::string leaf = parts.back();
  parts.pop_back();
  auto dir = WalkFolders(root, parts, true);
  if (!dir.ok()) return dir.status();
  if (leaf.empty() || leaf == "." || leaf == "..")
    return FailedPrecondition("a file name that is empty, '.' or '..'");
  UniqueFd fd(::openat(dir->get(), leaf.c_str(),
                       O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return FailedPrecondition(rel + " cannot be written as a regular file");
  return fd;
}

Status SymlinkBeneath(const std::string& root, const std::string& rel, const std::string& target) {
  const fs::path p(rel);
  if (!LexicallyBeneath(root, (fs::path(root) / p.parent_path() / target).string()))
    return FailedPrecondition("the link " + rel + " would point outside " + root);
  std::vector<std::string> parts = Components(rel);
  const std::string leaf = parts.back();
  parts.pop_back();
  auto dir = WalkFolders(root, parts, true);
  if (!dir.ok()) return dir.status();
  if (::unlinkat(dir->get(), leaf.c_str(), 0) != 0 && errno != ENOENT)
    return Internal("cannot replace " + rel + ": " + std::strerror(errno));
  if (::symlinkat(target.c_str(), dir->get(), leaf.c_str()) != 0)
    return Internal("cannot link " + rel + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace mockhub::runner
