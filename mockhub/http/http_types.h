// Plain request and response values exchanged between the hub's decision
// functions and the HTTP glue. No HTTP library is visible here: the decisions
// are unit-tested by building these by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mockhub/http/content.h"

namespace mockhub {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive ASCII comparison of header names.
bool HeaderNameEquals(const std::string& a, const std::string& b);

struct HttpRequest {
  std::string method;  // upper case, "GET", "HEAD", ...
  std::string target;  // raw request target: path?query, still percent-encoded
  HeaderList headers;
  std::string body;  // POST bodies (paths-info); at most 1 MiB

  bool HasHeader(const std::string& name) const;
  // First value, or "" when absent.
  std::string Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  // Either an inline body or a slice of a file's content, streamed.
  std::string body;
  std::shared_ptr<const Content> content;
  std::uint64_t content_offset = 0;
  std::uint64_t content_length = 0;
  // Observations for the journal (e.g. "token_leak"); never sent.
  std::vector<std::string> flags;

  std::uint64_t BodyLength() const { return content ? content_length : body.size(); }
  void Set(const std::string& name, const std::string& value);
  void Remove(const std::string& name);
  bool Has(const std::string& name) const;
  std::string Get(const std::string& name) const;
};

}  // namespace mockhub
