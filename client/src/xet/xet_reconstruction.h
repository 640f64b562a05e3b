// A CAS reconstruction (xet-protocol.md §4) and the plan made from it: the
// ordered terms (a chunk range of a xorb and its decoded length), the
// presigned URLs that serve each xorb's byte ranges (v1 `fetch_info` and v2
// `xorbs` both end up as single-range entries: a v2 entry with several
// ranges becomes one entry per range on the same URL, as hf_xet does by
// default), and the bytes to drop from the first term. The plan says, term
// by term, which URL and byte range to GET and which decoded bytes land
// where in the file. Internal.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hubget/result.h"
#include "xet/xet_chunks.h"

namespace hubget {

struct XetRange {
  std::uint64_t start = 0;
  std::uint64_t end = 0;  // chunks: exclusive; bytes: inclusive
};

struct XetFetchEntry {
  std::string url;  // presigned: no Authorization
  XetRange chunks;  // [start, end)
  XetRange bytes;   // [start, end]: exactly this Range is sent
};

struct XetTerm {
  std::string xorb;
  XetRange chunks;  // [start, end)
  std::uint64_t unpacked_length = 0;
};

struct XetReconstruction {
  std::uint64_t offset_into_first_range = 0;
  std::vector<XetTerm> terms;
  std::map<std::string, std::vector<XetFetchEntry>> fetch;  // by xorb
};

// One GET of the plan: the entry to fetch and what of it the file keeps.
// It points into the reconstruction it was planned from (a URL is not
// copied per term), which must outlive it.
struct XetUnit {
  const XetFetchEntry* fetch = nullptr;
  TermSlice slice;
  std::uint64_t file_offset = 0;  // where slice.take bytes land
};

// Work PlanUnits did, for tests of its cost: entries looked at.
struct PlanStats {
  std::uint64_t probes = 0;
};

// The units for the file bytes [start, start + want): term by term, a
// fetch entry of its xorb that contains its chunks (found through an index
// by xorb and chunk start, O(log n) a term: the one starting closest
// before the term, so the least is fetched before it); term 0 loses
// offset_into_first_range bytes, the last is cut at `want`. The plan may
// cover less than `want` (a server that answers a smaller range): the
// caller asks again from where it ends. kNotAHub, naming the term, when
// the reconstruction cannot be used (no entry for a term, an offset past
// the first term, nothing at all).
Result<std::vector<XetUnit>> PlanUnits(const XetReconstruction& r, std::uint64_t start,
                                       std::uint64_t want, PlanStats* stats = nullptr);

}  // namespace hubget
