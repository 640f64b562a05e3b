// The mock's one decimal parser and one trim, for every place that reads a
// number or strips blanks from text a client sent (Range values, expiries,
// ports, cursors, header values, Authorization). One place decides what a
// number is: digits only, no sign or blank, a bounded count of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mockhub {

// A decimal of at most `max_digits` digits (leading zeros count) that fits
// in 64 bits; nullopt for anything else, the empty string included.
std::optional<std::uint64_t> ParseDigits(std::string_view s, std::size_t max_digits);

// `s` without leading and trailing characters of `chars`; by default RFC
// 9110's optional whitespace (space and tab).
std::string_view Trim(std::string_view s, std::string_view chars = " \t");
// The same at the start only.
std::string_view TrimStart(std::string_view s, std::string_view chars = " \t");

}  // namespace mockhub
