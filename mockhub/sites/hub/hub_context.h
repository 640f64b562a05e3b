// What every part of the hub shares without its entry point (hub.h): the
// context a decision is made in and the exact messages the Hub sends. The
// hub's helpers include this, never hub.h, so the entry sits above them.
#pragma once

#include <cstdint>
#include <string>

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
