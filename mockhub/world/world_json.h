// The world file: JSON in, World out, with errors that name the JSON pointer.
//
// The format is documented in mockhub/README.md. Scenarios use the same
// format, optionally as an RFC 7386 merge patch over the demo world, so this
// loader also exposes the JSON-level steps (parse, merge, build).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "mockhub/base/load_error.h"
#include "mockhub/world/world.h"

namespace mockhub {

// Parses untrusted JSON text: a syntax error names the byte offset; nesting
// deeper than 64, a number out of range and a repeated key are refused with
// their JSON pointer (mockhub/json/untrusted_json.h).
Loaded<nlohmann::json> ParseJsonText(const std::string& text, const std::string& file);
// Reads and parses a file: a regular file of at most 64 MiB.
Loaded<nlohmann::json> ReadJsonFile(const std::string& path);
// Builds a World from a parsed world document; unknown keys are errors.
Loaded<World> WorldFromJson(const nlohmann::json& doc, const std::string& file);
// Convenience: read + build.
Loaded<World> LoadWorldFile(const std::string& path);

// The embedded demo world, as JSON text and as a World.
const std::string& DemoWorldJson();
World DemoWorld();

}  // namespace mockhub
