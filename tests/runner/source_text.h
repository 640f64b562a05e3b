// The text of a file of the source tree (scenarios/schema.json,
// scenarios/README.md, adapters), for the tests that hold the runner's
// tables to the files that repeat them. MOCKHUB_SOURCE_DIR is the test
// target's compile definition; a missing file reads as "".
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace mockhub::testsupport {

inline std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(MOCKHUB_SOURCE_DIR) + "/" + relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace mockhub::testsupport
