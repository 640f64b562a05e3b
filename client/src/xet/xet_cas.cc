// The reconstruction request. See xet_cas.h.
#include "xet/xet_cas.h"

#include "hub/capped_body.h"
#include "hubget/url.h"
#include "xet/xet_json.h"

namespace hubget {

bool CasApiVersions::V1Only(const std::string& cas_url) const {
  std::lock_guard<std::mutex> lock(mu_);
  return v1_only_.count(cas_url) > 0;
}

void CasApiVersions::MarkV1Only(const std::string& cas_url) {
  std::lock_guard<std::mutex> lock(mu_);
  v1_only_.insert(cas_url);
}

namespace {

std::string HostOf(const std::string& url) {
  const auto u = ParseUrl(url);
  return u ? u->host : url;
}

std::string ServerText(const Error& e) {
  return e.reply.message.empty() ? std::string() : ": " + e.reply.message;
}

constexpr const char* kBridgeHint =
    "Set HF_HUB_DISABLE_XET=1 (or pass --no-xet) to download through the bridge URL instead.";

// A refusal of the CAS, as a person can act on it.
Error CasRefusal(const Session& session, const HttpResponse& r, const std::string& url,
                 const XetFileInfo& info, const CallContext& ctx) {
  Error e = session.ErrorFor(r, url, ctx);
  const std::string cas = "the CAS at " + HostOf(url);
  const std::string file = ctx.path.empty() ? "the file" : "'" + ctx.path + "'";
  if (r.status == 401) {
    e.kind = Kind::kInvalidToken;
    e.cause = cause::Told{
        cas + " rejected the Xet access token (401" + ServerText(e) +
        ") that the Hub's token exchange issued for " + file +
        ", also after a fresh exchange. The Hub token itself was accepted; a CAS that "
        "refuses the Hub's tokens means a local clock far off (run `hubget doctor`) or a "
        "mirror whose token route and CAS do not belong together. " +
        kBridgeHint};
  } else if (r.status == 403) {
    e.kind = Kind::kForbidden;
    e.cause = cause::Told{cas + " refused the reconstruction of " + file + " (403" + ServerText(e) +
                          ") with the Xet token the Hub issued. " + kBridgeHint};
  } else if (r.status == 404) {
    e.kind = Kind::kNotAHub;
    e.detail = cas + " does not know the Xet hash " + info.hash + " the Hub advertised for " +
               file + " (404); " + kBridgeHint;
  } else if (r.status == 416) {
    e.kind = Kind::kIntegrity;
    e.detail = cas +
               " says the file ends before the bytes asked for (416), though the Hub's "
               "X-Linked-Size says otherwise";
  } else if (e.kind == Kind::kEntryNotFound || e.kind == Kind::kRepoNotFound) {
    e.kind = Kind::kHttp;  // the CAS speaks no Hub error codes
  }
  return e;
}

Result<XetReconstruction> Parse(const std::string& body, bool v1) {
  return v1 ? ParseReconstructionV1(body) : ParseReconstructionV2(body);
}

}  // namespace

Result<XetReconstruction> FetchReconstruction(Session& session, XetTokenCache& tokens,
                                              CasApiVersions& versions, const XetFileInfo& info,
                                              std::uint64_t first, std::uint64_t last,
                                              const CallContext& ctx) {
  bool renewed = false;  // once per call
  bool renew = false;
  for (;;) {
    auto token = tokens.Get(session, info.auth_url, ctx, renew);
    renew = false;
    if (!token) return token.error();
    const bool v1 = versions.V1Only(token->cas_url);
    const std::string url = token->cas_url + (v1 ? "/v1" : "/v2") + "/reconstructions/" + info.hash;
    auto fail = [&](Error e) {
      e = session.Decorate(std::move(e), url, ctx);
      e.step = "Xet reconstruction (GET " + url + ")";
      return e;
    };
    // The CAS token: the credential table's entry for the CAS's origin.
    auto res = GetJson(
        session, url, kMaxReconstructionBody, "CAS's reconstruction answer", [&](HttpRequest& req) {
          req.headers.Add("Range", "bytes=" + std::to_string(first) + "-" + std::to_string(last));
        });
    if (!res) return fail(res.error());
    const HttpResponse& r = res.value();
    if (r.status >= 200 && r.status < 300) {
      auto parsed = Parse(r.body, v1);
      if (!parsed) return fail(parsed.error());
      return parsed;
    }
    if (!v1 && (r.status == 404 || r.status == 501)) {
      versions.MarkV1Only(token->cas_url);
      continue;
    }
    if (r.status == 401 && !renewed) {
      renewed = renew = true;
      continue;
    }
    return fail(CasRefusal(session, r, url, info, ctx));
  }
}

}  // namespace hubget
