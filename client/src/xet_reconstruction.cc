// Reconstruction -> ordered units. See xet_reconstruction.h.
#include "xet_reconstruction.h"

#include <algorithm>

namespace hubget {
namespace {

const XetFetchEntry* EntryFor(const XetReconstruction& r, const XetTerm& t) {
  const auto it = r.fetch.find(t.xorb);
  if (it == r.fetch.end()) return nullptr;
  for (const auto& e : it->second) {
    if (e.chunks.start <= t.chunks.start && t.chunks.end <= e.chunks.end) return &e;
  }
  return nullptr;
}

std::string TermName(std::size_t i, const XetTerm& t) {
  return "term " + std::to_string(i) + " (xorb " + t.xorb + ", chunks " +
         std::to_string(t.chunks.start) + "-" + std::to_string(t.chunks.end - 1) + ")";
}

}  // namespace

Result<std::vector<XetUnit>> PlanUnits(const XetReconstruction& r, std::uint64_t start,
                                       std::uint64_t want) {
  auto unusable = [](const std::string& why) {
    return MakeError(Kind::kNotAHub, "the CAS answered a reconstruction hubget cannot use: " + why);
  };
  std::vector<XetUnit> units;
  std::uint64_t covered = 0;
  for (std::size_t i = 0; i < r.terms.size() && covered < want; ++i) {
    const XetTerm& t = r.terms[i];
    const XetFetchEntry* e = EntryFor(r, t);
    if (e == nullptr) return unusable("no fetch entry of its xorb contains " + TermName(i, t));
    const std::uint64_t skip = i == 0 ? r.offset_into_first_range : 0;
    if (skip >= t.unpacked_length) {
      return unusable("offset_into_first_range " + std::to_string(skip) +
                      " is not inside the first term's " + std::to_string(t.unpacked_length) +
                      " bytes");
    }
    XetUnit u;
    u.fetch = *e;
    u.slice.xorb = t.xorb;
    u.slice.range_first = e->chunks.start;
    u.slice.first = t.chunks.start;
    u.slice.end = t.chunks.end;
    u.slice.unpacked = t.unpacked_length;
    u.slice.skip = skip;
    u.slice.take = std::min(t.unpacked_length - skip, want - covered);
    u.file_offset = start + covered;
    covered += u.slice.take;
    units.push_back(std::move(u));
  }
  if (units.empty()) return unusable("it has no terms for bytes from " + std::to_string(start));
  return units;
}

}  // namespace hubget
