// `hubget doctor`: the troubleshooting list people follow by hand after a
// 401, as findings with a plain-words fix each. Produced by Client::Doctor.
#pragma once

#include <string>
#include <vector>

namespace hubget {

struct Finding {
  enum class Level { kOk, kInfo, kWarn, kFail };
  Level level = Level::kInfo;
  std::string topic;  // "endpoint", "token", "whoami", "clock", "repo", "file", "cdn"
  std::string text;   // what was found
  std::string fix;    // what to do, "" when nothing
};

const char* LevelName(Finding::Level level);  // "ok", "info", "warn", "fail"

struct DoctorReport {
  std::vector<Finding> findings;
  bool ok() const {
    for (const auto& f : findings) {
      if (f.level == Finding::Level::kFail) return false;
    }
    return true;
  }
};

}  // namespace hubget
