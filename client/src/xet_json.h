// JSON in, structs out for the Xet hops: the token exchange's body
// {accessToken, exp, casUrl} and the CAS reconstruction in its v1
// (fetch_info) and v2 (xorbs) shapes (xet-protocol.md §3, §4). Everything is
// checked before use: unsigned integers, non-empty ranges, absolute http(s)
// URLs, a token that can travel in a header. nlohmann/json is included by
// xet_json.cc only. Errors are kNotAHub with the reason; none quotes a token.
// Internal.
#pragma once

#include <cstdint>
#include <string>

#include "hubget/result.h"
#include "xet_reconstruction.h"

namespace hubget {

struct CasToken {
  std::string access_token;  // never printed
  std::int64_t exp = 0;      // unix seconds
  std::string cas_url;       // no trailing '/'
};

Result<CasToken> ParseCasToken(const std::string& body);
Result<XetReconstruction> ParseReconstructionV1(const std::string& body);
Result<XetReconstruction> ParseReconstructionV2(const std::string& body);

}  // namespace hubget
