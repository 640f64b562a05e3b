// The Hub's answers, as a plain function of (request, world, context).
//
// Every status, header and body the mock hub sends is decided here and here
// only; the HTTP glue just moves bytes. Unit tests call HandleHub directly.
#pragma once

#include "mockhub/http/http_types.h"
#include "mockhub/sites/hub/hub_context.h"
#include "mockhub/world/world.h"

namespace mockhub {

HttpResponse HandleHub(const HttpRequest& request, const World& world, const HubContext& ctx);

}  // namespace mockhub
