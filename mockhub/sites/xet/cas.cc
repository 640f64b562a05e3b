// See cas.h. The order of checks: method and route, the CAS token
// (present, ours, not expired), the file (known, in the token's repo), the
// Range (file coordinates, u64, end clamped, 416 at or past the end), then
// the reconstruction in the v1 or v2 shape.
#include "mockhub/sites/xet/cas.h"

#include <nlohmann/json.hpp>

#include "mockhub/base/dates.h"
#include "mockhub/http/byte_ranges.h"
#include "mockhub/http/url.h"
#include "mockhub/sites/cdn/cdn.h"
#include "mockhub/sites/xet/cas_token.h"
#include "mockhub/world/xet/xet_store.h"

namespace mockhub {
namespace {

using nlohmann::json;

HttpResponse Error(int status, const std::string& message, const CasContext& ctx) {
  HttpResponse res;
  res.status = status;
  res.Set("Content-Type", "application/json");
  res.Set("Date", FormatHttpDate(ctx.now));
  res.Set("X-Request-Id", ctx.request_id);
  res.body = json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
  return res;
}

// Bytes [first, last] asked by "Range: bytes=S-E" (E may be u64::MAX, as
// hf_xet sends for "to the end"); the whole file without one.
bool ParseFileRange(const std::string& h, std::uint64_t& first, std::uint64_t& last) {
  first = 0;
  last = UINT64_MAX;
  if (h.empty()) return true;
  const auto specs = ParseRangeSpecs(h, kRangeSyntaxCas);
  if (!specs || specs->size() != 1 || !specs->front().first) return false;
  first = *specs->front().first;
  if (specs->front().last) last = *specs->front().last;
  return last >= first;
}

json Range(std::uint64_t start, std::uint64_t end) { return {{"start", start}, {"end", end}}; }

std::string SignedRange(const std::vector<const XetTerm*>& terms) {
  std::string s = "bytes=";
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(terms[i]->byte_start) + "-" + std::to_string(terms[i]->byte_end);
  }
  return s;
}

json Terms(const XetReconstruction& r) {
  json terms = json::array();
  for (const auto& t : r.terms) {
    terms.push_back({{"hash", t.xorb},
                     {"unpacked_length", t.unpacked_length},
                     {"range", Range(t.chunk_start, t.chunk_end)}});
  }
  return terms;
}

json V1(const XetReconstruction& r, const World& world, const CasContext& ctx) {
  json fetch = json::object();
  for (const auto& t : r.terms) {
    const std::string url = SignXorbUrl(ctx.cdn_base, t.xorb, SignedRange({&t}), ctx.signing_key,
                                        ctx.now, world.options.xet.url_ttl);
    fetch[t.xorb].push_back({{"range", Range(t.chunk_start, t.chunk_end)},
                             {"url", url},
                             {"url_range", Range(t.byte_start, t.byte_end)}});
  }
  return {{"offset_into_first_range", r.offset_into_first_range},
          {"terms", Terms(r)},
          {"fetch_info", fetch}};
}

// One URL per term by default; with "multirange", one URL per xorb covering
// all of that xorb's ranges (clients then ask them in one multi-range GET).
json V2(const XetReconstruction& r, const World& world, const CasContext& ctx) {
  std::map<std::string, std::vector<const XetTerm*>> by_xorb;
  for (const auto& t : r.terms) by_xorb[t.xorb].push_back(&t);
  json xorbs = json::object();
  for (const auto& [hash, terms] : by_xorb) {
    std::vector<std::vector<const XetTerm*>> groups;
    if (world.options.xet.multirange) {
      groups.push_back(terms);
    } else {
      for (const XetTerm* t : terms) groups.push_back({t});
    }
    for (const auto& g : groups) {
      json ranges = json::array();
      for (const XetTerm* t : g) {
        ranges.push_back({{"chunks", Range(t->chunk_start, t->chunk_end)},
                          {"bytes", Range(t->byte_start, t->byte_end)}});
      }
      xorbs[hash].push_back(
          {{"url", SignXorbUrl(ctx.cdn_base, hash, SignedRange(g), ctx.signing_key, ctx.now,
                               world.options.xet.url_ttl)},
           {"ranges", ranges}});
    }
  }
  return {{"offset_into_first_range", r.offset_into_first_range},
          {"terms", Terms(r)},
          {"xorbs", xorbs}};
}

}  // namespace

HttpResponse HandleCas(const HttpRequest& req, const World& world, const CasContext& ctx) {
  const Target t = ParseTarget(req.target);
  const auto& s = t.raw_segments;
  if (req.method == "POST" && s.size() == 2 && s[0] == "v1" && s[1] == "telemetry") {
    HttpResponse ok;  // hf_xet's fire-and-forget telemetry
    ok.Set("Content-Type", "application/json");
    ok.body = "{}";
    return ok;
  }
  // /v1|v2/reconstructions/{h}, and older hf_xet's /reconstructions/{h} and
  // /reconstruction/{h} (v1 shape).
  const bool versioned = s.size() == 3 && (s[0] == "v1" || s[0] == "v2");
  const bool legacy = s.size() == 2 && (s[0] == "reconstructions" || s[0] == "reconstruction");
  if ((!versioned || s[1] != "reconstructions") && !legacy) return Error(404, "Not found", ctx);
  if (req.method != "GET" && req.method != "HEAD") return Error(405, "Method not allowed", ctx);
  const bool v2 = versioned && s[0] == "v2";
  const std::string hash = s.back();
  const std::string auth = req.Header("Authorization");
  if (auth.size() <= 7 ||
      (auth.compare(0, 7, "Bearer ") != 0 && auth.compare(0, 7, "bearer ") != 0))
    return Error(401, "Missing CAS access token", ctx);
  const auto grant = xet::ReadCasToken(auth.substr(7), ctx.signing_key);
  if (!grant) return Error(401, "Invalid CAS access token", ctx);
  if (ctx.now >= grant->exp) return Error(401, "CAS access token expired", ctx);
  if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos)
    return Error(400, "Invalid file hash", ctx);
  const XetIndex::File* file = world.xet ? world.xet->FindFile(hash) : nullptr;
  if (!file) return Error(404, "File not found", ctx);
  bool in_repo = false;
  for (const auto& [type, id] : file->repos)
    in_repo = in_repo || (type == grant->type && id == grant->repo);
  if (!in_repo) return Error(401, "The CAS access token does not cover this file", ctx);
  std::uint64_t first = 0, last = 0;
  if (!ParseFileRange(req.Header("Range"), first, last)) return Error(400, "Invalid Range", ctx);
  auto r = world.xet->Reconstruct(hash, first, last);
  if (!r) return Error(416, "Range not satisfiable", ctx);
  HttpResponse res;
  res.Set("Content-Type", "application/json");
  res.Set("Date", FormatHttpDate(ctx.now));
  res.Set("X-Request-Id", ctx.request_id);
  res.body = (v2 ? V2(*r, world, ctx) : V1(*r, world, ctx))
                 .dump(-1, ' ', false, json::error_handler_t::replace);
  return res;
}

}  // namespace mockhub
