// Where each site listens (site_binding.h).
#include "mockhub/server/site_binding.h"

#include <random>

#include "mockhub/base/digest.h"

namespace mockhub {

SiteAddress AddressOf(const Site& site, const ServerOptions& options) {
  const auto b = options.bind.find(site.name);
  if (b == options.bind.end()) return {site.default_host, 0};
  return {b->second.host.empty() ? site.default_host : b->second.host, b->second.port};
}

StatusOr<std::string> BindSite(Listener& listener, const Site& site, SiteAddress& address,
                               const std::string& scheme) {
  StatusOr<int> port = listener.Bind(address.host, address.port);
  if (!port.ok()) {
    return Unavailable("cannot bind the " + site.name + " site to " + address.host + ":" +
                       std::to_string(address.port) + ": " + port.status().message() +
                       (site.default_host != "127.0.0.1"
                            ? " (on Linux all of 127.0.0.0/8 is loopback; elsewhere add the "
                              "address or pass another host)"
                            : ""));
  }
  address.port = *port;
  const std::string host =
      address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host;
  return scheme + host + ":" + std::to_string(address.port);
}

std::string RandomHexKey(std::size_t bytes) {
  std::random_device rd;
  std::string raw;
  for (std::size_t i = 0; i < bytes; ++i) raw.push_back(static_cast<char>(rd() & 0xff));
  return ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

}  // namespace mockhub
