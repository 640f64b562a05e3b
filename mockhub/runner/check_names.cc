// See check_names.h.
#include "check_names.h"

#include <algorithm>

#include "mockhub/faults/faults.h"
#include "step_report.h"
#include "wire_checks.h"

namespace mockhub::runner {

std::vector<std::string> DeclarableChecks() {
  std::vector<std::string> names = {"outcome",        "message",          "files",
                                    "cache.blobs",    "cache.incomplete", "cache.refs",
                                    "cache.snapshot", "cache.absent"};
  for (const WireCheck& c : WireChecks()) names.push_back("wire." + c.name);
  // The runner's own: the client could not run or was killed ("client"),
  // its environment leads out of its folder ("env"), the mock still had
  // answers in flight ("mock").
  for (const char* own : {"client", "env", "mock"}) names.emplace_back(own);
  return names;
}

Status CheckDeclarable(const std::string& name) {
  if (name == kJournalDroppedCheck) {
    return InvalidArgument(std::string(kJournalDroppedCheck) +
                           " cannot be declared: a step whose requests outgrow the journal is "
                           "never passed on part of them");
  }
  const std::vector<std::string> names = DeclarableChecks();
  if (std::any_of(names.begin(), names.end(),
                  [&](const std::string& n) { return GlobMatch(name, n); })) {
    return Status::Ok();
  }
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  const bool glob = name.find_first_of("*?") != std::string::npos;
  return InvalidArgument(
      (glob ? "the glob \"" + name + "\" matches no check" : "unknown check \"" + name + "\"") +
      " (the checks: " + list + ")");
}

}  // namespace mockhub::runner
