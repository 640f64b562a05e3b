// The `.incomplete` file a download grows into, and the running sha256 of
// its content: any fetcher (the resumable HTTP GET today, a chunked CAS
// fetcher later) opens one, appends bytes, verifies and finalizes it, and
// none of them repeats the rules. Opening keeps what an earlier attempt left
// as the resume point (re-hashing it, so the digest covers the whole file);
// appends go through the pipelined sink (write and hash overlap the
// receive); the file's blocks are reserved a bounded stretch ahead of the
// data (kReserveAhead, at most half the free space), never the whole
// announced size at once, and what is reserved past the data is given back
// when the file is left as a resume point. A failed fetch that kept no byte
// on disk (none received, or none written: a full disk) leaves no empty
// file behind; bytes that can never become the file (a wrong digest, too
// many bytes) are discarded. Not thread-safe: one fetcher drives it (the
// sink's workers are its own). Internal.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "fetch/pipelined_sink.h"
#include "fetch/sha256.h"
#include "hubget/result.h"

namespace hubget {

// How far past the data the file's blocks are reserved (fewer, larger
// extents than block by block), at most.
inline constexpr std::uint64_t kReserveAhead = std::uint64_t{64} << 20;

class PartialFile {
 public:
  struct Expected {
    std::uint64_t size = 0;
    std::string sha256;  // 64 hex to verify (and hash while appending), "" for none
    std::uint64_t reserve_ahead = kReserveAhead;
  };

  // Opens (creating) `path`. Its bytes so far are kept as the resume point
  // (more than the expected size: truncated to none) and hashed; blocks an
  // earlier run reserved past them (killed before it could trim) are freed.
  static Result<std::unique_ptr<PartialFile>> Open(std::string path, Expected expected);
  // A file this opened and did not finalize stays as the resume point with
  // its reservation trimmed, or is removed when nothing reached the disk.
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  // Queues bytes after the current end. An integrity error (nothing queued)
  // when they would pass the expected size; an io error once a write failed.
  Status Append(const char* data, std::size_t n);
  // Waits until the queued bytes are written and hashed.
  Status Flush();
  // Back to zero bytes and a fresh digest (the server will send it all).
  Status Restart();
  // Flushes, then checks size and sha256; on success the sha256 ("" when
  // none was expected). An integrity error when the file is short (the
  // bytes are kept: a resume point) or the digest is wrong (the bytes are
  // discarded: they are not the file).
  Result<std::string> Verify();
  // Closes the file and leaves it in place (the caller moves it).
  Status Close();
  // Closes and renames the file to `dest` (the same file system: atomic).
  Status Finalize(const std::string& dest);
  // Closes and deletes the file.
  void Discard();

  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  const Expected& expected() const { return expected_; }

 private:
  PartialFile(std::string path, Expected expected);
  Status OpenFile();
  void ReserveAhead(std::uint64_t end);
  Error Io(const std::string& what, int err) const;
  Error WriteError() const;

  std::string path_;
  Expected expected_;
  int fd_ = -1;
  bool keep_ = false;             // closed complete: the caller takes it from here
  std::uint64_t size_ = 0;        // bytes appended (queued to the sink)
  std::uint64_t reserved_ = 0;    // blocks reserved up to this offset
  std::uint64_t reserve_at_ = 0;  // the next stretch is asked for past this
  Sha256 sha_;
  std::unique_ptr<PipelinedSink> sink_;  // after sha_ and fd_: stops first
};

// How many of `wanted` bytes may be reserved on the file system of `fd`: at
// most half the space left to unprivileged users, so a size announced by a
// broken or hostile server cannot take the disk's last blocks before a byte
// has arrived; 0 when that cannot be told.
std::uint64_t ReservableBytes(int fd, std::uint64_t wanted);

}  // namespace hubget
