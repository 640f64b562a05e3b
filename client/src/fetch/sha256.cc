// SHA-256 via OpenSSL's EVP interface.
#include "fetch/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <vector>

namespace hubget {

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  Reset();
}

Sha256::~Sha256() { EVP_MD_CTX_free(state_->ctx); }

void Sha256::Reset() { EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr); }

void Sha256::Update(const char* data, std::size_t size) {
  EVP_DigestUpdate(state_->ctx, data, size);
}

std::string Sha256::HexDigest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(state_->ctx, md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xF];
  }
  return out;
}

Status HashFilePrefix(const std::string& path, unsigned long long size, Sha256& hasher) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(Kind::kIo, "cannot read " + path);
  std::vector<char> buf(1 << 20);
  unsigned long long left = size;
  while (left > 0) {
    const auto want = static_cast<std::streamsize>(std::min<unsigned long long>(left, buf.size()));
    in.read(buf.data(), want);
    const std::streamsize got = in.gcount();
    if (got <= 0) return MakeError(Kind::kIo, "short read on " + path);
    hasher.Update(buf.data(), static_cast<std::size_t>(got));
    left -= static_cast<unsigned long long>(got);
  }
  return OkStatus();
}

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace hubget
