// The Hub's answers, as a plain function of (request, world, context).
//
// Every status, header and body the mock hub sends is decided here and here
// only; the HTTP glue just moves bytes. Unit tests call HandleHub directly.
#pragma once

#include <cstdint>
#include <string>

#include "mockhub/http/http_types.h"
#include "mockhub/world/world.h"

namespace mockhub {

struct HubContext {
  std::string endpoint;     // public base URL of the hub, e.g. "http://127.0.0.1:8080"
  std::string cdn_base;     // public base URL of the CDN, e.g. "http://127.0.0.2:8081"
  std::string signing_key;  // HMAC key for CDN URLs (shared with HandleCdn)
  std::int64_t now = 0;     // server clock, unix seconds
  std::string request_id;   // becomes X-Request-Id
  std::string cas_base;     // public base URL of the Xet CAS, e.g. "http://127.0.0.3:8082"
};

HttpResponse HandleHub(const HttpRequest& request, const World& world, const HubContext& ctx);

// The exact messages the Hub sends (hub-protocol.md §3).
namespace messages {
inline constexpr const char* kInvalidCredentials = "Invalid credentials in Authorization header";
inline constexpr const char* kInvalidUsernamePassword = "Invalid username or password.";
inline constexpr const char* kRepoNotFound = "Repository not found";
inline constexpr const char* kEntryNotFound = "Entry not found";
inline constexpr const char* kDisabled = "Access to this resource is disabled.";
std::string TokenExpired(const std::string& token_name);
std::string InvalidRev(const std::string& revision);
std::string GatedAnonymous(RepoType type, const std::string& repo);
std::string GatedNotAuthorized(RepoType type, const std::string& repo, const std::string& endpoint);
}  // namespace messages

}  // namespace mockhub
