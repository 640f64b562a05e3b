// Streaming SHA-256 (OpenSSL), for verifying LFS blobs while they arrive.
// Internal: OpenSSL headers stay in sha256.cc.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "hubget/result.h"

namespace hubget {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Reset();
  void Update(const char* data, std::size_t size);
  std::string HexDigest();  // finalizes; call Reset() to reuse

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Hashes the first `size` bytes of a file into `hasher`.
Status HashFilePrefix(const std::string& path, unsigned long long size, Sha256& hasher);

bool IsSha256Hex(const std::string& s);

}  // namespace hubget
