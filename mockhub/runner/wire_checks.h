// The wire checks as a registry. Each row is one key under a step's
// "expect": {"wire": {...}}: its name, how its value is read, how it is
// checked against the step's journal, the capability it needs and a
// one-line doc. Everything that used to repeat the names reads this table:
// the scenario reader (which keys exist, scenario_expect.cc), CheckWire
// (expect_wire.cc), the names an adapter may declare (check_names.cc), and
// the tests that hold scenarios/schema.json and scenarios/README.md to it
// (tests/runner/wire_checks_test.cc). So a new wire check is one row with
// its parse and check functions (expect_wire.cc), one schema property and
// one README row.
#pragma once

#include <any>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "expect.h"
#include "scenario_reader.h"

namespace mockhub::runner {

using WireEntries = std::vector<JournalEntry>;
using WireFailures = std::vector<CheckFailure>;

struct WireCheck {
  // The key under "wire"; its failures are named "wire." + name (what an
  // adapter's expected_failures declares).
  std::string name;
  // Reads wire[name] (present) into `out`; a bad value is recorded in the
  // reader at ptr + "/" + name, as every scenario error is.
  std::function<bool(ScenarioReader& r, const nlohmann::json& wire, const std::string& ptr,
                     std::any& out)>
      parse;
  // Appends one failure per thing that does not hold (CheckWire names
  // them). `caps` is there for checks that apply to some requests only.
  std::function<void(const std::any& value, const WireEntries& entries, const Caps& caps,
                     WireFailures& out)>
      check;
  // The check applies only to clients with this capability (nullptr: to
  // every client); scenarios/README.md's capability table says the same.
  bool Caps::*gate = nullptr;
  // One line: the README table's cell and schema.json's description.
  std::string doc;
};

// Readers of a value of wire[key] as the scenario reader has them, in the
// shape a row's parse takes.
template <typename T>
using WireReader = bool (*)(ScenarioReader& r, const nlohmann::json& wire, const std::string& ptr,
                            const char* key, T& out);
template <typename T>
using WireChecker =
    std::function<void(const T& value, const WireEntries& entries, const Caps&, WireFailures&)>;

// A row whose value is read as a T and checked as that T.
template <typename T>
WireCheck MakeWireCheck(std::string name, WireReader<T> read, WireChecker<T> check,
                        bool Caps::*gate, std::string doc) {
  WireCheck row;
  row.parse = [read, key = name](ScenarioReader& r, const nlohmann::json& wire,
                                 const std::string& ptr, std::any& out) {
    T value{};
    if (!read(r, wire, ptr, key.c_str(), value)) return false;
    out = std::move(value);
    return true;
  };
  row.check = [check](const std::any& value, const WireEntries& entries, const Caps& caps,
                      WireFailures& out) {
    check(std::any_cast<const T&>(value), entries, caps, out);
  };
  row.name = std::move(name);
  row.gate = gate;
  row.doc = std::move(doc);
  return row;
}

// `true` or `false`.
bool ReadWireBool(ScenarioReader& r, const nlohmann::json& wire, const std::string& ptr,
                  const char* key, bool& out);

// Every wire check, in the order they are checked and their failures
// reported (expect_wire.cc).
const std::vector<WireCheck>& WireChecks();
const WireCheck* FindWireCheck(const std::string& name);

// The token checks by site (expect_tokens.cc), the first rows of
// WireChecks(): what each means follows from its site's credential.
std::vector<WireCheck> TokenChecks();

}  // namespace mockhub::runner
