// Where each site listens: its address (the options' binding, else the site's
// default host), the port its listener got, the public base URL clients are
// given, and the message when an address cannot be bound. Plain functions
// apart from server.cc, which keeps only what speaks to httplib.
#pragma once

#include <cstddef>
#include <string>

#include "mockhub/base/status.h"
#include "mockhub/server/server_options.h"
#include "mockhub/server/wire/listener.h"
#include "mockhub/sites/site.h"

namespace mockhub {

struct SiteAddress {
  std::string host;
  int port = 0;  // 0: any free port
};

// The address a site binds under `options`.
SiteAddress AddressOf(const Site& site, const ServerOptions& options);

// Binds `listener` to `address` and returns the site's base URL
// ("http://127.0.0.1:8080", IPv6 hosts in brackets); `address.port` becomes
// the port bound. The error names the site and, for the 127.0.0.x defaults,
// says that all of 127.0.0.0/8 is loopback only on Linux.
StatusOr<std::string> BindSite(Listener& listener, const Site& site, SiteAddress& address,
                               const std::string& scheme);

// A random key of `bytes` bytes, hex: the URL signing key when none is given.
std::string RandomHexKey(std::size_t bytes);

}  // namespace mockhub
