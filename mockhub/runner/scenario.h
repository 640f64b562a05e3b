// A scenario: one JSON file that recreates a user's report: the hub state,
// the client's token situation and cache, faults, then steps (client actions
// and hub changes) with expectations. See scenarios/README.md for the format.
//
// This header is the parsed form; scenario_load.cc fills it (strictly, with
// JSON pointers in errors) and runner.cc executes it.
#pragma once

#include <any>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mockhub/base/load_error.h"
#include "mockhub/faults/faults.h"
#include "mockhub/world/world.h"

namespace mockhub {

// Where the client finds its token.
struct TokenSetup {
  enum class Source { kNone, kHfToken, kHuggingFaceHubToken, kTokenFile, kTokenPath, kArgument };
  Source source = Source::kNone;
  std::string value;  // may be a token the world does not know (an unknown token)
};
const char* TokenSourceName(TokenSetup::Source s);

struct CachedFile {
  RepoType type = RepoType::kModel;
  std::string repo, revision = "main", path;
  std::optional<std::uint64_t> partial_bytes;  // a blobs/<etag>.incomplete of N bytes instead
};

struct ClientSetup {
  // Where tokens are placed; several at once test precedence (HF_TOKEN beats
  // the token file). Empty: no token anywhere.
  std::vector<TokenSetup> tokens;
  bool tokens_given = false;               // a `client` step without "token" keeps the current ones
  std::map<std::string, std::string> env;  // extra environment (HF_HUB_OFFLINE, ...)
  bool tls = false;
  std::optional<CdnFlavour> cdn;
  std::vector<CachedFile> cache;
};

struct FileExpectation {
  std::string path;
  std::string sha256;  // "" with from_hub: the hub's content at the step's revision
  bool from_hub = false;
};

namespace runner {
struct WireCheck;  // a row of the wire check registry (wire_checks.h)
}  // namespace runner

// One key under "wire", as read: its check and the value that check parsed
// (a bool, a count, a list of request counts...: the row's own type).
struct WireValue {
  const runner::WireCheck* check = nullptr;
  std::any value;
};

// The "wire" expectations of a step, in the registry's order (the order
// they are checked in); the keys the step does not name are absent.
struct WireExpectation {
  std::vector<WireValue> checks;
};

struct CacheExpectation {
  std::optional<std::uint64_t> blobs;  // number of complete blobs of the repo
  // *.incomplete files in blobs/ after the step: false = none may remain
  // ("no_incomplete": true says the same), true = at least one must remain
  // (the partial is kept for the next run); unset = not checked.
  std::optional<bool> incomplete;
  std::optional<std::uint64_t> incomplete_bytes;  // "incomplete": N, one of exactly N bytes
  std::map<std::string, std::string> refs;        // rev -> sha, or "hub" for the hub's
  std::vector<std::string> snapshot;              // paths present under snapshots/<commit>/
  std::vector<std::string> absent;                // paths absent from every snapshot
};

struct Expectation {
  std::optional<std::string> outcome;  // "ok" or an error kind (outcomes.h)
  std::vector<FileExpectation> files;
  std::vector<std::string> message;  // fragments of the error or warning text
  std::optional<CacheExpectation> cache;
  std::optional<WireExpectation> wire;
};

struct Step {
  enum class Kind {
    kDownload,
    kInfo,
    kWhoami,  // client actions
    kAdvanceClock,
    kRevokeToken,
    kExpireToken,
    kMoveBranch,  // hub changes
    kApprove,
    kRename,
    kClient,  // (kClient: change the client's setup)
  };
  Kind kind = Kind::kDownload;
  std::string name;     // for reports
  std::string pointer;  // "/steps/N"
  // Client actions.
  RepoType type = RepoType::kModel;
  std::string repo;
  std::string revision;  // "" = the client's default
  std::vector<std::string> files, include, exclude;
  HubChange change;                   // hub changes (mockhub/world/hub_change.h)
  std::optional<ClientSetup> client;  // kClient: replaces token and env
  std::optional<Expectation> expect;

  bool IsClientAction() const {
    return kind == Kind::kDownload || kind == Kind::kInfo || kind == Kind::kWhoami;
  }
  bool IsHubChange() const { return !IsClientAction() && kind != Kind::kClient; }
};

struct Scenario {
  std::string file;
  std::string name;  // file stem
  std::string description;
  std::string symptom;  // what the user saw, for the index of scenarios/README.md
  std::vector<std::string> tags, reproduces;
  nlohmann::json world_doc;  // the world, after base + patch
  World world;
  ClientSetup client;
  std::vector<Fault> faults;  // parsed once; each server counts their attempts afresh
  std::vector<Step> steps;
};

// Reads and checks a scenario file: the schema (unknown keys, types) and its
// meaning (repos, tokens, files and commits that exist in its world). On a
// bad file, the first of its errors.
Loaded<Scenario> LoadScenario(const std::string& path);
// Every error of a scenario file, in the order found (empty: it loads): one
// per independent part (a top-level section, a fault, a step, an expectation,
// a client setting), each naming the file and the JSON pointer.
std::vector<LoadError> ScenarioErrors(const std::string& path);

}  // namespace mockhub
