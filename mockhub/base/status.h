// Runtime errors as values: a Status (ok, or a kind and a message) and a
// StatusOr<T> (a value or a non-ok Status). Load errors of world, fault and
// scenario files keep their own type, Loaded<T> (load_error.h), because they
// carry a file and a JSON pointer; everything that can fail at run time
// (binding a site, TLS set-up, a state change, a runner step) returns these.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace mockhub {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller asked for something malformed
  kNotFound,            // a token, repo, user or commit the world does not have
  kAlreadyExists,       // e.g. a rename onto a taken id
  kUnavailable,         // an address or port that cannot be bound, a timeout
  kFailedPrecondition,  // set-up that cannot be done here (TLS, temp dirs)
  kInternal,
};
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "" when ok, else the message (the kind is for callers, not for people).
  std::string ToString() const { return ok() ? "" : message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value or the reason there is none. Constructing it from an ok Status is
// a bug and becomes kInternal, so ok() always means a value is present.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  StatusOr(Status status)                      // NOLINT(google-explicit-constructor)
      : v_(status.ok() ? Internal("StatusOr built from an ok Status") : std::move(status)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // The error; Status::Ok() when there is a value.
  Status status() const { return ok() ? Status::Ok() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace mockhub
