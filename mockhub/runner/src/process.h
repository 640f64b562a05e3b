// Runs a client command with a given environment and a deadline, capturing
// stdout and stderr. The child gets its own process group, so a timeout kills
// whatever the adapter started too.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace mockhub::runner {

struct ProcessResult {
  bool started = false;
  std::string error;   // why it could not start
  int exit_code = -1;  // -1 when killed or not started
  bool timed_out = false;
  std::string out, err;
};

ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, const std::string& cwd,
                         std::chrono::milliseconds timeout);

}  // namespace mockhub::runner
