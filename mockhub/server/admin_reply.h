// The admin API's answer shapes (/_mockhub/...), shared by the mock's admin
// routes and the step handler `mockhub serve` installs from the runner: JSON
// bodies, and errors as {"error": reason[, "pointer": JSON pointer]}.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "mockhub/http/http_types.h"

namespace mockhub {

HttpResponse AdminJson(int status, const nlohmann::json& body);
// `pointer` (optional) points into the request body that was refused.
HttpResponse AdminError(int status, const std::string& reason,
                        const std::string* pointer = nullptr);

}  // namespace mockhub
