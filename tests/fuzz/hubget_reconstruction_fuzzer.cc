// Fuzzes hubget's reader of CAS reconstructions (xet_json.h, v1 and v2)
// and the planner (PlanUnits) for what they cost, not only for crashes:
// the input is the body as the CAS would send it. What a parse keeps is
// bounded by the input (each term and each fetch entry needs at least 58
// bytes of JSON; a term or an entry kept costs about as much, so the terms,
// entries and hashes together stay under three times the input), the
// counts stay under their caps, URL copies under theirs, and the plan is
// made with a number of index probes logarithmic per term, never a scan.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "xet/xet_json.h"
#include "xet/xet_reconstruction.h"

namespace {

// A broken promise: which one, then abort (libFuzzer keeps the input).
#define EXPECT_HOLDS(cond)                                                    \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                           \
    }                                                                         \
  } while (false)

// The smallest JSON a term can be: {"hash":"x","range":{"start":0,"end":1},"unpacked_length":0}.
constexpr std::uint64_t kMinTermJson = 60;
// ... and a fetch entry (a v2 range): {"chunks":{"start":0,"end":1},"bytes":{"start":0,"end":0}}.
constexpr std::uint64_t kMinEntryJson = 58;

std::uint64_t Bits(std::uint64_t n) {
  std::uint64_t b = 0;
  for (; n > 0; n >>= 1) ++b;
  return b;
}

void Check(const hubget::Result<hubget::XetReconstruction>& r, std::uint64_t input) {
  if (!r) return;
  const std::uint64_t terms = r->terms.size();
  std::uint64_t entries = 0;
  std::uint64_t kept = terms * sizeof(hubget::XetTerm);
  std::uint64_t urls = 0;
  for (const hubget::XetTerm& t : r->terms) kept += t.xorb.size();
  for (const auto& [xorb, list] : r->fetch) {
    entries += list.size();
    kept += list.size() * sizeof(hubget::XetFetchEntry);
    for (const hubget::XetFetchEntry& e : list) urls += e.url.size();
  }
  EXPECT_HOLDS(terms <= hubget::kMaxReconstructionTerms);
  EXPECT_HOLDS(entries <= hubget::kMaxReconstructionEntries);
  EXPECT_HOLDS(terms * kMinTermJson <= input);
  EXPECT_HOLDS(entries * kMinEntryJson <= input);
  EXPECT_HOLDS(kept <= 3 * input);
  EXPECT_HOLDS(urls <= hubget::kMaxReconstructionUrlBytes);

  hubget::PlanStats stats;
  auto units = hubget::PlanUnits(*r, 0, UINT64_MAX, &stats);
  // Per term: a binary search over its xorb's entries and two checks.
  EXPECT_HOLDS(stats.probes <= terms * (Bits(entries) + 2));
  if (!units) return;
  EXPECT_HOLDS(units->size() <= terms);
  for (const hubget::XetUnit& u : *units) {
    const auto& list = r->fetch.at(u.slice.xorb);  // points into the reconstruction
    EXPECT_HOLDS(u.fetch >= list.data() && u.fetch < list.data() + list.size());
    EXPECT_HOLDS(u.fetch->chunks.start <= u.slice.first && u.slice.end <= u.fetch->chunks.end);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  Check(hubget::ParseReconstructionV1(body), size);
  Check(hubget::ParseReconstructionV2(body), size);
  return 0;
}
