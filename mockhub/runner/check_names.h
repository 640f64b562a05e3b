// The names a step's failures carry (CheckFailure::check) and that an
// adapter's expected_failures may declare: the expectation checks
// (expect.cc), every row of the wire registry (wire_checks.h), and the
// runner's own ("client", "env", "mock"). A declaration names one of them
// or a glob over them; one that names none is a load error, so a typo
// ("wire.token_to_cnd") cannot silently waive nothing.
#pragma once

#include <string>
#include <vector>

#include "mockhub/base/status.h"

namespace mockhub::runner {

// Every check an adapter may declare, in the order of scenarios/README.md.
std::vector<std::string> DeclarableChecks();

// Ok when `name` (a check's name or a glob, as FindWaiver matches it)
// names at least one declarable check; otherwise why not, for the adapter's
// load error.
Status CheckDeclarable(const std::string& name);

}  // namespace mockhub::runner
