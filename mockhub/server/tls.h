// Certificates for --tls: a throw-away CA and a leaf for the loopback hosts,
// generated at start-up (ECDSA P-256, so it takes milliseconds). The CA is
// written to a file so real clients verify normally (SSL_CERT_FILE,
// REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, curl --cacert).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mockhub/base/status.h"

namespace mockhub {

struct TlsMaterial {
  std::string ca_pem;     // CA certificate
  std::string cert_pem;   // leaf certificate
  std::string key_pem;    // leaf private key (PKCS#8)
  std::string ca_file;    // where ca_pem was written
  std::string cert_file;  // leaf certificate, for servers that want paths
  std::string key_file;
};

// Generates a CA and a leaf whose SANs are the given IPs and DNS names, and
// writes ca.pem, cert.pem and key.pem (mode 0600) into dir. Returns false and
// sets error on failure.
Status GenerateTls(const std::string& dir, const std::vector<std::string>& ip_sans,
                   const std::vector<std::string>& dns_sans, TlsMaterial& out);

// The certificates for servers on these hosts (IPs or names; loopback and
// localhost always included), written into `dir`, or, when `dir` is empty,
// into a fresh temporary directory whose path goes to `owned_dir`.
Status SetUpSiteTls(const std::string& dir, const std::vector<std::string>& hosts, TlsMaterial& out,
                    std::string& owned_dir);
// Removes a directory SetUpSiteTls created (and clears the path); "" is a no-op.
void RemoveTlsDir(std::string& owned_dir);

}  // namespace mockhub
