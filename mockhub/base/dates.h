// Dates as the Hub and its CDN write them: ISO 8601 in JSON bodies, the HTTP
// date in Date and Last-Modified headers. All in UTC, from unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mockhub {

// "2026-01-01T00:00:00Z", with optional fractional seconds; nullopt otherwise.
std::optional<std::int64_t> ParseIso8601(const std::string& text);
std::string FormatIso8601(std::int64_t unix_seconds);   // "2026-01-01T00:00:00.000Z"
std::string FormatHttpDate(std::int64_t unix_seconds);  // "Thu, 01 Jan 2026 00:00:00 GMT"

}  // namespace mockhub
