// Helpers of the plain HTTP value types.
#include "mockhub/http_types.h"

#include <cctype>
#include <cstdlib>

namespace mockhub {

bool HeaderNameEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool HttpRequest::HasHeader(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return true;
  }
  return false;
}

std::string HttpRequest::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return v;
  }
  return "";
}

void HttpResponse::Set(const std::string& name, const std::string& value) {
  for (auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) {
      v = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

void HttpResponse::Remove(const std::string& name) {
  for (auto it = headers.begin(); it != headers.end();) {
    it = HeaderNameEquals(it->first, name) ? headers.erase(it) : it + 1;
  }
}

bool HttpResponse::Has(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return true;
  }
  return false;
}

std::string HttpResponse::Get(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return v;
  }
  return "";
}

namespace {
bool ParseUint(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  out = std::strtoull(s.c_str(), nullptr, 10);
  return true;
}
std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}
}  // namespace

ByteRange ParseRange(const std::string& header, std::uint64_t size) {
  ByteRange r;
  const std::string h = Trim(header);
  if (h.rfind("bytes=", 0) != 0) return r;
  const std::string spec = Trim(h.substr(6));
  if (spec.find(',') != std::string::npos) return r;  // multi-range: serve whole
  const auto dash = spec.find('-');
  if (dash == std::string::npos) return r;
  const std::string a = Trim(spec.substr(0, dash)), b = Trim(spec.substr(dash + 1));
  std::uint64_t first = 0, last = 0;
  if (a.empty()) {  // suffix: the last N bytes
    if (!ParseUint(b, last)) return r;
    if (last == 0 || size == 0) {
      r.kind = ByteRange::Kind::kUnsatisfiable;
      return r;
    }
    r.kind = ByteRange::Kind::kSatisfiable;
    r.first = last >= size ? 0 : size - last;
    r.last = size - 1;
    return r;
  }
  if (!ParseUint(a, first)) return r;
  if (b.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else {
    if (!ParseUint(b, last) || last < first) return r;  // invalid: ignored
    if (last >= size) last = size == 0 ? 0 : size - 1;
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

}  // namespace mockhub
