// See system_ca.h.
#include "http/system_ca.h"

#include <sys/stat.h>
#include <unistd.h>

namespace hubget {

const std::vector<std::string>& SystemCaBundleCandidates() {
  // The same places Go's crypto/x509 and curl's configure look.
  static const std::vector<std::string> paths = {
      "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Arch, Gentoo
      "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7+
      "/etc/ssl/ca-bundle.pem",                             // openSUSE
      "/etc/ssl/cert.pem",                                  // Alpine
  };
  return paths;
}

std::string FirstReadableFile(const std::vector<std::string>& candidates) {
  for (const std::string& path : candidates) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(path.c_str(), R_OK) == 0) {
      return path;
    }
  }
  return "";
}

const std::string& SystemCaBundle() {
  static const std::string found = FirstReadableFile(SystemCaBundleCandidates());
  return found;
}

}  // namespace hubget
