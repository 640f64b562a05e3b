// See byte_ranges.h.
#include "mockhub/byte_ranges.h"

#include <algorithm>

#include "mockhub/url.h"

namespace mockhub {

ByteRange DecideRange(const HttpRequest& req, std::uint64_t size,
                      const std::vector<std::string>& validators) {
  if (!req.HasHeader("Range")) return {};
  const std::string if_range = req.Header("If-Range");
  if (!if_range.empty() &&
      std::find(validators.begin(), validators.end(), if_range) == validators.end()) {
    return {};  // the client's copy is stale: the whole current body
  }
  return ParseRange(req.Header("Range"), size);
}

void ApplyRange(const ByteRange& r, std::uint64_t size, HttpResponse& res) {
  if (r.kind == ByteRange::Kind::kUnsatisfiable) {
    res.status = 416;
    res.content.reset();
    res.content_offset = 0;
    res.content_length = 0;
    res.Set("Content-Range", "bytes */" + std::to_string(size));
    return;
  }
  if (r.kind != ByteRange::Kind::kSatisfiable) return;
  res.status = 206;
  res.content_offset = r.first;
  res.content_length = r.last - r.first + 1;
  res.Set("Content-Range", "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" +
                               std::to_string(size));
}

// The quoted form is a quoted-string (RFC 9110 5.6.4): '"' and '\\' are
// escaped, and a control character (which the world loader refuses in file
// names anyway) becomes '_', so no name can end the header or add one.
std::string ContentDisposition(const std::string& filename) {
  std::string quoted;
  for (char c : filename) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += (u < 0x20 || u == 0x7f) ? '_' : c;
  }
  return "inline; filename*=UTF-8''" + PercentEncode(filename, false) + "; filename=\"" + quoted +
         "\";";
}

std::string Basename(const std::string& path) {
  const auto s = path.rfind('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}

}  // namespace mockhub
