// The CDN: signature and expiry checks, the flavour-specific treatment of a
// stray Authorization header, then the object bytes (found in the world's
// ObjectStore) with Range and If-Range. Whether a token here is a leak is
// the site's credential rule (site.h), not decided here.
#include "mockhub/sites/cdn/cdn.h"

#include "mockhub/sites/cdn/cdn_detail.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mockhub/base/dates.h"
#include "mockhub/base/digest.h"
#include "mockhub/base/text_parse.h"
#include "mockhub/http/byte_ranges.h"
#include "mockhub/http/signer.h"
#include "mockhub/http/url.h"
#include "mockhub/world/object_store.h"
#include "mockhub/world/world_json.h"

namespace mockhub {
namespace cdn_detail {

std::string AmzDate(std::int64_t t) {
  const std::string iso = FormatIso8601(t);  // 2026-01-01T00:00:00.000Z
  std::string out;
  for (char c : iso.substr(0, 19)) {
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

bool ParseAmzDate(const std::string& s, std::int64_t& out) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  const std::string iso = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" +
                          s.substr(9, 2) + ":" + s.substr(11, 2) + ":" + s.substr(13, 2) + "Z";
  auto t = ParseIso8601(iso);
  if (!t) return false;
  out = *t;
  return true;
}

bool ParseInt(const std::string& s, std::int64_t& out) {
  const auto n = ParseDigits(s, 15);
  if (n) out = static_cast<std::int64_t>(*n);
  return n.has_value();
}

std::string XmlError(const std::string& code, const std::string& message, const std::string& extra,
                     const std::string& request_id) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
         message + "</Message>" + extra + "<RequestId>" + request_id + "</RequestId></Error>";
}

// Both flavours sit behind CloudFront, as the Hub's LFS CDN does, so both
// carry its marker headers (the JavaScript client keys off X-Cache). The s3
// flavour is CloudFront forwarding to an S3 origin with the request's
// Authorization header, which S3 refuses next to a presigned URL.
void FlavourHeaders(HttpResponse& res, const CdnContext& ctx) {
  res.Set("Date", FormatHttpDate(ctx.now));
  res.Set("X-Cache", std::string(ctx.warm ? "Hit" : "Miss") + " from cloudfront");
  res.Set("Via", "1.1 " + Sha256Hex(ctx.request_id).substr(0, 32) + ".cloudfront.net (CloudFront)");
  res.Set("X-Amz-Cf-Pop", "MCK50-P1");
  res.Set("X-Amz-Cf-Id", ctx.request_id);
  if (ctx.flavour == CdnFlavour::kS3) {
    res.Set("Server", "AmazonS3");
    res.Set("x-amz-request-id", ctx.request_id);
  }
}

HttpResponse Xml(int status, const std::string& code, const std::string& message,
                 const CdnContext& ctx, const std::string& extra) {
  HttpResponse res;
  res.status = status;
  res.Set("Content-Type", "application/xml");
  FlavourHeaders(res, ctx);
  res.Set("X-Cache", "Error from cloudfront");
  res.body = XmlError(code, message, extra, ctx.request_id);
  return res;
}

// Verifies the signed URL; returns an error response or nullopt.
std::optional<HttpResponse> CheckSignature(const Target& t, const CdnContext& ctx) {
  const bool s3 = ctx.flavour == CdnFlavour::kS3;
  const std::string sig_key = s3 ? "X-Amz-Signature" : "Signature";
  const auto sig = t.Param(sig_key);
  std::int64_t expires = 0;
  if (s3) {
    std::int64_t date = 0, ttl = 0;
    const auto d = t.Param("X-Amz-Date"), e = t.Param("X-Amz-Expires");
    if (!sig || !d || !e || t.Param("X-Amz-Algorithm").value_or("") != "AWS4-HMAC-SHA256") {
      return Xml(403, "AccessDenied",
                 "Query-string authentication requires the X-Amz-Algorithm, "
                 "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                 "X-Amz-Expires parameters.",
                 ctx);
    }
    if (!ParseAmzDate(*d, date) || !ParseInt(*e, ttl)) {
      return Xml(400, "AuthorizationQueryParametersError",
                 "X-Amz-Date must be in the ISO8601 "
                 "Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
                 ctx);
    }
    expires = date + ttl;
  } else {
    const auto e = t.Param("Expires");
    if (!sig || !e || !t.Param("Key-Pair-Id")) {
      return Xml(403, "MissingKey", "Missing Key-Pair-Id query parameter or cookie value", ctx);
    }
    if (!ParseInt(*e, expires)) return Xml(403, "AccessDenied", "Access denied", ctx);
  }
  if (!Signer(ctx.signing_key).Verify(t, sig_key)) {
    if (s3) {
      return Xml(403, "SignatureDoesNotMatch",
                 "The request signature we calculated does not match "
                 "the signature you provided. Check your key and signing method.",
                 ctx);
    }
    return Xml(403, "AccessDenied", "Access denied", ctx);
  }
  if (ctx.now >= expires) {
    return Xml(403, "AccessDenied", "Request has expired", ctx,
               "<Expires>" + FormatIso8601(expires) + "</Expires><ServerTime>" +
                   FormatIso8601(ctx.now) + "</ServerTime>");
  }
  return std::nullopt;
}

}  // namespace cdn_detail

namespace {

using namespace cdn_detail;

// The file name the URL was signed for: the filename="..." of its
// response-content-disposition (a hint for the object store).
std::string SignedFilename(const Target& t) {
  const std::string cd = t.Param("response-content-disposition").value_or("");
  const auto at = cd.find("filename=\"");
  if (at == std::string::npos) return "";
  const auto start = at + 10;
  const auto end = cd.find('"', start);
  return end == std::string::npos ? "" : cd.substr(start, end - start);
}

// /repos/{types}/{repo id...}/{sha256}: an LFS object of the object store.
std::shared_ptr<const Content> FindLfsObject(const Target& t, const World& world, const Repo*& repo,
                                             std::shared_ptr<const Content>* hashing) {
  const auto& s = t.raw_segments;
  if (s.size() < 4 || s.size() > 5) return nullptr;
  auto type = ParseRepoTypePlural(s[1]);
  std::string id = s[2];
  if (s.size() == 5) id += "/" + s[3];
  if (!type || !(repo = world.FindRepo(*type, id))) return nullptr;
  auto store = world.objects ? world.objects : ObjectStore::Build(world);
  return store->FindLfs(*type, id, s.back(), SignedFilename(t), hashing);
}

std::shared_ptr<const Content> FindBridge(const Target& t, const World& world, const Repo*& repo,
                                          std::shared_ptr<const Content>* /*hashing*/) {
  return FindBridgeObject(t, world, repo);
}

std::shared_ptr<const Content> FindNothing(const Target& /*t*/, const World& /*world*/,
                                           const Repo*& /*repo*/,
                                           std::shared_ptr<const Content>* /*hashing*/) {
  return nullptr;
}

// A signed URL of `path` in the CDN's flavour.
std::string SignCdnPath(const std::string& cdn_base, CdnFlavour flavour, const std::string& path,
                        const std::string& filename, const std::string& key, std::int64_t now,
                        std::int64_t ttl) {
  std::string query =
      "response-content-disposition=" + PercentEncode(ContentDisposition(filename), false);
  if (flavour == CdnFlavour::kS3) {
    query += "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=MOCKHUB%2F" +
             AmzDate(now).substr(0, 8) +
             "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=" + AmzDate(now) +
             "&X-Amz-Expires=" + std::to_string(ttl) + "&X-Amz-SignedHeaders=host";
    return cdn_base + Signer(key).Sign(path, query, "X-Amz-Signature");
  }
  query += "&Expires=" + std::to_string(now + ttl) + "&Key-Pair-Id=" + kKeyPairId;
  return cdn_base + Signer(key).Sign(path, query, "Signature");
}

// Not a CDN answer (objects are hashed at upload): mockhub's own, for a URL
// signed by an earlier process (a reused --signing-key) whose object this
// one has not hashed yet; S3's and CloudFront's 503, with Retry-After.
HttpResponse HashPending(const Content& object, const CdnContext& ctx) {
  const std::uint64_t left = object.Sha256SecondsLeft();
  HttpResponse res =
      Xml(503, "ServiceUnavailable",
          "mockhub is still computing the sha256 of this object (" + std::to_string(object.size()) +
              " bytes); retry in about " + std::to_string(left) + " s",
          ctx);
  res.Set("Retry-After", std::to_string(left));
  return res;
}

// A signed object of a key space that finds it (LFS objects, the Xet
// bridge): the signature, then the object with Range and If-Range.
using FindFn = std::shared_ptr<const Content> (*)(const Target&, const World&, const Repo*&,
                                                  std::shared_ptr<const Content>*);
HttpResponse ServeObject(const HttpRequest& req, const Target& t, const World& world,
                         const CdnContext& ctx, FindFn find) {
  if (auto denied = CheckSignature(t, ctx)) return *denied;
  const Repo* repo = nullptr;
  std::shared_ptr<const Content> hashing;
  auto object = find(t, world, repo, &hashing);
  const std::string* sha =
      object ? object->Sha256By(std::chrono::steady_clock::now() + kSha256Wait) : nullptr;
  if (object && !sha) hashing = object;
  if (!sha && hashing) return HashPending(*hashing, ctx);
  if (!object) return Xml(404, "NoSuchKey", "The specified key does not exist.", ctx);
  const std::string etag = "\"" + *sha + "\"";
  const std::uint64_t size = object->size();
  HttpResponse res;
  res.Set("Content-Type", "binary/octet-stream");
  res.Set("Accept-Ranges", "bytes");
  res.Set("ETag", etag);
  res.Set("Last-Modified", FormatHttpDate(repo->created_at));
  if (auto cd = t.Param("response-content-disposition")) res.Set("Content-Disposition", *cd);
  FlavourHeaders(res, ctx);
  res.content = object;
  res.content_length = size;
  const ByteRange r = DecideRange(req, size, {etag, res.Get("Last-Modified")});
  if (r.kind != ByteRange::Kind::kUnsatisfiable) {
    ApplyRange(r, size, res);
    return res;
  }
  HttpResponse bad =
      Xml(416, "InvalidRange", "The requested range is not satisfiable", ctx,
          "<RangeRequested>" + req.Header("Range") + "</RangeRequested><ActualObjectSize>" +
              std::to_string(size) + "</ActualObjectSize>");
  bad.Set("Content-Range", "bytes */" + std::to_string(size));
  return bad;
}

using ServeFn = HttpResponse (*)(const HttpRequest&, const Target&, const World&,
                                 const CdnContext&);
template <FindFn kFind>
HttpResponse ServeFound(const HttpRequest& req, const Target& t, const World& world,
                        const CdnContext& ctx) {
  return ServeObject(req, t, world, ctx, kFind);
}

// The CDN's key spaces, by the path's first segment. Xorbs check their own
// signature (the signed ranges); an unknown space is a signed 404.
struct KeySpace {
  std::string_view first_segment;
  ServeFn serve;
};
constexpr KeySpace kKeySpaces[] = {
    {"repos", ServeFound<FindLfsObject>},
    {"xet-bridge-us", ServeFound<FindBridge>},
    {"xorbs", ServeXorb},
};
constexpr KeySpace kUnknownSpace = {"", ServeFound<FindNothing>};

const KeySpace& KeySpaceOf(const Target& t) {
  if (t.raw_segments.empty()) return kUnknownSpace;
  for (const KeySpace& k : kKeySpaces)
    if (t.raw_segments[0] == k.first_segment) return k;
  return kUnknownSpace;
}

}  // namespace

std::string SignCdnUrl(const std::string& cdn_base, CdnFlavour flavour, const Repo& repo,
                       const std::string& sha256, const std::string& filename,
                       const std::string& key, std::int64_t now, std::int64_t ttl) {
  const std::string path =
      "/repos/" + std::string(RepoTypePlural(repo.type)) + "/" + repo.id + "/" + sha256;
  return SignCdnPath(cdn_base, flavour, path, filename, key, now, ttl);
}

std::string XetBridgeRepoId(RepoType type, const std::string& repo) {
  return Sha256Hex(std::string(RepoTypeName(type)) + "/" + repo).substr(0, 24);
}

std::string SignXetBridgeUrl(const std::string& cdn_base, CdnFlavour flavour, const Repo& repo,
                             const std::string& xet_hash, const std::string& filename,
                             const std::string& key, std::int64_t now, std::int64_t ttl) {
  const std::string path = "/xet-bridge-us/" + XetBridgeRepoId(repo.type, repo.id) + "/" + xet_hash;
  return SignCdnPath(cdn_base, flavour, path, filename, key, now, ttl);
}

HttpResponse HandleCdn(const HttpRequest& req, const World& world, const CdnContext& ctx) {
  const Target t = ParseTarget(req.target);
  if (req.method != "GET" && req.method != "HEAD") {
    return Xml(405, "MethodNotAllowed",
               "The specified method is not allowed against this resource.", ctx);
  }
  // S3 refuses a presigned URL that also carries an Authorization header.
  if (req.HasHeader("Authorization") && ctx.flavour == CdnFlavour::kS3) {
    return Xml(400, "InvalidArgument",
               "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
               "parameter, Signature query string parameter or the Authorization "
               "header should be specified",
               ctx,
               "<ArgumentName>Authorization</ArgumentName><ArgumentValue>" +
                   std::string("Bearer ***") + "</ArgumentValue>");
  }
  return KeySpaceOf(t).serve(req, t, world, ctx);
}

}  // namespace mockhub
