// The shapes every hub answer shares: Date, X-Request-Id and Vary; JSON
// bodies; errors with X-Error-Code and X-Error-Message; redirects. Internal
// to the hub's files (auth, files, API).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mockhub/http/http_types.h"
#include "mockhub/sites/hub/hub_context.h"

namespace mockhub {

void Common(HttpResponse& res, const HubContext& ctx);
void JsonBody(HttpResponse& res, const nlohmann::json& body);
// An error as the Hub sends it: X-Error-Code (optional), X-Error-Message, and
// a JSON body on the API or the message as text on /resolve.
HttpResponse ErrorReply(int status, const std::string& code, const std::string& message,
                        bool json_body, const HubContext& ctx);
// 302 ("Found") or 307 ("Temporary Redirect") with a text body.
HttpResponse Redirect(int status, const std::string& location, const HubContext& ctx);

}  // namespace mockhub
