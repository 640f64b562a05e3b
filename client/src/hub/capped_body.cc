// A 2xx body collected up to a cap. See capped_body.h.
#include "hub/capped_body.h"

#include <utility>

#include "hub/session.h"

namespace hubget {

void CappedBody::Attach(HttpRequest& request) {
  request.on_head = [this](const HttpResponse& head) {
    body_.clear();
    over_ = false;
    if (head.status < 200 || head.status >= 300) return false;  // collected by the transport
    const long long announced = PlainDecimal(head.headers.Get("Content-Length"));
    over_ = announced >= 0 && static_cast<unsigned long long>(announced) > cap_;
    return true;  // an announced excess is refused at its first byte
  };
  request.on_body = [this](const char* data, std::size_t n) {
    if (over_ || n > cap_ - body_.size()) {
      over_ = true;
      return false;
    }
    body_.append(data, n);
    return true;
  };
}

Error TooLargeAnswer(const std::string& what, std::size_t cap) {
  const std::string size =
      cap >= (1u << 20) ? std::to_string(cap >> 20) + " MiB" : std::to_string(cap >> 10) + " KiB";
  return MakeError(Kind::kNotAHub, "the " + what + " is larger than the " + size +
                                       " hubget reads from such an answer; it was not read "
                                       "further");
}

Result<HttpResponse> GetJson(Session& session, const std::string& url, std::size_t cap,
                             const std::string& what,
                             const std::function<void(HttpRequest&)>& adjust) {
  HttpRequest req = session.NewRequest("GET", url);
  req.headers.Add("Accept", "application/json");
  req.total_timeout = session.config().etag_timeout * 6;
  if (adjust) adjust(req);
  CappedBody body(cap);
  if (cap > 0) body.Attach(req);
  auto res = session.SendWithRetry(req, session.config().retry);
  if (body.over()) return TooLargeAnswer(what, cap);
  if (!res) return res;
  if (cap > 0 && res->status >= 200 && res->status < 300) res->body = std::move(body.body());
  return res;
}

}  // namespace hubget
