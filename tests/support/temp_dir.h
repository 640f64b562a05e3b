// A fresh temporary folder that lives as long as the object and is removed
// with everything in it: under $TEST_TMPDIR when set (ctest's sandbox),
// else /tmp. Tests never write to the user's HOME or cache.
#pragma once

#include <string>

namespace testsupport {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // "" when the folder could not be made.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace testsupport
