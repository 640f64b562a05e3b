// The context a CDN decision is made in, apart from the CDN's entry point
// (cdn.h), so the CDN's parts (cdn_detail.h) include it and not the entry.
#pragma once

#include <cstdint>
#include <string>

#include "mockhub/world/world.h"

namespace mockhub {

struct CdnContext {
  std::string signing_key;
  std::int64_t now = 0;
  CdnFlavour flavour = CdnFlavour::kCloudFront;
  std::string request_id;
  bool warm = false;  // this object was served before: "Hit from cloudfront"
};

}  // namespace mockhub
