// Fuzzes the scenario loader (runner/scenario.h): any file content must give
// a Scenario or a LoadError, never a crash, a hang or an escaping exception.
// LoadScenario reads a path, so each input is written to one temporary file
// per process first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "mockhub/runner/scenario.h"

namespace {

const std::string& InputPath() {
  static const std::string path =
      (std::filesystem::temp_directory_path() /
       ("scenario_loader_fuzzer." + std::to_string(::getpid()) + ".json"))
          .string();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(InputPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) __builtin_trap();  // the fuzzer's own failure, not the loader's
  }
  auto scenario = mockhub::LoadScenario(InputPath());
  if (!scenario && scenario.error().reason.empty()) __builtin_trap();
  std::remove(InputPath().c_str());
  return 0;
}
