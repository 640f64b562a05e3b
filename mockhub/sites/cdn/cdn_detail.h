// What the CDN's LFS objects (cdn.cc) and its Xet objects (cdn_xet.cc)
// share: the flavour's headers, S3-style XML errors, the signature check.
// Internal to the CDN.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mockhub/http/http_types.h"
#include "mockhub/http/url.h"
#include "mockhub/sites/cdn/cdn_context.h"

namespace mockhub::cdn_detail {

inline constexpr const char* kKeyPairId = "K3MOCKHUB0CDN";

std::string AmzDate(std::int64_t t);
void FlavourHeaders(HttpResponse& res, const CdnContext& ctx);
HttpResponse Xml(int status, const std::string& code, const std::string& message,
                 const CdnContext& ctx, const std::string& extra = "");
// Verifies the signed URL in the context's flavour; an error answer or nullopt.
std::optional<HttpResponse> CheckSignature(const Target& t, const CdnContext& ctx);

// /xet-bridge-us/{repo id}/{xet hash}: the Xet-backed file, and the repo
// it was signed for (cdn_xet.cc). nullptr when unknown.
std::shared_ptr<const Content> FindBridgeObject(const Target& t, const World& world,
                                                const Repo*& repo);
// /xorbs/default/{xorb}: the requested ranges of the xorb's chunk stream,
// within the ranges the URL was signed for (cdn_xet.cc).
HttpResponse ServeXorb(const HttpRequest& req, const Target& t, const World& world,
                       const CdnContext& ctx);

}  // namespace mockhub::cdn_detail
