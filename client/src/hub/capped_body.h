// A success body read into memory only up to a cap. The transport collects
// what it does not stream up to 64 MiB, and a JSON answer of that size
// costs far more once parsed; the Xet hops and the tree pages know how
// large a sane answer is. So a 2xx body streams into a string here and the
// transfer stops at the first byte past the cap (or at once when
// Content-Length announces more); other answers (error pages, redirects)
// are collected by the transport as before. GetJson is the one JSON GET
// built on it (the API calls, the Xet token exchange, the CAS). Internal.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "hubget/http.h"

namespace hubget {

class Session;

class CappedBody {
 public:
  explicit CappedBody(std::size_t cap) : cap_(cap) {}

  // Sets the request's head and body callbacks; this object must outlive
  // every Send of the request. Each answer starts afresh (retries).
  void Attach(HttpRequest& request);

  // The last answer was a 2xx larger than the cap: the transfer was
  // stopped (the transport reports it cancelled) and body() is partial.
  bool over() const { return over_; }
  std::size_t cap() const { return cap_; }
  // The 2xx body (HttpResponse::body is empty then).
  std::string& body() { return body_; }

 private:
  std::size_t cap_;
  std::string body_;
  bool over_ = false;
};

// "the <what> answer is larger than the N MiB hubget reads": kNotAHub.
Error TooLargeAnswer(const std::string& what, std::size_t cap);

// GET `url` for a JSON answer (Accept: application/json, a total timeout
// of 6 x the HEAD's) through the session's retries; `adjust`, when given,
// adds what the caller's request needs beyond that. A 2xx body is read up
// to `cap` bytes (0: the transport's own cap) into the answer's body. Any
// status is an answer; a 2xx past the cap is TooLargeAnswer(what); the
// caller decorates the errors with its URL and step.
Result<HttpResponse> GetJson(Session& session, const std::string& url, std::size_t cap,
                             const std::string& what,
                             const std::function<void(HttpRequest&)>& adjust = nullptr);

}  // namespace hubget
