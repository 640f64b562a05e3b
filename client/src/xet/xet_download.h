// The Xet download of one file (xet-protocol.md §0): from the partial
// file's size on, block by block (at most 256 MiB of file bytes per
// reconstruction, as hf_xet asks), a reconstruction from the CAS (the token
// exchange first, renewed 30 s before it expires), then a round of xorb
// range GETs written in order into the same `.incomplete` the plain GET
// uses, so a resume works across processes and across the two paths. A
// round cut short by a CDN 403 (expired presigned URLs) is followed by a
// reconstruction of what is still missing, at most kMaxRefreshes times in a
// row without progress. The sha256 is checked against the etag at the end,
// as for any blob. Internal.
#pragma once

#include <cstdint>
#include <string>

#include "fetch/blob_fetch.h"
#include "hub/session.h"
#include "xet/xet_cas.h"
#include "xet/xet_metadata.h"
#include "xet/xet_round.h"
#include "xet/xet_token.h"

namespace hubget {

// Decoded bytes that units ahead of the write position may hold, per client
// (measured: a 400 MiB file peaks at 24 MiB RSS with 64 MiB xorbs, all
// streamed, and 30 MiB with 4 MiB xorbs, buffered ahead; 8 MiB here gave
// 34 MiB).
inline constexpr std::uint64_t kXetBufferBudget = 4u << 20;

// What the Xet downloads of one Client share.
struct XetState {
  XetTokenCache tokens;
  CasApiVersions versions;
  BufferBudget budget{kXetBufferBudget};
};

struct XetOptions {
  int parallel = 4;                    // xorb range GETs in flight per file
  std::uint64_t block = 256ull << 20;  // file bytes per reconstruction
};

// Like FetchToPartial (blob_fetch.h), through the Xet protocol. An integrity
// error (a chunk that does not decode, a term of the wrong length, a wrong
// sha256) deletes the partial file; any other error keeps it to resume.
Result<FetchResult> FetchXetToPartial(Session& session, XetState& state, const XetFileInfo& info,
                                      const FetchTarget& target, const FetchHooks& hooks,
                                      const CallContext& ctx, const XetOptions& options = {});

// For `hubget doctor`: the token exchange, then the reconstruction of the
// first byte (when the file has one). A sentence saying what answered.
Result<std::string> ProbeXet(Session& session, XetState& state, const XetFileInfo& info,
                             std::uint64_t size, const CallContext& ctx);

}  // namespace hubget
