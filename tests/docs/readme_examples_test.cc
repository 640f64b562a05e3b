// Every JSON example in the READMEs is valid JSON and is accepted by the real
// loader of its kind, so that what a reader copies works. One test per block
// (named after its file and line). A block is recognised by its shape: a
// whole scenario ("steps"), a fault ("do"), a step (one action key), an
// adapter file ("command"), a world (world-file keys); anything else must say
// what it is with `<!-- fragment: KIND -->` right before the fence, and is
// then checked wrapped into a minimal scenario at that place. An unmarked
// block of no known shape fails: none is skipped.
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/outcomes.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/runner/scenario_result.h"
#include "mockhub/world/world_json.h"
#include "readme_blocks.h"

namespace docs {
// gtest names a failing block by this instead of its bytes.
void PrintTo(const FencedBlock& b, std::ostream* os) { *os << b.Where(); }
}  // namespace docs

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kReadmes[] = {"README.md", "mockhub/README.md", "scenarios/README.md",
                                "client/README.md"};

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(MOCKHUB_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<docs::FencedBlock> AllBlocks() {
  std::vector<docs::FencedBlock> all;
  for (const char* readme : kReadmes) {
    for (auto& b : docs::JsonBlocks(readme, ReadSource(readme))) all.push_back(std::move(b));
  }
  return all;
}

const std::set<std::string> kStepKeys = {
    "download",     "info",        "whoami",  "advance_clock", "revoke_token",
    "expire_token", "move_branch", "approve", "rename",        "client"};
const std::set<std::string> kWorldKeys = {"repos", "tokens",  "users", "renames",
                                          "clock", "storage", "xet",   "cdn"};
const std::set<std::string> kMarkers = {"scenario", "world",  "fault",          "step",
                                        "adapter",  "expect", "adapter-outcome"};

bool HasAny(const json& doc, const std::set<std::string>& keys) {
  for (const auto& k : keys) {
    if (doc.contains(k)) return true;
  }
  return false;
}

// The block's kind: its marker, else its shape; "" when neither says.
std::string Kind(const docs::FencedBlock& b, const json& doc) {
  if (!b.marker.empty()) return b.marker;
  if (!doc.is_object()) return "";
  if (doc.contains("steps")) return "scenario";
  if (doc.contains("do")) return "fault";
  if (doc.contains("command")) return "adapter";
  if (HasAny(doc, kStepKeys)) return "step";
  if (HasAny(doc, kWorldKeys)) return "world";
  return "";
}

// A scenario around a fragment: the demo world, one snapshot download.
json Wrap(const std::string& kind, const json& doc) {
  json download = {{"download", {{"repo", "InvokeAI/clip-vit-large-patch14"}}}};
  json sc = {{"about", {{"description", "a README example, wrapped"}}},
             {"steps", json::array({download})}};
  if (kind == "fault") sc["faults"] = json::array({doc});
  if (kind == "step") sc["steps"] = json::array({doc});
  if (kind == "expect") sc["steps"][0]["expect"] = doc;
  return sc;
}

std::string Join(const std::vector<mockhub::LoadError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += "\n  " + (e.pointer.empty() ? std::string("/") : e.pointer) + ": " + e.reason;
  }
  return out;
}

// The adapter contract's last stdout line (scenarios/README.md).
std::string OutcomeLineProblem(const json& doc) {
  if (!doc.is_object() || !doc.contains("ok") || !doc["ok"].is_boolean())
    return "an outcome line needs \"ok\": true or false";
  if (doc["ok"].get<bool>()) {
    if (doc.contains("paths") && !doc["paths"].is_array()) return "\"paths\" must be an array";
    return "";
  }
  if (!doc.contains("error") || !doc["error"].is_string() ||
      !mockhub::IsOutcome(doc["error"].get<std::string>()))
    return "\"error\" must be an error kind of outcomes.h";
  return "";
}

class ReadmeExample : public ::testing::TestWithParam<docs::FencedBlock> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "mockhub-docs-XXXXXX").string();
    ASSERT_TRUE(::mkdtemp(tmpl.data())) << "mkdtemp failed";
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Writes `text` under a name the loader reports (the README place).
  std::string Write(const std::string& name, const std::string& text) const {
    std::string path = (fs::path(dir_) / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string dir_;
};

TEST_P(ReadmeExample, IsValidAndLoads) {
  const docs::FencedBlock& b = GetParam();
  EXPECT_EQ(b.lang, "json") << b.Where() << ": label examples ```json (they must parse as JSON)";
  auto parsed = mockhub::ParseJsonText(b.text, b.Where());
  ASSERT_TRUE(parsed) << b.Where() << ": not valid JSON: " << parsed.error().reason;
  const json& doc = *parsed;
  const std::string kind = Kind(b, doc);
  ASSERT_FALSE(kind.empty())
      << b.Where() << ": not a scenario, world, fault, step or adapter file; if it is a "
      << "fragment, say which with <!-- fragment: KIND --> right before the fence "
      << "(KIND: expect, adapter-outcome, or one of the whole shapes)";
  ASSERT_TRUE(kMarkers.count(kind)) << b.Where() << ": unknown fragment kind \"" << kind << "\"";
  if (kind == "scenario") {
    const auto errors = mockhub::ScenarioErrors(Write("scenario.json", b.text));
    EXPECT_TRUE(errors.empty()) << b.Where() << ": mockhub validate refuses it:" << Join(errors);
  } else if (kind == "fault" || kind == "step" || kind == "expect") {
    const auto errors = mockhub::ScenarioErrors(Write("wrapped.json", Wrap(kind, doc).dump(2)));
    EXPECT_TRUE(errors.empty()) << b.Where() << ": as a " << kind
                                << " of a minimal scenario, it is refused:" << Join(errors);
  } else if (kind == "world") {
    auto world = mockhub::WorldFromJson(doc, b.Where());
    EXPECT_TRUE(world) << b.Where() << ": the world loader refuses it: "
                       << (world ? "" : world.error().ToString());
  } else if (kind == "adapter") {
    auto adapter = mockhub::LoadAdapter(Write("example.adapter.json", b.text));
    EXPECT_TRUE(adapter) << b.Where() << ": the adapter loader refuses it: "
                         << (adapter ? ""
                                     : adapter.error().pointer + ": " + adapter.error().reason);
  } else {
    const std::string problem = OutcomeLineProblem(doc);
    EXPECT_TRUE(problem.empty()) << b.Where() << ": " << problem;
  }
}

std::string BlockName(const ::testing::TestParamInfo<docs::FencedBlock>& info) {
  std::string name;
  bool upper = true;
  for (char c : info.param.file + "Line" + std::to_string(info.param.line)) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Readmes, ReadmeExample, ::testing::ValuesIn(AllBlocks()), BlockName);

// The extraction would find nothing if the READMEs moved or the fences
// changed: that must fail, not pass with zero examples.
TEST(ReadmeExamples, AreFoundInEveryReadmeThatHasThem) {
  const auto all = AllBlocks();
  std::set<std::string> files;
  for (const auto& b : all) files.insert(b.file);
  EXPECT_TRUE(files.count("mockhub/README.md")) << "no ```json block found in mockhub/README.md";
  EXPECT_TRUE(files.count("scenarios/README.md")) << "no ```json block in scenarios/README.md";
  EXPECT_GE(all.size(), 8u);
}

TEST(ReadmeBlocks, KeepsLineLanguageAndMarker) {
  const std::string text =
      "intro\n\n<!-- fragment: expect -->\n\n```json\n{\"outcome\": \"ok\"}\n```\n"
      "```sh\nls\n```\n```jsonc\n{}\n```\n";
  const auto blocks = docs::JsonBlocks("x.md", text);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].line, 5);
  EXPECT_EQ(blocks[0].marker, "expect");
  EXPECT_EQ(blocks[0].text, "{\"outcome\": \"ok\"}\n");
  EXPECT_EQ(blocks[1].lang, "jsonc");
  EXPECT_EQ(blocks[1].marker, "");
  EXPECT_EQ(blocks[1].Where(), "x.md:11");
}

TEST(ReadmeBlocks, UnterminatedFenceIsStillABlock) {
  const auto blocks = docs::JsonBlocks("x.md", "```json\n{\n");
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].text, "{\n");
}

}  // namespace
