// URL signing for any site and any path: an HMAC-SHA256 over the path and
// every query parameter but the signature, in URL order, so changing an
// expiry or a file name breaks the signature. The CDN's two flavours put
// their own parameters (Expires, X-Amz-*) in the query; this only signs and
// verifies.
#pragma once

#include <string>

#include "mockhub/http/url.h"

namespace mockhub {

class Signer {
 public:
  explicit Signer(std::string key) : key_(std::move(key)) {}

  // "path?query&<signature_param>=<signature>". `query` is already encoded.
  std::string Sign(const std::string& path, const std::string& query,
                   const std::string& signature_param) const;
  // True when `target` carries `signature_param` and it matches the rest.
  bool Verify(const Target& target, const std::string& signature_param) const;

 private:
  std::string Signature(const Target& target, const std::string& signature_param) const;
  std::string key_;
};

}  // namespace mockhub
