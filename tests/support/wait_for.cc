// See wait_for.h.
#include "wait_for.h"

#include <algorithm>
#include <thread>

namespace testsupport {

::testing::AssertionResult WaitFor(const std::function<bool()>& pred, std::string_view what,
                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return ::testing::AssertionSuccess();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kWaitPollInterval, deadline - now));
  }
  // One last look: the deadline may have passed while pred() was running.
  if (pred()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "timed out after " << timeout.count() << " ms waiting for " << what;
}

}  // namespace testsupport
