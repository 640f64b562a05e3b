// The Xet wing's door: its signals read, then the download or the probe.
// See xet.h.
#include "xet/xet.h"

#include "xet/xet_download.h"
#include "xet/xet_metadata.h"

namespace hubget {

void XetStateDeleter::operator()(XetState* state) const { delete state; }

XetStatePtr NewXetState() { return XetStatePtr(new XetState); }

std::optional<Result<FetchResult>> FetchXetFile(XetState& state, Session& session,
                                                const Headers& answer, const FetchTarget& target,
                                                const FetchHooks& hooks, const CallContext& ctx,
                                                std::string* problem) {
  const auto info = XetFileInfoFrom(answer, problem);
  if (!info) return std::nullopt;
  return FetchXetToPartial(session, state, *info, target, hooks, ctx);
}

std::optional<Result<std::string>> ProbeXetFile(XetState& state, Session& session,
                                                const Headers& answer, std::uint64_t size,
                                                const CallContext& ctx) {
  const auto info = XetFileInfoFrom(answer, nullptr);
  if (!info) return std::nullopt;
  return ProbeXet(session, state, *info, size, ctx);
}

}  // namespace hubget
