// Request-target parsing for the hub routes: the raw target is split into
// percent-encoded path segments first, so that "refs%2Fpr%2F1" stays one
// segment, and only then decoded.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mockhub {

struct Target {
  std::vector<std::string> raw_segments;  // still percent-encoded
  std::string raw_path;
  std::string raw_query;
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order

  std::optional<std::string> Param(const std::string& key) const;
  std::vector<std::string> Params(const std::string& key) const;
};

// Percent-decoding; returns nullopt on a malformed escape. '+' is kept as is in
// paths; in queries it means a space.
std::optional<std::string> PercentDecode(const std::string& s, bool plus_is_space = false);
// huggingface_hub-compatible encoding (Python's quote): letters, digits and
// "_.-~" stay; with keep_slash, "/" stays too.
std::string PercentEncode(const std::string& s, bool keep_slash);
Target ParseTarget(const std::string& target);
// Python-style truthiness of a query flag: "true", "True", "1".
bool QueryFlag(const Target& t, const std::string& key);

}  // namespace mockhub
