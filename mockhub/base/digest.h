// Hashes and MACs used across the mock (OpenSSL EVP underneath), with a
// streaming interface so large synthetic files hash without buffering.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace mockhub {

enum class DigestKind { kSha1, kSha256 };

class Digest {
 public:
  explicit Digest(DigestKind kind);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void Update(const void* data, std::size_t n);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  std::string HexFinal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string ToHex(const unsigned char* data, std::size_t n);
// RFC 4648 base64, standard alphabet with padding. Decode returns false on
// invalid input.
std::string Base64Encode(std::string_view data);
bool Base64Decode(std::string_view in, std::string& out);

}  // namespace mockhub
