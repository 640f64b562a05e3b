// Environment implementations: the real process environment and a map.
#include "hubget/environment.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace hubget {

std::optional<std::string> ProcessEnvironment::Get(const std::string& name) const {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::optional<std::string> MapEnvironment::Get(const std::string& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

bool IsTruthy(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string v = *value;
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

}  // namespace hubget
