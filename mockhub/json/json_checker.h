// Strict reading of JSON documents (world files, faults, scenarios): the
// first problem becomes a LoadError with the file and the JSON pointer, and
// every loader shares the same wording for the same mistake.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mockhub/base/load_error.h"
#include "mockhub/base/status.h"

namespace mockhub {

class JsonChecker {
 public:
  explicit JsonChecker(std::string file) : file_(std::move(file)) {}
  virtual ~JsonChecker() = default;

  bool failed() const { return error_.has_value(); }
  const LoadError& error() const { return *error_; }
  // Records the first failure; always returns false, for `return Fail(...)`.
  bool Fail(const std::string& pointer, const std::string& reason);
  // `obj` must be an object whose keys are all in `allowed`. Virtual: a
  // reader that reports every unknown key (the scenario reader) keeps doing
  // so in the parsers it shares (hub changes).
  virtual bool Keys(const nlohmann::json& obj, const std::string& ptr,
                    const std::set<std::string>& allowed);
  // Optional typed member: absent leaves `out` alone; a wrong type fails.
  template <typename T>
  bool Get(const nlohmann::json& obj, const std::string& ptr, const char* key, T& out) {
    if (!obj.contains(key)) return true;
    const nlohmann::json& v = obj.at(key);
    try {
      out = v.get<T>();
      return true;
    } catch (const nlohmann::json::exception&) {
      return Fail(ptr + "/" + key, std::string("has the wrong type (") + v.type_name() + ")");
    }
  }
  bool Str(const nlohmann::json& obj, const std::string& ptr, const char* key, std::string& out,
           bool required = false);
  bool Uint(const nlohmann::json& obj, const std::string& ptr, const char* key, std::uint64_t& out,
            bool required = false);
  bool Bool(const nlohmann::json& obj, const std::string& ptr, const char* key, bool& out);
  // A name checked by one of names.h's rules; the failure is at `ptr` and
  // says what the name is ("a file path") and what is wrong with it.
  using NameRule = Status (*)(std::string_view);
  bool Name(NameRule rule, const char* what, const std::string& value, const std::string& ptr);
  // Str() of o[key], then the value checked by `rule`.
  bool NamedStr(const nlohmann::json& o, const std::string& ptr, const char* key, NameRule rule,
                const char* what, std::string& out, bool required = false);
  // Optional integer member within [min, max]; `unit` ends the error ("seconds").
  bool IntIn(const nlohmann::json& obj, const std::string& ptr, const char* key, std::int64_t& out,
             std::int64_t min, std::int64_t max, const char* unit);

 private:
  std::string file_;
  std::optional<LoadError> error_;
};

}  // namespace mockhub
