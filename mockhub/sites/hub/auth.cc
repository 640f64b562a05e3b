// The auth order of auth.h, step by step.
#include "mockhub/sites/hub/auth.h"

#include <algorithm>

#include "mockhub/base/text_parse.h"
#include "mockhub/sites/hub/hub_reply.h"

namespace mockhub {
namespace {

bool IsAsciiPrintable(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
}

std::string TrimWs(const std::string& s) { return std::string(Trim(s, " \t\r\n")); }

// A header that is present but not "Bearer <known token>" is invalid
// credentials, as on the Hub: the scheme is matched case-insensitively
// (RFC 9110), surrounding whitespace is ignored, anything else (Basic, no
// scheme, non-ASCII, empty) is rejected.
std::optional<HttpResponse> Authenticate(const HttpRequest& req, const World& world,
                                         const HubContext& ctx, Caller& caller) {
  if (!req.HasHeader("Authorization")) return std::nullopt;
  const std::string value = TrimWs(req.Header("Authorization"));
  auto invalid = [&] { return ErrorReply(401, "", messages::kInvalidCredentials, true, ctx); };
  const auto sp = value.find_first_of(" \t");
  if (sp == std::string::npos || !IsAsciiPrintable(value)) return invalid();
  if (!HeaderNameEquals(value.substr(0, sp), "Bearer")) return invalid();
  const std::string token = TrimWs(value.substr(sp));
  const Token* t = world.FindToken(token);
  if (t == nullptr || t->state == TokenState::kRevoked) return invalid();
  if (t->state == TokenState::kExpired || (t->expires_at && ctx.now >= *t->expires_at)) {
    return ErrorReply(401, "", messages::TokenExpired(t->name), true, ctx);
  }
  caller.token = t;
  caller.user = t->user;
  return std::nullopt;
}

bool CanSee(const Repo& repo, const Caller& caller, const World& world) {
  if (!repo.is_private) return true;
  if (!caller.token) return false;
  if (caller.user == repo.owner) return true;
  const User* u = world.FindUser(caller.user);
  return u && std::find(u->orgs.begin(), u->orgs.end(), repo.owner) != u->orgs.end();
}

bool IsMember(const Repo& repo, const Caller& caller, const World& world) {
  if (caller.user == repo.owner) return true;
  const User* u = world.FindUser(caller.user);
  return u && std::find(u->orgs.begin(), u->orgs.end(), repo.owner) != u->orgs.end();
}

// Gating applies to file contents only; metadata and listings stay readable.
std::optional<HttpResponse> CheckGate(const Repo& repo, const Caller& caller, const World& world,
                                      const HubContext& ctx, bool json_body) {
  if (repo.gated == Gating::kNone) return std::nullopt;
  if (!caller.token) {
    return ErrorReply(401, "GatedRepo", messages::GatedAnonymous(repo.type, repo.id), json_body,
                      ctx);
  }
  if (IsMember(repo, caller, world)) return std::nullopt;
  const bool approved = repo.approved.count(caller.user) > 0;
  const bool scoped = caller.token->role != TokenRole::kFineGrained || caller.token->gated_scope;
  if (approved && scoped) return std::nullopt;
  return ErrorReply(403, "GatedRepo",
                    messages::GatedNotAuthorized(repo.type, repo.id, ctx.endpoint), json_body, ctx);
}

Authorization Deny(HttpResponse res) {
  Authorization a;
  a.denied = std::move(res);
  return a;
}

}  // namespace

Authorization Authorize(const HttpRequest& req, const World& world, const HubContext& ctx,
                        const Ask& ask) {
  Authorization out;
  Caller& caller = out.access.caller;
  if (auto denied = Authenticate(req, world, ctx, caller)) return Deny(*denied);
  if (ask.what == Ask::What::kCaller) return out;

  const bool json = ask.json_errors;
  const Repo* repo = world.FindRepo(ask.type, ask.repo);
  if (!repo) {
    if (const std::string* to = world.RenamedTo(ask.type, ask.repo)) {
      out.renamed_to = *to;
      return out;
    }
  }
  if (!repo || !CanSee(*repo, caller, world)) {
    if (!caller.token)
      return Deny(ErrorReply(401, "", messages::kInvalidUsernamePassword, json, ctx));
    return Deny(ErrorReply(404, "RepoNotFound", messages::kRepoNotFound, json, ctx));
  }
  if (repo->disabled) return Deny(ErrorReply(403, "", messages::kDisabled, json, ctx));
  if (ask.what == Ask::What::kContents) {
    if (auto denied = CheckGate(*repo, caller, world, ctx, json)) return Deny(*denied);
  }
  const std::string revision = ask.revision.value_or(repo->default_branch);
  const Commit* commit = repo->Resolve(revision);
  if (!commit) {
    return Deny(ErrorReply(404, "RevisionNotFound", messages::InvalidRev(revision), json, ctx));
  }
  out.access.repo = repo;
  out.access.commit = commit;
  out.access.revision = revision;
  return out;
}

}  // namespace mockhub
