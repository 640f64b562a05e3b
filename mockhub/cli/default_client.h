// Which hubget `mockhub run` drives when neither --client nor --adapter names
// a client. A build-tree mockhub must find the hubget of its build tree, an
// installed one (bin/mockhub) the hubget installed beside it (bin/hubget),
// whatever the working directory; MOCKHUB_HUBGET beats both.
#pragma once

#include <string>

namespace mockhub {

// The hubget command, first that applies:
//   1. `env` ($MOCKHUB_HUBGET) when set and not empty, as given: a wrong one
//      fails loudly instead of being skipped;
//   2. `hubget` in `exe_dir` (the running mockhub's directory), if executable;
//   3. `build_tree` (compiled in), if executable;
//   4. "hubget", looked up on PATH when run.
std::string ChooseHubget(const char* env, const std::string& exe_dir,
                         const std::string& build_tree);

// ChooseHubget with $MOCKHUB_HUBGET, the directory of /proc/self/exe and the
// build tree's hubget when this binary was built with one.
std::string DefaultHubget();

}  // namespace mockhub
