// The Xet wing's one door (xet-protocol.md). A download asks it once per
// file whether the file is stored with Xet (the signals of its resolve
// answer, xet_metadata.h) and, when it is, for its bytes through the token
// exchange, the CAS and the xorb ranges (xet_download.h); doctor asks for
// its probe. The rest of src/xet/ stays behind this header, and the state
// the Xet downloads of one Client share is held through a forward-declared
// pointer: the Client's entry points compile none of Xet's headers, and the
// Hub's HEAD (hub/metadata.h) knows nothing of Xet but that a Xet file's
// redirect holds its metadata. Internal.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hubget/result.h"

namespace hubget {

class Headers;
class Session;
struct CallContext;
struct FetchHooks;
struct FetchResult;
struct FetchTarget;

// What the Xet downloads of one Client share: the CAS token cache, the CAS
// API versions, the buffer budget (xet_download.h).
struct XetState;
struct XetStateDeleter {
  void operator()(XetState* state) const;
};
using XetStatePtr = std::unique_ptr<XetState, XetStateDeleter>;
XetStatePtr NewXetState();

// The file's bytes into `target` through Xet when `answer` (the headers of
// the resolve answer that held its metadata) says it is stored with Xet.
// nullopt when it does not: `*problem` then says why an X-Xet-Hash it
// carried could not be used ("" when it carried none), and the caller GETs
// the Location (the bridge), as huggingface_hub without hf_xet does.
std::optional<Result<FetchResult>> FetchXetFile(XetState& state, Session& session,
                                                const Headers& answer, const FetchTarget& target,
                                                const FetchHooks& hooks, const CallContext& ctx,
                                                std::string* problem);

// doctor's look at a Xet file (ProbeXet, xet_download.h); nullopt when
// `answer` does not make the file one.
std::optional<Result<std::string>> ProbeXetFile(XetState& state, Session& session,
                                                const Headers& answer, std::uint64_t size,
                                                const CallContext& ctx);

}  // namespace hubget
