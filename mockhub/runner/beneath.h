// Files the runner reads or writes on a client's behalf (the expectations'
// files, refs and snapshots; the cache it seeds), kept beneath one folder:
// the scenario's temporary folder or its hub cache. Names are validated
// where they enter (mockhub/names.h); this is the second line, so that a
// wrong check or a symlink the client left cannot make the runner read the
// machine's files or write outside the scenario.
//
// Paths are resolved by the kernel with openat2(RESOLVE_BENEATH): symlinks
// are followed only while they stay beneath the folder (a snapshot's link
// into blobs/ is fine, one to /proc/self/environ is refused), and no ".." or
// absolute path leaves it. Where the kernel has no openat2 (before Linux
// 5.6), the fallback resolves the path with realpath() and checks the prefix,
// which is weaker (a race with a client that still runs could win) but only
// matters there. Reads take regular files only, opened O_NONBLOCK so that a
// FIFO never blocks, and are capped by the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mockhub/base/status.h"

namespace mockhub::runner {

// An open file descriptor, closed when it goes.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// `path` (absolute, or relative to `root`) as a relative path beneath
// `root`, lexically ("a/../b" is "b"); nullopt when it is outside (or is
// `root` itself). No file system access.
std::optional<std::string> RelativeBeneath(const std::string& root, const std::string& path);

// A regular file beneath `root`, open for reading, and its size.
struct RegularFile {
  UniqueFd fd;
  std::uint64_t size = 0;
};
// Opens `rel` beneath `root`. kNotFound: nothing there; kFailedPrecondition:
// it is not a regular file (a FIFO, a device, a folder) or it leads outside
// `root`. The message names `rel`, never the file's bytes.
StatusOr<RegularFile> OpenRegularBeneath(const std::string& root, const std::string& rel);

// Up to `cap` bytes of `f` from its start; `more` is set when the file has
// more than `cap`.
StatusOr<std::string> ReadCapped(const RegularFile& f, std::size_t cap, bool& more);

// The sha256 (hex) of at most `cap` bytes of `f`; `more` as for ReadCapped.
// kUnavailable when `deadline` passes first.
StatusOr<std::string> Sha256Capped(const RegularFile& f, std::uint64_t cap,
                                   std::chrono::steady_clock::time_point deadline, bool& more);

// What is at `rel` beneath `root`, the last component not followed.
enum class EntryKind { kMissing, kOutside, kRegular, kDirectory, kSymlink, kOther };
EntryKind EntryBeneath(const std::string& root, const std::string& rel);
// Whether `rel` exists beneath `root` with symlinks followed while they stay
// beneath it: kOutside when one leads out.
EntryKind TargetBeneath(const std::string& root, const std::string& rel);

// The names in the folder `rel` beneath `root`, with the kind of each (not
// followed) and the size of regular files; empty when there is no such
// folder beneath `root`.
struct DirEntry {
  std::string name;
  EntryKind kind = EntryKind::kOther;
  std::uint64_t size = 0;
};
std::vector<DirEntry> ListBeneath(const std::string& root, const std::string& rel);

// Writing: the folders of `rel` (mkdir -p), then the file, with no symlink
// anywhere on the way (the runner makes every folder itself), truncating a
// regular file already there.
Status MakeFoldersBeneath(const std::string& root, const std::string& rel);
StatusOr<UniqueFd> CreateFileBeneath(const std::string& root, const std::string& rel);
// A symlink at `rel` (replacing one already there) pointing at `target`,
// which must itself resolve beneath `root` from the link's folder.
Status SymlinkBeneath(const std::string& root, const std::string& rel, const std::string& target);

}  // namespace mockhub::runner
