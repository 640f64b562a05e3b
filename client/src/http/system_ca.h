// Where the running system keeps its CA certificates. libcurl's own default
// is the path of the machine it was built on (Debian's bundle); the portable
// hubget (a static binary, tools/release.sh) also runs on Fedora, SUSE and
// Alpine, whose bundles live elsewhere. Used only when no CA variable is set
// (config.cc).
#pragma once

#include <string>
#include <vector>

namespace hubget {

// The bundle paths of the common Linux distributions, in the order checked.
const std::vector<std::string>& SystemCaBundleCandidates();

// The first of `candidates` that is a readable regular file, or "".
std::string FirstReadableFile(const std::vector<std::string>& candidates);

// FirstReadableFile(SystemCaBundleCandidates()), looked up once per process.
const std::string& SystemCaBundle();

}  // namespace hubget
