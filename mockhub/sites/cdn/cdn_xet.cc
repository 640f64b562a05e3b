// The CDN's Xet objects (xet-protocol.md §4, §5): the bridge (a Xet-backed
// file's plain bytes, for clients without Xet) and presigned xorb URLs,
// which serve exact byte ranges of a xorb's chunk stream: one range as a
// 206, several as multipart/byteranges, and only within the ranges the URL
// was signed for. No Authorization is needed; one that arrives is the
// site's credential rule's business (site.h).
#include <utility>
#include <vector>

#include "mockhub/base/digest.h"
#include "mockhub/http/byte_ranges.h"
#include "mockhub/http/signer.h"
#include "mockhub/sites/cdn/cdn.h"
#include "mockhub/sites/cdn/cdn_detail.h"
#include "mockhub/world/xet/xet_store.h"

namespace mockhub {
namespace cdn_detail {
namespace {

using Ranges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;  // inclusive

// "bytes=a-b" or "bytes=a-b, c-d": explicit ranges only, as Xet clients send.
std::optional<Ranges> ParseRanges(const std::string& header) {
  const auto specs = ParseRangeSpecs(header, kRangeSyntaxXorbs);
  if (!specs) return std::nullopt;
  Ranges out;
  for (const RangeSpec& spec : *specs) {
    if (!spec.first || !spec.last || *spec.last < *spec.first) return std::nullopt;
    out.emplace_back(*spec.first, *spec.last);
  }
  return out;
}

bool Covered(const std::pair<std::uint64_t, std::uint64_t>& r, const Ranges& signed_ranges) {
  for (const auto& s : signed_ranges) {
    if (r.first >= s.first && r.second <= s.second) return true;
  }
  return false;
}

std::string RangeText(const std::pair<std::uint64_t, std::uint64_t>& r, std::uint64_t size) {
  return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.second) + "/" +
         std::to_string(size);
}

// RFC 9110 14.6 multipart/byteranges over the xorb's stream, generated as
// it is sent: the parts' headers are literal, their bodies read on demand.
std::shared_ptr<const Content> Multipart(const std::shared_ptr<const Content>& xorb,
                                         const Ranges& ranges, const std::string& boundary) {
  struct Piece {
    std::string text;                    // literal bytes, or
    std::uint64_t from = 0, length = 0;  // a slice of the xorb
  };
  auto pieces = std::make_shared<std::vector<Piece>>();
  std::uint64_t total = 0;
  auto add_text = [&](std::string s) {
    total += s.size();
    pieces->push_back({std::move(s), 0, 0});
  };
  for (const auto& r : ranges) {
    add_text("--" + boundary + "\r\nContent-Type: application/octet-stream\r\nContent-Range: " +
             RangeText(r, xorb->size()) + "\r\n\r\n");
    pieces->push_back({"", r.first, r.second - r.first + 1});
    total += r.second - r.first + 1;
    add_text("\r\n");
  }
  add_text("--" + boundary + "--\r\n");
  return Content::Generated(total, [pieces, xorb](std::uint64_t off, char* out, std::size_t n) {
    for (const Piece& p : *pieces) {
      const std::uint64_t len = p.text.empty() ? p.length : p.text.size();
      if (off >= len) {
        off -= len;
        continue;
      }
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, len - off));
      if (p.text.empty())
        xorb->Read(p.from + off, out, take);
      else
        std::copy_n(p.text.data() + off, take, out);
      out += take;
      n -= take;
      off = 0;
      if (n == 0) return;
    }
  });
}

}  // namespace

std::shared_ptr<const Content> FindBridgeObject(const Target& t, const World& world,
                                                const Repo*& repo) {
  const auto& s = t.raw_segments;
  if (s.size() != 3 || !world.xet) return nullptr;
  const XetIndex::File* f = world.xet->FindFile(s[2]);
  if (!f) return nullptr;
  for (const auto& [type, id] : f->repos) {
    if (XetBridgeRepoId(type, id) == s[1]) {
      repo = world.FindRepo(type, id);
      return repo ? f->content : nullptr;
    }
  }
  return nullptr;
}

HttpResponse ServeXorb(const HttpRequest& req, const Target& t, const World& world,
                       const CdnContext& ctx) {
  CdnContext cf = ctx;  // transfer URLs are CloudFront-signed in every flavour
  cf.flavour = CdnFlavour::kCloudFront;
  if (auto denied = CheckSignature(t, cf)) return *denied;
  const auto& s = t.raw_segments;
  auto xorb = s.size() == 3 && s[1] == "default" && world.xet ? world.xet->Xorb(s[2]) : nullptr;
  if (!xorb) return Xml(404, "NoSuchKey", "The specified key does not exist.", cf);
  const auto signed_ranges = ParseRanges(t.Param("X-Xet-Signed-Range").value_or(""));
  const auto asked = ParseRanges(req.Header("Range"));
  if (!signed_ranges || !asked) {
    return Xml(403, "AccessDenied", "The signed range must be requested with a Range header", cf);
  }
  for (const auto& r : *asked) {
    if (r.second >= xorb->size()) {
      HttpResponse bad = Xml(416, "InvalidRange", "The requested range is not satisfiable", cf);
      bad.Set("Content-Range", "bytes */" + std::to_string(xorb->size()));
      return bad;
    }
    if (!Covered(r, *signed_ranges)) {
      return Xml(403, "AccessDenied", "The requested range is outside the signed range", cf);
    }
  }
  HttpResponse res;
  res.status = 206;
  res.Set("Accept-Ranges", "bytes");
  FlavourHeaders(res, cf);
  if (asked->size() == 1) {
    const auto& r = asked->front();
    res.Set("Content-Type", "application/octet-stream");
    res.Set("Content-Range", RangeText(r, xorb->size()));
    res.content = xorb;
    res.content_offset = r.first;
    res.content_length = r.second - r.first + 1;
    return res;
  }
  const std::string boundary = "mockhub-" + Sha256Hex(ctx.request_id).substr(0, 24);
  res.Set("Content-Type", "multipart/byteranges; boundary=" + boundary);
  res.content = Multipart(xorb, *asked, boundary);
  res.content_offset = 0;
  res.content_length = res.content->size();
  return res;
}

}  // namespace cdn_detail

std::string SignXorbUrl(const std::string& cdn_base, const std::string& xorb,
                        const std::string& signed_range, const std::string& key, std::int64_t now,
                        std::int64_t ttl) {
  const std::string query = "X-Xet-Signed-Range=" + PercentEncode(signed_range, false) +
                            "&Expires=" + std::to_string(now + ttl) +
                            "&Key-Pair-Id=" + cdn_detail::kKeyPairId;
  return cdn_base + Signer(key).Sign("/xorbs/default/" + xorb, query, "Signature");
}

}  // namespace mockhub
