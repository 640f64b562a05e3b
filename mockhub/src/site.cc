// The list of site names (see site.h).
#include "mockhub/site.h"

#include <algorithm>

namespace mockhub {

const std::vector<std::string>& SiteNames() {
  static const std::vector<std::string> kNames = {kHubSite, kCdnSite};
  return kNames;
}

bool IsSiteName(const std::string& name) {
  const auto& names = SiteNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string QuotedSiteNames() {
  std::string out;
  for (const std::string& n : SiteNames()) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

}  // namespace mockhub
