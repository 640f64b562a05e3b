// Range, If-Range and Content-Disposition, once for every site that serves
// bytes (hub files, CDN objects, xorbs, the CAS's file ranges). Each site
// keeps its own error body for a 416; what a range means is decided here,
// and the one parser of "bytes=" headers is here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mockhub/http/http_types.h"

namespace mockhub {

// One byte-range-spec: "a-b", "a-" (no last: to the end) or "-n" (no first:
// the last n bytes).
struct RangeSpec {
  std::optional<std::uint64_t> first, last;
};

// How strictly a site reads a Range header: each kept what it accepted
// before the sites shared this parser.
struct RangeSyntax {
  enum class Blanks {
    kNone,         // none anywhere
    kBeforeSpecs,  // spaces before each spec ("bytes=0-9, 20-29")
    kOws,          // spaces and tabs around the value, each spec and each number
  } blanks;
  std::size_t max_digits;  // per number
};
// Hub files and CDN objects: RFC 9110's optional whitespace.
inline constexpr RangeSyntax kRangeSyntaxOws{RangeSyntax::Blanks::kOws, 19};
// Xorbs on the CDN: explicit ranges, as Xet clients send them.
inline constexpr RangeSyntax kRangeSyntaxXorbs{RangeSyntax::Blanks::kBeforeSpecs, 19};
// The CAS's file range: exact, up to u64::MAX (hf_xet's "to the end").
inline constexpr RangeSyntax kRangeSyntaxCas{RangeSyntax::Blanks::kNone, 20};

// The specs of a "bytes=" header, in order; nullopt for another unit or
// any spec that is not [digits]-[digits] with at least one number.
std::optional<std::vector<RangeSpec>> ParseRangeSpecs(const std::string& header,
                                                      RangeSyntax syntax);

// Single byte range of "Range: bytes=..." resolved against a size.
struct ByteRange {
  enum class Kind { kNone, kSatisfiable, kUnsatisfiable } kind = Kind::kNone;
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};
// Multi-range and malformed headers are ignored (Kind::kNone): the whole body
// is served with 200, which RFC 9110 allows and S3 does.
ByteRange ParseRange(const std::string& header, std::uint64_t size);

// How to answer the request's Range for a body of `size` whose validators
// are `validators` (the quoted ETag, Last-Modified, ...): no Range, a Range
// with an If-Range that matches none of them, or a multi-range or malformed
// header give Kind::kNone (serve the whole body with 200).
ByteRange DecideRange(const HttpRequest& request, std::uint64_t size,
                      const std::vector<std::string>& validators);

// For a satisfiable range: 206, the slice and Content-Range. For an
// unsatisfiable one: 416, no content, "Content-Range: bytes */size". Leaves
// `res` alone for Kind::kNone.
void ApplyRange(const ByteRange& range, std::uint64_t size, HttpResponse& res);

// "inline; filename*=UTF-8''<encoded>; filename=\"<name>\";", as the Hub and
// its CDN send it.
std::string ContentDisposition(const std::string& filename);

// The file name of a repo path ("a/b/c.bin" -> "c.bin").
std::string Basename(const std::string& path);

}  // namespace mockhub
