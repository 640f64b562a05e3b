// `hubget download`'s arguments read as `hf download` reads them: files,
// folders ("data/" means everything under data/) and patterns; the same
// refusals (--local-dir with --cache-dir, a folder with --include or
// --exclude) and warnings (patterns ignored beside explicit files). Also
// the one help footer: exit codes and environment variables, said once.
#pragma once

#include <string>
#include <vector>

namespace hubget::cli {

struct DownloadArgs {
  std::vector<std::string> files;  // as given: files and folders ("data/")
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool local_dir = false;  // --local-dir given
  bool cache_dir = false;  // --cache-dir given
};

struct DownloadPlan {
  std::string refusal;             // "" or why the arguments cannot work together
  std::vector<std::string> files;  // single files to download one by one
  bool snapshot = false;           // a snapshot with include/exclude below
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::vector<std::string> warnings;
};

DownloadPlan PlanDownload(const DownloadArgs& args);

// `hubget --help`'s footer: exit codes and the environment variables read.
extern const char* const kHelpFooter;

}  // namespace hubget::cli
