// Rounds of reconstruction + xorb ranges into the partial file. See
// xet_download.h.
#include "xet/xet_download.h"

#include <algorithm>

#include "fetch/resume_rules.h"
#include "hubget/url.h"

namespace hubget {
namespace {

std::string HostOf(const std::string& url) {
  const auto u = ParseUrl(url);
  return u ? u->host : url;
}

class XetFetch {
 public:
  XetFetch(Session& session, XetState& state, const XetFileInfo& info, PartialFile& file,
           const FetchHooks& hooks, const CallContext& ctx, const XetOptions& options)
      : session_(session),
        state_(state),
        info_(info),
        file_(file),
        hooks_(hooks),
        ctx_(ctx),
        options_(options) {}

  Result<FetchResult> Run();

 private:
  // One reconstruction and its round, from the file's end.
  Result<RoundEnd> Block();
  Error Expired(Error refusal) const;

  Session& session_;
  XetState& state_;
  const XetFileInfo& info_;
  PartialFile& file_;
  const FetchHooks& hooks_;
  const CallContext& ctx_;
  const XetOptions& options_;
  Error last_refusal_;
};

Result<RoundEnd> XetFetch::Block() {
  const std::uint64_t size = file_.expected().size;
  const std::uint64_t first = file_.size();
  const std::uint64_t last =
      std::min(size - first, std::max<std::uint64_t>(options_.block, 1)) + first - 1;
  auto recon =
      FetchReconstruction(session_, state_.tokens, state_.versions, info_, first, last, ctx_);
  if (!recon) return recon.error();
  auto units = PlanUnits(*recon, first, last - first + 1);
  if (!units) {
    Error e = session_.Decorate(units.error(), "", ctx_);
    e.step = "Xet reconstruction";
    return e;
  }
  auto round = RunRound(session_, file_, state_.budget, *units, hooks_, ctx_,
                        std::max(1, options_.parallel));
  if (!round) return round.error();
  if (round->end == RoundEnd::kExpired) last_refusal_ = round->refusal;
  return round->end;
}

// The CDN kept refusing fresh URLs: what hubget did, what is kept.
Error XetFetch::Expired(Error refusal) const {
  refusal.detail = "hubget asked the CAS for fresh xorb URLs " + std::to_string(kMaxRefreshes) +
                   " times and the CDN refused each one";
  if (file_.size() > 0) {
    refusal.detail += "; the " + std::to_string(file_.size()) +
                      " bytes already downloaded are kept in " + file_.path() +
                      " and the next run resumes from them";
  }
  return refusal;
}

Result<FetchResult> XetFetch::Run() {
  const std::uint64_t start = file_.size();
  int refreshes = 0;  // in a row, without progress
  if (hooks_.progress) hooks_.progress({ctx_.path, start, file_.expected().size});  // resume point
  while (file_.size() < file_.expected().size) {
    if (hooks_.cancel.cancelled()) {
      return session_.Decorate(MakeError(Kind::kCancelled, "download of " + ctx_.path), "", ctx_);
    }
    const std::uint64_t before = file_.size();
    auto end = Block();
    if (!end) return end.error();
    if (file_.size() > before) refreshes = 0;
    if (*end == RoundEnd::kExpired && ++refreshes > kMaxRefreshes) return Expired(last_refusal_);
    if (*end == RoundEnd::kDone && file_.size() == before) {
      return session_.Decorate(
          MakeError(Kind::kNotAHub, "the CAS's reconstruction added no byte to the file"), "",
          ctx_);
    }
  }
  auto digest = file_.Verify();
  if (!digest) return digest.error();
  FetchResult out;
  out.sha256 = digest.value();
  out.transferred = file_.size() - start;
  if (hooks_.progress) hooks_.progress({ctx_.path, file_.size(), file_.expected().size});
  return out;
}

}  // namespace

Result<FetchResult> FetchXetToPartial(Session& session, XetState& state, const XetFileInfo& info,
                                      const FetchTarget& target, const FetchHooks& hooks,
                                      const CallContext& ctx, const XetOptions& options) {
  // Bytes that did not decode as they should are no resume point
  // (RunIntoPartial deletes the partial file after an integrity error).
  return RunIntoPartial(target, [&](PartialFile& file) {
    return XetFetch(session, state, info, file, hooks, ctx, options).Run();
  });
}

Result<std::string> ProbeXet(Session& session, XetState& state, const XetFileInfo& info,
                             std::uint64_t size, const CallContext& ctx) {
  auto token = state.tokens.Get(session, info.auth_url, ctx);
  if (!token) return token.error();
  const std::string cas = HostOf(token->cas_url);
  if (size == 0) return "the Xet token exchange answers (CAS " + cas + "); the file is empty";
  auto recon = FetchReconstruction(session, state.tokens, state.versions, info, 0, 0, ctx);
  if (!recon) return recon.error();
  return "the Xet token exchange answers and the CAS " + cas + " serves the file's reconstruction";
}

}  // namespace hubget
