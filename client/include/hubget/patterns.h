// --include / --exclude filtering with huggingface_hub's rules
// (filter_repo_objects): fnmatch globs, case-sensitive, '*' crosses '/', a
// pattern ending in '/' means everything under that folder.
#pragma once

#include <string>
#include <vector>

namespace hubget {

// fnmatch.fnmatchcase: *, ?, [seq], [!seq]; '*' matches '/' too.
bool FnMatch(const std::string& pattern, const std::string& name);

// Kept when (no include or any include matches) and no exclude matches.
bool PathSelected(const std::string& path, const std::vector<std::string>& include,
                  const std::vector<std::string>& exclude);

}  // namespace hubget
