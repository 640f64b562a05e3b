// Runs a client command with a given environment and a deadline, capturing
// stdout and stderr. The child gets its own process group, so a timeout kills
// whatever the adapter started too, and the containment it is given
// (containment.h), enforced before the client's first instruction.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "containment.h"
#include "mockhub/base/status.h"

namespace mockhub::runner {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed
  bool timed_out = false;
  std::string out, err;  // each capped at 16 MiB
};

// Whether `argv0` names a program RunProcess can start with this
// environment (its PATH for a bare name): kNotFound naming it, or
// kFailedPrecondition when it is there but not an executable file.
Status CheckRunnable(const std::string& argv0, const std::map<std::string, std::string>& env);

// An error Status when the command could not be started (empty, not found,
// not executable, no pipe or fork) or not contained as asked (the kernel
// refused the rules: it is then not run at all); a started command always
// gives a result.
StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env,
                                   const std::string& cwd, std::chrono::milliseconds timeout,
                                   const Containment& containment = {});

}  // namespace mockhub::runner
