// File content of the mock hub: inline bytes or a synthetic stream.
//
// Synthetic content is a size and a seed; any byte range is generated on
// demand, so a 10 GiB LFS file costs neither disk nor memory. Hashes (the git
// blob sha1 used as a regular file's ETag, the sha256 used as an LFS file's
// ETag) are computed once, lazily, and cached: start-up stays instant and only
// the files someone asks about are ever hashed. A request never hashes a large
// file on its own thread (a 1 TiB file takes ~13 min): Sha256Within() hashes
// it on a thread of its own, which the content's destructor and
// CancelHashing() stop within a megabyte, and waits a bounded time for it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mockhub {

// How long a request waits for a large file's sha256 (an LFS ETag) being
// computed in the background before the hub or the CDN answers 503 with
// Retry-After.
inline constexpr std::chrono::milliseconds kSha256Wait{2000};

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

  // Content up to this size is hashed on the caller's thread by
  // Sha256Within (under 0.1 s); larger content in the background.
  static constexpr std::uint64_t kInlineHashLimit = 64ull << 20;

  ~Content();
  Content(const Content&) = delete;
  Content& operator=(const Content&) = delete;

  // Lower-case hex. Thread-safe; computed on first use. Sha256() blocks until
  // the hash is known, however long that takes.
  const std::string& GitBlobSha1() const;
  const std::string& Sha256() const;
  // The sha256 if someone already asked for it, else nullptr: never hashes.
  const std::string* Sha256IfKnown() const;
  // The sha256 within `wait`, else nullptr while it is still being computed
  // on a background thread (started by the first call). What a request uses.
  const std::string* Sha256Within(std::chrono::milliseconds wait) const;
  // The same with a deadline shared by several contents (a listing).
  const std::string* Sha256By(std::chrono::steady_clock::time_point deadline) const;
  // How long the sha256 will still take, estimated from the background
  // hash's progress (whole seconds, at least 1); 0 once known.
  std::uint64_t Sha256SecondsLeft() const;
  // Stops a background hash (within a megabyte) and waits for its thread;
  // a later Sha256Within starts again. The destructor calls it.
  void CancelHashing() const;

 private:
  Content() = default;
  enum class HashState { kIdle, kRunning, kDone };
  // Hashes with `cancel` checked between megabytes; false when cancelled.
  bool HashSha256(const std::atomic<bool>* cancel) const;
  void Background() const;
  std::string inline_;
  Reader generated_;
  std::uint64_t size_ = 0;
  std::uint64_t seed_ = 0;
  bool synthetic_ = false;
  mutable std::once_flag sha1_once_;
  mutable std::string sha1_;
  mutable std::string sha256_;
  mutable std::atomic<bool> sha256_known_{false};
  // The sha256's computation: who computes it, its progress, its thread.
  mutable std::mutex hash_mu_;
  mutable std::condition_variable hash_cv_;
  mutable HashState hash_state_ = HashState::kIdle;
  mutable std::thread hash_thread_;
  mutable std::atomic<bool> hash_cancel_{false};
  mutable std::atomic<std::uint64_t> hash_progress_{0};
  mutable std::chrono::steady_clock::time_point hash_started_;
};

// The git-lfs pointer file that stands in the repository for an LFS file.
std::string LfsPointer(const Content& content);
// sha1 of "blob <size>\0<bytes>": what git (and the Hub) call a blob id.
std::string GitBlobSha1Of(const std::string& bytes);

}  // namespace mockhub
