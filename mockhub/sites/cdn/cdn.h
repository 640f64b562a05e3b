// The CDN in front of LFS storage: signed, expiring URLs (HMAC of the path
// and the query parameters that carry the expiry), single Range requests,
// If-Range, and two flavours that differ in what a stray Authorization header
// does. The hub signs with SignCdnUrl; the CDN checks in HandleCdn.
#pragma once

#include <cstdint>
#include <string>

#include "mockhub/http/http_types.h"
#include "mockhub/sites/cdn/cdn_context.h"
#include "mockhub/world/world.h"

namespace mockhub {

// Absolute URL of an LFS object on the CDN, valid for world.options.cdn_url_ttl.
std::string SignCdnUrl(const std::string& cdn_base, CdnFlavour flavour, const Repo& repo,
                       const std::string& sha256, const std::string& filename,
                       const std::string& key, std::int64_t now, std::int64_t ttl);

// The Xet bridge: the plain bytes of a Xet-backed file, for clients without
// Xet (/xet-bridge-us/{24-hex repo id}/{xet hash}, signed as above).
std::string XetBridgeRepoId(RepoType type, const std::string& repo);
std::string SignXetBridgeUrl(const std::string& cdn_base, CdnFlavour flavour, const Repo& repo,
                             const std::string& xet_hash, const std::string& filename,
                             const std::string& key, std::int64_t now, std::int64_t ttl);

// A presigned xorb URL (/xorbs/default/{xorb}), CloudFront-style in every
// flavour, covering `signed_range` ("bytes=a-b" or "bytes=a-b,c-d").
std::string SignXorbUrl(const std::string& cdn_base, const std::string& xorb,
                        const std::string& signed_range, const std::string& key, std::int64_t now,
                        std::int64_t ttl);

HttpResponse HandleCdn(const HttpRequest& request, const World& world, const CdnContext& ctx);

}  // namespace mockhub
