// What a scenario's client env may say in the two families of variables
// that point a client somewhere (issue 25, I1): a proxy variable could send
// every request, the token with it, to any host; a CA variable could make
// the client read any file (a FIFO that hangs it, /dev/zero, a secret whose
// parse error is echoed into the reports). So:
//   - HTTP_PROXY, HTTPS_PROXY, ALL_PROXY (any case) name a loopback host
//     (localhost, 127.0.0.0/8, ::1) or are empty; NO_PROXY lists only such
//     hosts (with an optional port or prefix length) or "*";
//   - the CA variables (SSL_CERT_FILE, SSL_CERT_DIR, CURL_CA_BUNDLE,
//     REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, HUBGET_CA_FILE) name a path
//     inside the scenario's temporary folder, the client's working directory,
//     where the generated CA is `ca.pem`: relative, no `..`, or empty.
// The loader refuses other values with the file and pointer; the runner
// checks again when it builds the client's environment, symlinks resolved.
#pragma once

#include <map>
#include <string>

#include "mockhub/base/status.h"

namespace mockhub::runner {

bool IsProxyVariable(const std::string& name);
bool IsCaVariable(const std::string& name);

// Why `value` may not be given to `name` ("" when it may); names of other
// families always may.
std::string EnvValueProblem(const std::string& name, const std::string& value);

// The run-time check of a whole client env, `cwd` being the client's working
// directory: EnvValueProblem for each variable, and a CA path resolved with
// its symlinks stays inside `cwd` and, if it exists, is a regular file (a
// folder for SSL_CERT_DIR). The first problem as an InvalidArgument naming
// the variable.
Status CheckClientEnv(const std::map<std::string, std::string>& env, const std::string& cwd);

}  // namespace mockhub::runner
