// The servers of a mock, by name. A mock is a list of sites (today the hub
// and its CDN; the Xet CAS joins later), each with its own address, decision
// function and credential rule. Everything that names a site (faults, the
// journal, wire expectations, scenario files, schema.json) validates the
// name here, so adding a site is one entry of this list.
#pragma once

#include <string>
#include <vector>

namespace mockhub {

inline constexpr const char* kHubSite = "hub";
inline constexpr const char* kCdnSite = "cdn";

// Every site a mock runs, in start-up (and `mockhub serve` output) order.
const std::vector<std::string>& SiteNames();
bool IsSiteName(const std::string& name);
// "\"hub\", \"cdn\"": for error messages that list the choices.
std::string QuotedSiteNames();

}  // namespace mockhub
