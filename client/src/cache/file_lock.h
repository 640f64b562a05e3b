// An exclusive advisory lock (flock) on a lock file, held for the lifetime
// of the object: processes (and threads) downloading the same blob take
// turns, the second one finds the blob finished. Internal.
#pragma once

#include <string>

#include "hubget/result.h"

namespace hubget {

class FileLock {
 public:
  // Creates the lock file (and its directory) and blocks until locked.
  static Result<FileLock> Acquire(const std::string& path);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace hubget
