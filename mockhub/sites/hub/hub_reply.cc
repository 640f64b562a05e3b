// See hub_reply.h.
#include "mockhub/sites/hub/hub_reply.h"

#include "mockhub/base/dates.h"

namespace mockhub {

void Common(HttpResponse& res, const HubContext& ctx) {
  res.Set("Date", FormatHttpDate(ctx.now));  // the server clock: clients can spot skew
  res.Set("X-Request-Id", ctx.request_id);
  res.Set("Vary", "Origin");
}

// Messages quote the request's revision or path, which may be any bytes
// once percent-decoded: invalid UTF-8 becomes U+FFFD instead of making
// dump() throw (found by tests/fuzz/site_fuzzer).
void JsonBody(HttpResponse& res, const nlohmann::json& body) {
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.Set("Content-Type", "application/json; charset=utf-8");
}

HttpResponse ErrorReply(int status, const std::string& code, const std::string& message,
                        bool json_body, const HubContext& ctx) {
  HttpResponse res;
  res.status = status;
  Common(res, ctx);
  if (!code.empty()) res.Set("X-Error-Code", code);
  res.Set("X-Error-Message", message);
  if (json_body) {
    JsonBody(res, nlohmann::json{{"error", message}});
  } else {
    res.body = message;
    res.Set("Content-Type", "text/plain; charset=utf-8");
  }
  return res;
}

HttpResponse Redirect(int status, const std::string& location, const HubContext& ctx) {
  HttpResponse res;
  res.status = status;
  Common(res, ctx);
  res.Set("Location", location);
  res.Set("Content-Type", "text/plain; charset=utf-8");
  res.body =
      (status == 302 ? "Found. Redirecting to " : "Temporary Redirect. Redirecting to ") + location;
  return res;
}

}  // namespace mockhub
