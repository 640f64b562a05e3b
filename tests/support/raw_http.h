// A deliberately dumb HTTP/1.1 client over a plain socket, for tests that
// must send bytes no well-behaved client library would (odd Authorization
// headers, 16 KB header lines, non-ASCII) and see exactly what comes back.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "wait_for.h"

namespace testsupport {

struct RawResponse {
  bool ok = false;    // a complete status line and headers arrived
  std::string error;  // why not
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool reset = false;  // the connection ended with a TCP RST (ECONNRESET)
  std::string Header(const std::string& name) const;  // case-insensitive, "" if absent
  bool Has(const std::string& name) const;
};

// Splits "http://host:port" into host and port.
bool SplitBase(const std::string& base, std::string& host, int& port);

// A TCP connection to the host:port of an http:// base URL, or -1; the
// caller closes it. For tests that hold connections open or send by hand.
int Connect(const std::string& base);

// Sends raw bytes and reads until the server closes (requests should carry
// "Connection: close"). Never waits longer than timeout.
RawResponse SendRaw(const std::string& base, const std::string& bytes,
                    std::chrono::milliseconds timeout = kWaitDefault, bool head = false);

// A well-formed request built from parts; "Connection: close" is added.
RawResponse Request(const std::string& base, const std::string& method, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    std::chrono::milliseconds timeout = kWaitDefault);

// GET an absolute http:// URL (e.g. a CDN Location).
// A body still arriving at `timeout` comes back cut: give large ones time.
RawResponse GetUrl(const std::string& url,
                   const std::vector<std::pair<std::string, std::string>>& headers = {},
                   std::chrono::milliseconds timeout = kWaitDefault);

}  // namespace testsupport
