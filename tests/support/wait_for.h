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

// True as soon as pred() is; a failure naming `what` and the timeout if it
// still is not after `timeout`. pred() is asked at least once, even with a
// zero timeout, and once more at the deadline.
::testing::AssertionResult WaitFor(const std::function<bool()>& pred, std::string_view what,
                                   std::chrono::milliseconds timeout);

}  // namespace testsupport
