// The Hub's auth order as one callable function, so that every route (and
// every route added later, such as Xet's token exchange) answers the auth
// table the same way:
//   1. credentials: an Authorization header that is not "Bearer <valid
//      token>" fails everywhere with 401, even on public repos;
//   2. renames: an old repo id answers a relative 307 to the new one;
//   3. visibility: a private or missing repo is 401 anonymous, 404 with a
//      token;
//   4. disabled repos: 403;
//   5. gating, for file contents only: 401 anonymous, 403 not approved (or a
//      fine-grained token without the gated-repos scope);
//   6. the revision: 404 RevisionNotFound.
#pragma once

#include <optional>
#include <string>

#include "mockhub/http/http_types.h"
#include "mockhub/sites/hub/hub_context.h"
#include "mockhub/world/world.h"

namespace mockhub {

// Who is asking: a known, valid token and its user, or anonymous.
struct Caller {
  const Token* token = nullptr;  // nullptr: anonymous
  std::string user;
};

// What a route asks for.
struct Ask {
  enum class What {
    kCaller,    // only who is asking (whoami, and every route before routing)
    kMetadata,  // a repo's metadata and listings: steps 1-4 and 6
    kContents,  // a file's contents: steps 1-6
  } what = What::kCaller;
  RepoType type = RepoType::kModel;
  std::string repo;
  std::optional<std::string> revision;  // none: the repo's default branch
  bool json_errors = true;              // API routes answer errors in JSON, file routes in text
};

struct Access {
  Caller caller;
  const Repo* repo = nullptr;      // set for kMetadata and kContents
  const Commit* commit = nullptr;  // the resolved revision
  std::string revision;            // as asked, or the default branch
};

// Either a refusal to send as is, the repo's new id (the route builds its
// own 307), or access.
struct Authorization {
  std::optional<HttpResponse> denied;
  std::optional<std::string> renamed_to;
  Access access;
  bool granted() const { return !denied && !renamed_to; }
};

Authorization Authorize(const HttpRequest& request, const World& world, const HubContext& ctx,
                        const Ask& ask);

}  // namespace mockhub
