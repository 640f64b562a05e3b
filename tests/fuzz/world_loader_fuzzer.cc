// Fuzzes the world loader (world_json.h): any text must give a World or a
// LoadError, never a crash, a hang or an escaping exception. A World that
// loads is then indexed as serving would index it (ObjectStore, the Xet
// index are built by the loader), so its invariants are checked too.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "mockhub/world/world_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = mockhub::ParseJsonText(text, "<fuzz>");
  if (!doc) return 0;
  auto world = mockhub::WorldFromJson(*doc, "<fuzz>");
  if (!world) {
    // Every error names its place and its reason.
    if (world.error().reason.empty()) __builtin_trap();
    return 0;
  }
  if (!world->objects) __builtin_trap();
  return 0;
}
