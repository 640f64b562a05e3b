// See default_client.h.
#include "default_client.h"

#include <limits.h>
#include <unistd.h>

#include <cstdlib>

namespace mockhub {

namespace {

bool Executable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

// "" when the link cannot be read (no /proc, a deleted binary).
std::string SelfExeDir() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  const std::string exe(buf, static_cast<std::size_t>(n));
  const std::size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "" : exe.substr(0, slash);
}

}  // namespace

std::string ChooseHubget(const char* env, const std::string& exe_dir,
                         const std::string& build_tree) {
  if (env != nullptr && *env != '\0') return env;
  if (!exe_dir.empty() && Executable(exe_dir + "/hubget")) return exe_dir + "/hubget";
  if (Executable(build_tree)) return build_tree;
  return "hubget";
}

std::string DefaultHubget() {
#ifdef MOCKHUB_DEFAULT_CLIENT
  const std::string build_tree = MOCKHUB_DEFAULT_CLIENT;
#else
  const std::string build_tree;
#endif
  return ChooseHubget(std::getenv("MOCKHUB_HUBGET"), SelfExeDir(), build_tree);
}

}  // namespace mockhub
