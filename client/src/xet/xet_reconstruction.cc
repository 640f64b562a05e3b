// Reconstruction -> ordered units. See xet_reconstruction.h.
#include "xet/xet_reconstruction.h"

#include <algorithm>
#include <unordered_map>

namespace hubget {
namespace {

// Per xorb, its entries sorted by chunk start, with the running widest
// (largest end) among them: the entry containing [s, e) is the last one
// starting at or before s when it reaches e (the only one, for the
// disjoint entries a CAS sends), else the widest of those before it when
// that one does; else none does.
class EntryIndex {
 public:
  explicit EntryIndex(const XetReconstruction& r) {
    for (const auto& [xorb, entries] : r.fetch) {
      Sorted& s = by_xorb_[xorb];
      for (const auto& e : entries) s.by_start.push_back(&e);
      std::stable_sort(s.by_start.begin(), s.by_start.end(),
                       [](const XetFetchEntry* a, const XetFetchEntry* b) {
                         return a->chunks.start < b->chunks.start;
                       });
      s.widest.resize(s.by_start.size());
      for (std::size_t i = 0; i < s.by_start.size(); ++i) {
        const bool wider =
            i == 0 || s.by_start[i]->chunks.end > s.by_start[s.widest[i - 1]]->chunks.end;
        s.widest[i] = wider ? i : s.widest[i - 1];
      }
    }
  }

  const XetFetchEntry* Find(const XetTerm& t, PlanStats& stats) const {
    const auto it = by_xorb_.find(t.xorb);
    if (it == by_xorb_.end()) return nullptr;
    const Sorted& s = it->second;
    std::size_t lo = 0;  // the first entry starting after t: binary search
    std::size_t hi = s.by_start.size();
    while (lo < hi) {
      ++stats.probes;
      const std::size_t mid = lo + (hi - lo) / 2;
      if (s.by_start[mid]->chunks.start <= t.chunks.start) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == 0) return nullptr;
    for (const XetFetchEntry* e : {s.by_start[lo - 1], s.by_start[s.widest[lo - 1]]}) {
      ++stats.probes;
      if (t.chunks.end <= e->chunks.end) return e;
    }
    return nullptr;
  }

 private:
  struct Sorted {
    std::vector<const XetFetchEntry*> by_start;
    std::vector<std::size_t> widest;  // [i]: index of the largest end in by_start[0..i]
  };
  std::unordered_map<std::string, Sorted> by_xorb_;
};

std::string TermName(std::size_t i, const XetTerm& t) {
  return "term " + std::to_string(i) + " (xorb " + t.xorb + ", chunks " +
         std::to_string(t.chunks.start) + "-" + std::to_string(t.chunks.end - 1) + ")";
}

}  // namespace

Result<std::vector<XetUnit>> PlanUnits(const XetReconstruction& r, std::uint64_t start,
                                       std::uint64_t want, PlanStats* stats) {
  auto unusable = [](const std::string& why) {
    return MakeError(Kind::kNotAHub, "the CAS answered a reconstruction hubget cannot use: " + why);
  };
  PlanStats local;
  PlanStats& counted = stats != nullptr ? *stats : local;
  const EntryIndex index(r);
  std::vector<XetUnit> units;
  std::uint64_t covered = 0;
  for (std::size_t i = 0; i < r.terms.size() && covered < want; ++i) {
    const XetTerm& t = r.terms[i];
    const XetFetchEntry* e = index.Find(t, counted);
    if (e == nullptr) return unusable("no fetch entry of its xorb contains " + TermName(i, t));
    const std::uint64_t skip = i == 0 ? r.offset_into_first_range : 0;
    if (skip >= t.unpacked_length) {
      return unusable("offset_into_first_range " + std::to_string(skip) +
                      " is not inside the first term's " + std::to_string(t.unpacked_length) +
                      " bytes");
    }
    XetUnit u;
    u.fetch = e;
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
