// `hubget doctor`: the troubleshooting list people follow by hand after a
// 401, as a checklist: one finding per check, a plain-words fix on each that
// is not ok, and one conclusion said first. Produced by Client::Doctor.
#pragma once

#include <string>
#include <vector>

namespace hubget {

struct Finding {
  enum class Level { kOk, kWarn, kFail, kSkip };  // kSkip: the check does not apply
  Level level = Level::kSkip;
  std::string topic;  // "endpoint", "token", "whoami", "clock", "repo", "file", "cdn"
  std::string text;   // what was found
  std::string fix;    // what to do, "" when nothing
};

const char* LevelName(Finding::Level level);  // "ok", "warn", "fail", "skip"

struct DoctorReport {
  // The verdict, e.g. "the token from the HF_TOKEN environment variable is
  // the only problem: org/x is public", and what to do about it ("" when
  // nothing needs doing).
  std::string conclusion;
  std::string conclusion_fix;
  std::vector<Finding> findings;
  bool ok() const {
    for (const auto& f : findings) {
      if (f.level == Finding::Level::kFail) return false;
    }
    return true;
  }
};

}  // namespace hubget
