// One file's progress as a download reports it: the body GET (src/fetch/)
// calls it with the bytes present, the caller of Client::Download or
// Snapshot receives it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace hubget {

struct Progress {
  std::string path;         // file inside the repo
  std::uint64_t done = 0;   // bytes of this file present locally
  std::uint64_t total = 0;  // expected size
};
using ProgressCallback = std::function<void(const Progress&)>;

}  // namespace hubget
