// Range, If-Range and Content-Disposition, once for every site that serves
// bytes (hub files, CDN objects, later xorbs). Each site keeps its own error
// body for a 416; what a range means is decided here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mockhub/http_types.h"

namespace mockhub {

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
