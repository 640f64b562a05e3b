// The CAS access token that /xet-read-token hands out and the CAS checks:
// JWT-shaped (header.payload.signature, base64url), bound to one repo and
// expiring on the server clock, signed with the mock's key. Never a Hub
// token: the hub's token table does not know it, and the CAS refuses Hub
// tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mockhub/world/world.h"

namespace mockhub::xet {

struct CasGrant {
  RepoType type = RepoType::kModel;
  std::string repo;
  std::int64_t exp = 0;  // unix seconds
};

// True for anything shaped like the tokens MakeCasToken makes (no key
// needed): how the journal tells a CAS token from a Hub token.
bool LooksLikeCasToken(const std::string& bearer);

std::string MakeCasToken(const CasGrant& grant, const std::string& key);
// The grant of a token this mock signed (whether expired or not); nullopt
// for anything else.
std::optional<CasGrant> ReadCasToken(const std::string& token, const std::string& key);

}  // namespace mockhub::xet
