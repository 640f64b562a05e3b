// The JSON examples of the READMEs, as fenced blocks: where each starts (file
// and line, for failure messages), its language tag and the fragment marker
// written right before it (`<!-- fragment: expect -->`). Kept apart from the
// checks so that the extraction itself is tested on small texts.
#pragma once

#include <string>
#include <vector>

namespace docs {

struct FencedBlock {
  std::string file;    // as given, e.g. "scenarios/README.md"
  int line = 0;        // 1-based line of the opening fence
  std::string lang;    // "json", "jsonc", ...
  std::string marker;  // the fragment kind of a preceding `<!-- fragment: KIND -->`, or ""
  std::string text;    // the lines between the fences
  std::string Where() const { return file + ":" + std::to_string(line); }
};

// Every ``` block of `text` whose language tag starts with "json" (json,
// jsonc, json5): a block labelled jsonc is still an example a reader copies.
// An unterminated fence is returned too, with what follows it, so that the
// check fails on it instead of skipping it.
std::vector<FencedBlock> JsonBlocks(const std::string& file, const std::string& text);

}  // namespace docs
