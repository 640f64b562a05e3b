// The CAS reconstruction request (xet-protocol.md §4): GET
// {casUrl}/v2/reconstructions/{hash} with the CAS token (the credential
// table's entry for the CAS origin) and Range: bytes=S-E in file
// coordinates; a CAS that answers v2 with 404 or 501 is asked v1 instead,
// and remembered, as hf_xet does. Transient failures are retried with the
// client's policy; a 401 renews the CAS token once (it may have been
// replaced or expired early) before it is an error. Internal.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include "hub/session.h"
#include "xet/xet_metadata.h"
#include "xet/xet_reconstruction.h"
#include "xet/xet_token.h"

namespace hubget {

// Which CAS origins answered v2 with 404/501.
class CasApiVersions {
 public:
  bool V1Only(const std::string& cas_url) const;
  void MarkV1Only(const std::string& cas_url);

 private:
  mutable std::mutex mu_;
  std::set<std::string> v1_only_;
};

// The reconstruction of the file bytes [first, last] (inclusive). Errors
// carry the step "Xet reconstruction": a CAS 401 after a fresh token is
// invalid_token saying that the CAS, not the Hub, refused; a 404 from v1 is
// not_a_hub (the CAS does not know the hash the Hub advertised); 416 is
// integrity (the CAS thinks the file shorter); an unusable body not_a_hub.
Result<XetReconstruction> FetchReconstruction(Session& session, XetTokenCache& tokens,
                                              CasApiVersions& versions, const XetFileInfo& info,
                                              std::uint64_t first, std::uint64_t last,
                                              const CallContext& ctx);

}  // namespace hubget
