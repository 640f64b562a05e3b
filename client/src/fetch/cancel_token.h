// What ends a fetch early, asked the same way by every fetcher (the body
// GET, the Xet rounds and their xorb GETs): the caller's flag
// (DownloadOptions::cancel, Ctrl-C in the CLI) and, in a snapshot, the flag
// that stops its other files once one failed. Either set: cancelled.
// Internal.
#pragma once

#include <atomic>

namespace hubget {

class CancelToken {
 public:
  CancelToken() = default;
  // Either flag may be null (never set). Implicit: a flag alone is a token.
  CancelToken(const std::atomic<bool>* flag,  // NOLINT(google-explicit-constructor)
              const std::atomic<bool>* also = nullptr)
      : flag_(flag), also_(also) {}

  bool cancelled() const { return Set(flag_) || Set(also_); }

 private:
  static bool Set(const std::atomic<bool>* f) { return f != nullptr && f->load(); }

  const std::atomic<bool>* flag_ = nullptr;
  const std::atomic<bool>* also_ = nullptr;
};

}  // namespace hubget
