// Environment implementations (the real process environment and a map) and
// the HF_HOME every path under it starts from.
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

HfHome ResolveHfHome(const Environment& env) {
  auto set = [&env](const char* name) {
    auto v = env.Get(name);
    return v && !v->empty() ? v : std::nullopt;
  };
  if (auto home = set("HF_HOME")) return {*home, true};
  if (auto xdg = set("XDG_CACHE_HOME")) return {*xdg + "/huggingface", false};
  return {env.Get("HOME").value_or("") + "/.cache/huggingface", false};
}

bool IsTruthy(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string v = *value;
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

}  // namespace hubget
