// The one way tests wait for something that happens on another thread or in
// another process (a journal entry, a file, a child's exit): poll a
// predicate with short sleeps, bounded by a timeout, and on timeout fail
// with a message that says what was awaited and for how long. Never a bare
// sleep to "let something happen"; never an unbounded loop.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string_view>

namespace testsupport {

// Short enough not to slow a test down, long enough not to burn a core that
// the server under test needs.
inline constexpr std::chrono::milliseconds kWaitPollInterval{2};

// How long a test waits for something that should happen "soon" (a journal
// entry, a file, a child's line or exit) unless it has a reason to bound the
// wait otherwise. Generous on purpose: under asan or tsan, with the machine's
// cores shared by parallel ctest jobs, what takes milliseconds alone can take
// seconds. A passing test never waits this long; a failing one says what it
// awaited (WaitFor's message), so the length costs nothing but a slow failure.
// A test that needs another bound names it beside the wait, with its reason.
inline constexpr std::chrono::milliseconds kWaitDefault{30000};

// True as soon as pred() is; a failure naming `what` and the timeout if it
// still is not after `timeout`. pred() is asked at least once, even with a
// zero timeout, and once more at the deadline.
::testing::AssertionResult WaitFor(const std::function<bool()>& pred, std::string_view what,
                                   std::chrono::milliseconds timeout = kWaitDefault);

}  // namespace testsupport
