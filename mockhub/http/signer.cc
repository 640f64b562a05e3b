// See signer.h.
#include "mockhub/http/signer.h"

#include "mockhub/base/digest.h"

namespace mockhub {

std::string Signer::Signature(const Target& t, const std::string& signature_param) const {
  std::string to_sign = t.raw_path;
  for (const auto& [k, v] : t.query) {
    if (k == signature_param) continue;
    to_sign += "\n" + k + "=" + v;
  }
  return HmacSha256Hex(key_, to_sign);
}

std::string Signer::Sign(const std::string& path, const std::string& query,
                         const std::string& signature_param) const {
  const std::string sig = Signature(ParseTarget(path + "?" + query), signature_param);
  return path + "?" + query + "&" + signature_param + "=" + sig;
}

bool Signer::Verify(const Target& t, const std::string& signature_param) const {
  const auto sig = t.Param(signature_param);
  return sig && *sig == Signature(t, signature_param);
}

}  // namespace mockhub
