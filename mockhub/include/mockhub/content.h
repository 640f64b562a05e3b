// File content of the mock hub: inline bytes or a synthetic stream.
//
// Synthetic content is a size and a seed; any byte range is generated on
// demand, so a 10 GiB LFS file costs neither disk nor memory. Hashes (the git
// blob sha1 used as a regular file's ETag, the sha256 used as an LFS file's
// ETag) are computed once, lazily, and cached: start-up stays instant and only
// the files someone asks about are ever hashed.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace mockhub {

class Content {
 public:
  static std::shared_ptr<const Content> Inline(std::string bytes);
  static std::shared_ptr<const Content> Synthetic(std::uint64_t size, std::uint64_t seed);
  // Bytes made on demand by `read(offset, out, n)` (a xorb's serialized
  // chunks): served like any other content, ranges and faults included.
  using Reader = std::function<void(std::uint64_t offset, char* out, std::size_t n)>;
  static std::shared_ptr<const Content> Generated(std::uint64_t size, Reader read);

  std::uint64_t size() const { return size_; }
  bool synthetic() const { return synthetic_; }
  std::uint64_t seed() const { return seed_; }

  // Copies bytes [offset, offset + n) into out. The range must be in bounds.
  void Read(std::uint64_t offset, char* out, std::size_t n) const;
  // The whole content; only sensible for small files (tests, /raw pointers).
  std::string ReadAll() const;

  // Lower-case hex. Thread-safe; computed on first use.
  const std::string& GitBlobSha1() const;
  const std::string& Sha256() const;
  // The sha256 if someone already asked for it, else nullptr: never hashes.
  const std::string* Sha256IfKnown() const;

 private:
  Content() = default;
  std::string inline_;
  Reader generated_;
  std::uint64_t size_ = 0;
  std::uint64_t seed_ = 0;
  bool synthetic_ = false;
  mutable std::once_flag sha1_once_;
  mutable std::once_flag sha256_once_;
  mutable std::string sha1_;
  mutable std::string sha256_;
  mutable std::atomic<bool> sha256_known_{false};
};

// The git-lfs pointer file that stands in the repository for an LFS file.
std::string LfsPointer(const Content& content);
// sha1 of "blob <size>\0<bytes>": what git (and the Hub) call a blob id.
std::string GitBlobSha1Of(const std::string& bytes);

}  // namespace mockhub
