// The wire check registry (mockhub/runner/wire_checks.h) against
// everything that repeats it: scenarios/schema.json's "wire" properties,
// the check table and the capability table of scenarios/README.md, and the
// sites' credential rules (site.h's CredentialFlags) the token checks are
// derived from. As outcomes_test.cc does for outcomes, each test fails when
// one side gains or loses a check the other lacks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check_names.h"
#include "mockhub/sites/hub/hub.h"
#include "mockhub/sites/site.h"
#include "mockhub/world/world_json.h"
#include "source_text.h"
#include "wire_checks.h"

namespace mockhub::runner {
namespace {

using nlohmann::json;

using testsupport::ReadSource;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

json WireSchema() {
  const json schema = json::parse(ReadSource("scenarios/schema.json"));
  return schema["$defs"]["expect"]["properties"]["wire"]["properties"];
}

std::set<std::string> RegistryNames() {
  std::set<std::string> names;
  for (const WireCheck& c : WireChecks()) names.insert(c.name);
  return names;
}

// A markdown table cell holds the doc with its "|" escaped.
std::string Cell(const std::string& doc) {
  std::string cell;
  for (char ch : doc) cell += ch == '|' ? std::string("\\|") : std::string(1, ch);
  return cell;
}

TEST(WireCheckRegistry, NamesAreUniqueAndEachHasAParseACheckAndADoc) {
  EXPECT_EQ(RegistryNames().size(), WireChecks().size());
  for (const WireCheck& c : WireChecks()) {
    EXPECT_TRUE(c.parse && c.check) << c.name;
    EXPECT_FALSE(c.doc.empty()) << c.name;
    EXPECT_EQ(c.doc.find('\n'), std::string::npos) << c.name << ": a doc is one line";
    EXPECT_EQ(FindWireCheck(c.name), &c);
  }
  EXPECT_EQ(FindWireCheck("tokn_to_cdn"), nullptr);
}

TEST(WireCheckRegistry, SchemaWirePropertiesAreTheRegistryWithItsDocs) {
  const json props = WireSchema();
  ASSERT_TRUE(props.is_object());
  std::set<std::string> in_schema;
  for (auto it = props.begin(); it != props.end(); ++it) in_schema.insert(it.key());
  EXPECT_EQ(in_schema, RegistryNames());
  for (const WireCheck& c : WireChecks()) {
    if (!props.contains(c.name)) continue;
    EXPECT_EQ(props[c.name].value("description", ""), c.doc)
        << "scenarios/schema.json's description of wire." << c.name;
  }
}

TEST(WireCheckRegistry, ReadmeTableHasARowPerCheckAndNoOther) {
  const std::string readme = ReadSource("scenarios/README.md");
  ASSERT_FALSE(readme.empty());
  for (const WireCheck& c : WireChecks()) {
    const std::string row = "| `wire." + c.name + "` | " + Cell(c.doc) + " |";
    EXPECT_NE(readme.find(row), std::string::npos) << "scenarios/README.md lacks the row\n" << row;
  }
  for (const std::string& line : Lines(readme)) {
    if (line.rfind("| `wire.", 0) != 0) continue;
    const std::string name = line.substr(8, line.find('`', 8) - 8);
    EXPECT_NE(FindWireCheck(name), nullptr) << "a README row for no check: " << line;
  }
}

// The capability table says which checks a capability turns off (and
// which apply to some requests only: wire.requests' HEAD counts).
TEST(WireCheckRegistry, ReadmeCapabilityTableNamesEveryGatedCheck) {
  const std::pair<bool Caps::*, const char*> kCaps[] = {
      {&Caps::messages, "messages"},
      {&Caps::cache_layout, "cache_layout"},
      {&Caps::metadata_by_head, "metadata_by_head"},
      {&Caps::resume, "resume"}};
  const std::vector<std::string> lines = Lines(ReadSource("scenarios/README.md"));
  for (const WireCheck& c : WireChecks()) {
    for (const auto& [gate, cap] : kCaps) {
      const std::string head = std::string("| `") + cap + "` |";
      std::string row;
      for (const std::string& line : lines) {
        if (line.rfind(head, 0) == 0) row = line;
      }
      ASSERT_FALSE(row.empty()) << "no capability row for " << cap;
      if (c.gate != gate) continue;
      EXPECT_NE(row.find("`wire." + c.name + "`"), std::string::npos)
          << "the README's row of " << cap << " does not name wire." << c.name;
    }
  }
}

TEST(WireCheckRegistry, ReadmeNamesEveryCheckAnAdapterMayDeclare) {
  const std::string readme = ReadSource("scenarios/README.md");
  for (const std::string& name : DeclarableChecks()) {
    EXPECT_NE(readme.find("`" + name + "`"), std::string::npos) << name;
  }
}

// The token checks by site, split into the bearer and the site they are
// about: "cas_token_to_hub" is (cas, hub), "token_to_cdn" ("", cdn).
struct TokenCheckName {
  std::string bearer, site;
};
std::vector<TokenCheckName> TokenCheckNames() {
  std::vector<TokenCheckName> out;
  for (const WireCheck& c : WireChecks()) {
    const std::size_t at = c.name.find("token_to_");
    if (at == std::string::npos) continue;
    out.push_back({at == 0 ? "" : c.name.substr(0, at - 1), c.name.substr(at + 9)});
  }
  return out;
}

// A real CAS token, as the hub hands it out (FLUX.1-schnell is public).
std::string CasToken() {
  const HttpRequest req{
      "GET", "/api/models/black-forest-labs/FLUX.1-schnell/xet-read-token/main", {}, ""};
  const HttpResponse res = HandleHub(req, DemoWorld(),
                                     HubContext{"http://127.0.0.1:1", "http://127.0.0.2:1", "key",
                                                1700000000, "rid", "http://127.0.0.3:1"});
  EXPECT_EQ(res.status, 200) << res.body;
  return json::parse(res.body, nullptr, false).value("accessToken", "");
}

// What a site's credential rule flags for each kind of bearer.
std::map<std::string, std::vector<std::string>> FlagsBySite(const std::string& bearer) {
  std::map<std::string, std::vector<std::string>> out;
  for (const Site& s : Sites()) {
    out[s.name] =
        CredentialFlags(s.credential, s.name,
                        HttpRequest{"GET", "/x", {{"Authorization", "Bearer " + bearer}}, ""});
  }
  return out;
}

TEST(TokenChecks, AreTheFiveKeysScenariosHaveAlwaysHadInTheirOrder) {
  std::vector<std::string> names;
  for (const WireCheck& c : TokenChecks()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"token_to_cdn", "token_to_hub", "hub_token_to_cas",
                                             "cas_token_to_hub", "cas_token_to_cdn"}));
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(WireChecks()[i].name, names[i]);
}

// Each check of a kind of bearer reads a flag its site's credential rule
// really raises for that bearer; each any-bearer check is at a site that
// takes no credential (a bearer there is flagged token_leak) or the Hub's.
TEST(TokenChecks, EachReadsAFlagItsSitesCredentialRaises) {
  const std::string cas = CasToken();
  ASSERT_FALSE(cas.empty());
  ASSERT_EQ(cas.rfind("hf_", 0), std::string::npos) << "expected a CAS token";
  const auto by_kind = std::map<std::string, std::map<std::string, std::vector<std::string>>>{
      {"hub", FlagsBySite("hf_alice")}, {"cas", FlagsBySite(cas)}};
  for (const TokenCheckName& t : TokenCheckNames()) {
    const Site* site = FindSite(t.site);
    ASSERT_NE(site, nullptr) << t.site;
    if (t.bearer.empty()) {
      const auto& flags = by_kind.at("hub").at(t.site);
      const bool leak = std::find(flags.begin(), flags.end(), "token_leak") != flags.end();
      EXPECT_TRUE(leak || site->credential == Credential::kHubToken) << "token_to_" << t.site;
      continue;
    }
    ASSERT_TRUE(by_kind.count(t.bearer)) << t.bearer;
    const std::string name = t.bearer + "_token_to_" + t.site;
    EXPECT_THAT(by_kind.at(t.bearer).at(t.site), ::testing::Contains(name));
  }
}

// And the other way: at a site that has token checks, every flag its rule
// raises for a bearer has its check, so no flag goes unchecked there.
TEST(TokenChecks, EveryCredentialFlagAtACheckedSiteHasItsCheck) {
  std::set<std::string> checked_sites;
  for (const TokenCheckName& t : TokenCheckNames()) checked_sites.insert(t.site);
  for (const std::string& bearer : {std::string("hf_alice"), CasToken()}) {
    for (const auto& [site, flags] : FlagsBySite(bearer)) {
      if (!checked_sites.count(site)) continue;
      for (const std::string& flag : flags) {
        const std::string check = flag == "token_leak" ? "token_to_" + site : flag;
        EXPECT_NE(FindWireCheck(check), nullptr) << flag << " at " << site;
      }
    }
  }
}

}  // namespace
}  // namespace mockhub::runner
