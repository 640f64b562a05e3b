// Helpers of the plain HTTP value types.
#include "mockhub/http/http_types.h"

#include <cctype>

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

}  // namespace mockhub
