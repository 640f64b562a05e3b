// A load error that points at the offending place: file, JSON pointer, reason.
// World files, scenario files and fault specs all report this way.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace mockhub {

struct LoadError {
  std::string file;     // path, or "<demo world>" / "<inline>"
  std::string pointer;  // RFC 6901, "" for the document root
  std::string reason;
  std::string ToString() const {
    return file + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " + reason;
  }
};

// A value or a LoadError.
template <typename T>
class [[nodiscard]] Loaded {
 public:
  Loaded(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Loaded(LoadError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const LoadError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, LoadError> v_;
};

// JSON-pointer escaping of one reference token (~ -> ~0, / -> ~1).
inline std::string PointerToken(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

}  // namespace mockhub
