// Fuzzes hubget's readers of the Hub's JSON bodies (api_json.h: repo info,
// tree pages, the tree cache, whoami, error bodies) and of the Xet hops
// (xet_json.h: the CAS token, v1 and v2 reconstructions), then plans the
// downloads of every reconstruction that parses (PlanUnits), checking what
// the plan promises. Every input goes through every parser: each is a value
// or an error, never a crash or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hub/api_json.h"
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

void CheckPlan(const hubget::XetReconstruction& r, std::uint64_t start, std::uint64_t want) {
  auto units = hubget::PlanUnits(r, start, want);
  if (!units) return;
  std::uint64_t covered = 0;
  for (const hubget::XetUnit& u : *units) {
    EXPECT_HOLDS(u.slice.range_first <= u.slice.first && u.slice.first < u.slice.end);
    EXPECT_HOLDS(u.fetch->chunks.start <= u.slice.first && u.slice.end <= u.fetch->chunks.end);
    EXPECT_HOLDS(u.fetch->bytes.start <= u.fetch->bytes.end);
    EXPECT_HOLDS(u.slice.skip < u.slice.unpacked &&
                 u.slice.take <= u.slice.unpacked - u.slice.skip);
    EXPECT_HOLDS(u.file_offset == start + covered);
    covered += u.slice.take;
  }
  EXPECT_HOLDS(covered <= want);
}

void CheckReconstruction(const hubget::Result<hubget::XetReconstruction>& r) {
  if (!r) return;
  for (const hubget::XetTerm& t : r->terms) EXPECT_HOLDS(t.chunks.start < t.chunks.end);
  for (const auto& [xorb, entries] : r->fetch) {
    for (const hubget::XetFetchEntry& e : entries) {
      EXPECT_HOLDS(e.url.rfind("http://", 0) == 0 || e.url.rfind("https://", 0) == 0);
      EXPECT_HOLDS(e.chunks.start < e.chunks.end && e.bytes.start <= e.bytes.end);
    }
  }
  CheckPlan(*r, 0, UINT64_MAX);
  CheckPlan(*r, 1000, 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  (void)hubget::ParseRepoInfo(body);
  (void)hubget::ParseTreePage(body);
  if (auto cached = hubget::ParseTreeCache(body)) {
    // What the cache reads back, it can write and read again the same.
    auto again = hubget::ParseTreeCache(hubget::TreeCacheJson(*cached));
    EXPECT_HOLDS(again && again->size() == cached->size());
  }
  (void)hubget::ParseWhoami(body);
  (void)hubget::ParseJsonErrorMessage(body);
  if (auto token = hubget::ParseCasToken(body)) {
    EXPECT_HOLDS(!token->access_token.empty());
    EXPECT_HOLDS(token->cas_url.empty() || token->cas_url.back() != '/');
  }
  CheckReconstruction(hubget::ParseReconstructionV1(body));
  CheckReconstruction(hubget::ParseReconstructionV2(body));
  return 0;
}
