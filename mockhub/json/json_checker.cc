// See json_checker.h.
#include "mockhub/json/json_checker.h"

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

bool JsonChecker::Name(NameRule rule, const char* what, const std::string& value,
                       const std::string& ptr) {
  if (Status st = rule(value); !st.ok())
    return Fail(ptr, std::string("invalid ") + what + ": it " + st.message());
  return true;
}

bool JsonChecker::NamedStr(const nlohmann::json& o, const std::string& ptr, const char* key,
                           NameRule rule, const char* what, std::string& out, bool required) {
  if (!Str(o, ptr, key, out, required)) return false;
  return !o.contains(key) || Name(rule, what, out, ptr + "/" + key);
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

bool JsonChecker::IntIn(const nlohmann::json& obj, const std::string& ptr, const char* key,
                        std::int64_t& out, std::int64_t min, std::int64_t max, const char* unit) {
  if (!obj.contains(key)) return true;
  const nlohmann::json& v = obj.at(key);
  const bool fits =
      v.is_number_integer() &&
      (!v.is_number_unsigned() || v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max)) &&
      v.get<std::int64_t>() >= min && v.get<std::int64_t>() <= max;
  if (!fits) {
    return Fail(ptr + "/" + key, "must be an integer from " + std::to_string(min) + " to " +
                                     std::to_string(max) + " " + unit);
  }
  out = v.get<std::int64_t>();
  return true;
}

}  // namespace mockhub
