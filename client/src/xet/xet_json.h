// JSON in, structs out for the Xet hops: the token exchange's body
// {accessToken, exp, casUrl} and the CAS reconstruction in its v1
// (fetch_info) and v2 (xorbs) shapes (xet-protocol.md §3, §4). Everything is
// checked before use: unsigned integers, non-empty ranges, absolute http(s)
// URLs, a token that can travel in a header. A reconstruction is read as
// SAX events, never as a whole tree, so what it costs follows what it
// keeps. nlohmann/json is included by xet_json.cc only. Errors are kNotAHub
// with the reason; none quotes a token. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "hubget/result.h"
#include "xet/xet_reconstruction.h"

namespace hubget {

// What hubget reads from one answer of the Xet hops (written down in
// client/README.md, "Limits"). A reconstruction covers at most 256 MiB of
// the file (xet_download.h): with chunks of 8 KiB at least, 32,768 terms
// (about 5 MB of JSON) and, in v2, one presigned URL per xorb; the Hub's
// answers are a few KB. The caps leave 8 times that room. Past one, the
// answer is refused (not_a_hub) before more of it is read or kept: the body
// as it arrives, the counts and the URL copies as the SAX reader goes.
inline constexpr std::size_t kMaxReconstructionBody = 16u << 20;
inline constexpr std::size_t kMaxTokenBody = 256u << 10;  // an accessToken is <= 64,000
inline constexpr std::size_t kMaxReconstructionTerms = 262144;
inline constexpr std::size_t kMaxReconstructionEntries = 262144;
// A v2 entry's URL is kept once per range it lists.
inline constexpr std::size_t kMaxReconstructionUrlBytes = 32u << 20;

struct CasToken {
  std::string access_token;  // never printed
  std::int64_t exp = 0;      // unix seconds
  std::string cas_url;       // no trailing '/'
};

Result<CasToken> ParseCasToken(const std::string& body);
Result<XetReconstruction> ParseReconstructionV1(const std::string& body);
Result<XetReconstruction> ParseReconstructionV2(const std::string& body);

}  // namespace hubget
