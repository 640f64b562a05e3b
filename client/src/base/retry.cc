// Retry decisions: transient statuses, backoff delays, Retry-After, and
// the words that say a wait.
#include "hubget/retry.h"

#include <algorithm>
#include <cctype>

#include "hubget/clock.h"

namespace hubget {

bool IsRetryableStatus(int status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry) {
  auto wait = policy.base_wait;
  for (int i = 1; i < retry && wait < policy.max_wait; ++i) wait *= 2;
  return std::min(wait, policy.max_wait);
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(const std::string& value,
                                                         long long unix_now) {
  std::string v = value;
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())) != 0) v.pop_back();
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())) != 0) v.erase(0, 1);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    if (v.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stoll(v));
  }
  const std::int64_t when = ParseHttpDate(v);
  if (when < 0) return std::nullopt;
  // Capped as delta-seconds are (9 digits): later than that is "give up" to
  // every caller, and the wait stays far from overflowing a clock's
  // nanoseconds or an int of seconds.
  constexpr long long kMaxSeconds = 999999999;
  return std::chrono::seconds(std::clamp<long long>(when - unix_now, 0, kMaxSeconds));
}

std::string DescribeRetryWait(const RetryWaitNotice& n) {
  const auto seconds = (n.wait.count() + 999) / 1000;
  std::string why;
  if (n.status != 0) {
    why = "HTTP " + std::to_string(n.status) + " from " + n.host;
    if (n.server_asked) why += ", which asked for the wait";
  } else {
    why = (n.timeout ? "timeout reaching " : "network error reaching ") + n.host;
  }
  return "retrying in " + std::to_string(seconds) + " s (" + why + ")";
}

}  // namespace hubget
