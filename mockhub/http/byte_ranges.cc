// See byte_ranges.h.
#include "mockhub/http/byte_ranges.h"

#include <algorithm>

#include "mockhub/base/text_parse.h"
#include "mockhub/http/url.h"

namespace mockhub {
namespace {

std::optional<RangeSpec> ParseSpec(std::string_view part, RangeSyntax syntax) {
  const bool ows = syntax.blanks == RangeSyntax::Blanks::kOws;
  if (ows) part = Trim(part);
  if (syntax.blanks == RangeSyntax::Blanks::kBeforeSpecs) part = TrimStart(part, " ");
  const auto dash = part.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view a = part.substr(0, dash), b = part.substr(dash + 1);
  if (ows) a = Trim(a), b = Trim(b);
  RangeSpec spec;
  if (!a.empty() && !(spec.first = ParseDigits(a, syntax.max_digits))) return std::nullopt;
  if (!b.empty() && !(spec.last = ParseDigits(b, syntax.max_digits))) return std::nullopt;
  if (!spec.first && !spec.last) return std::nullopt;
  return spec;
}

}  // namespace

std::optional<std::vector<RangeSpec>> ParseRangeSpecs(const std::string& header,
                                                      RangeSyntax syntax) {
  std::string_view value = header;
  if (syntax.blanks == RangeSyntax::Blanks::kOws) value = Trim(value);
  constexpr std::string_view kUnit = "bytes=";
  if (value.substr(0, kUnit.size()) != kUnit) return std::nullopt;
  value.remove_prefix(kUnit.size());
  std::vector<RangeSpec> specs;
  for (;;) {
    const auto comma = value.find(',');
    auto spec = ParseSpec(value.substr(0, comma), syntax);
    if (!spec) return std::nullopt;
    specs.push_back(*spec);
    if (comma == std::string_view::npos) return specs;
    value.remove_prefix(comma + 1);
  }
}

ByteRange ParseRange(const std::string& header, std::uint64_t size) {
  ByteRange r;
  const auto specs = ParseRangeSpecs(header, kRangeSyntaxOws);
  if (!specs || specs->size() != 1) return r;  // malformed or multi-range: serve whole
  const RangeSpec& spec = specs->front();
  if (!spec.first) {  // suffix: the last N bytes
    const std::uint64_t n = *spec.last;
    if (n == 0 || size == 0) {
      r.kind = ByteRange::Kind::kUnsatisfiable;
      return r;
    }
    r.kind = ByteRange::Kind::kSatisfiable;
    r.first = n >= size ? 0 : size - n;
    r.last = size - 1;
    return r;
  }
  const std::uint64_t first = *spec.first;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (spec.last) {
    if (*spec.last < first) return r;  // invalid: ignored
    last = std::min(*spec.last, last);
  }
  if (first >= size) {
    r.kind = ByteRange::Kind::kUnsatisfiable;
    return r;
  }
  r.kind = ByteRange::Kind::kSatisfiable;
  r.first = first;
  r.last = last;
  return r;
}

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
