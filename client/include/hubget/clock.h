// Time behind an interface: retries, backoff and deadlines read the clock and
// sleep through it, so tests run the whole schedule instantly.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace hubget {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point Now() = 0;
  // Wall clock, unix seconds: for HTTP-date Retry-After and doctor's skew check.
  virtual std::int64_t UnixNow() = 0;
  virtual void Sleep(std::chrono::milliseconds duration) = 0;
  // Sleeps `duration` unless `cancelled()` becomes true first (Ctrl-C in a
  // retry wait); false when it did. This default checks before and after
  // one Sleep (a fake clock's sleeps take no time); SystemClock checks
  // every few milliseconds.
  virtual bool SleepUnless(std::chrono::milliseconds duration,
                           const std::function<bool()>& cancelled);
};

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() override;
  std::int64_t UnixNow() override;
  void Sleep(std::chrono::milliseconds duration) override;
  bool SleepUnless(std::chrono::milliseconds duration,
                   const std::function<bool()>& cancelled) override;
};

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") to unix seconds;
// -1 when it does not parse.
std::int64_t ParseHttpDate(const std::string& text);

}  // namespace hubget
