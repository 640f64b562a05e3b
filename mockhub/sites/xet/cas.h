// The Xet CAS (content-addressed storage) site, as a plain function of
// (request, world, context): GET /v1|v2/reconstructions/{file hash} with a
// CAS token (xet-protocol.md §4). It answers which xorb chunks rebuild the
// asked byte range and where to fetch them: presigned URLs on the CDN site.
#pragma once

#include <cstdint>
#include <string>

#include "mockhub/http/http_types.h"
#include "mockhub/world/world.h"

namespace mockhub {

struct CasContext {
  std::string signing_key;  // checks CAS tokens, signs xorb URLs
  std::int64_t now = 0;     // server clock, unix seconds
  std::string cdn_base;     // where xorbs are fetched
  std::string request_id;
};

HttpResponse HandleCas(const HttpRequest& request, const World& world, const CasContext& ctx);

}  // namespace mockhub
