// See json_checker.h.
#include "json_checker.h"

namespace mockhub {

bool JsonChecker::Fail(const std::string& pointer, const std::string& reason) {
  if (!error_) error_ = LoadError{file_, pointer, reason};
  return false;
}

bool JsonChecker::Keys(const nlohmann::json& obj, const std::string& ptr,
                       const std::set<std::string>& allowed) {
  if (!obj.is_object()) return Fail(ptr, "expected an object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (allowed.count(it.key())) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return Fail(ptr + "/" + PointerToken(it.key()),
                "unknown key \"" + it.key() + "\" (expected one of: " + list + ")");
  }
  return true;
}

bool JsonChecker::Str(const nlohmann::json& obj, const std::string& ptr, const char* key,
                      std::string& out, bool required) {
  if (!obj.contains(key)) return !required || Fail(ptr, std::string("missing \"") + key + "\"");
  if (!obj.at(key).is_string()) return Fail(ptr + "/" + key, "must be a string");
  out = obj.at(key).get<std::string>();
  return true;
}

bool JsonChecker::Uint(const nlohmann::json& obj, const std::string& ptr, const char* key,
                       std::uint64_t& out, bool required) {
  if (!obj.contains(key)) return !required || Fail(ptr, std::string("missing \"") + key + "\"");
  if (!obj.at(key).is_number_unsigned())
    return Fail(ptr + "/" + key, "must be a non-negative integer");
  out = obj.at(key).get<std::uint64_t>();
  return true;
}

bool JsonChecker::Bool(const nlohmann::json& obj, const std::string& ptr, const char* key,
                       bool& out) {
  if (!obj.contains(key)) return true;
  if (!obj.at(key).is_boolean()) return Fail(ptr + "/" + key, "must be true or false");
  out = obj.at(key).get<bool>();
  return true;
}

}  // namespace mockhub
