// The hub's answers once a route is authorized: files (hub_files.cc), the
// API (hub_api.cc) and Xet (hub_xet.cc). Internal to the hub; the handlers
// are the rows of HandleHub's route table (hub.cc), called after Authorize.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "mockhub/http/url.h"
#include "mockhub/sites/hub/auth.h"
#include "mockhub/sites/hub/hub_context.h"
#include "mockhub/sites/hub/hub_routes.h"

namespace mockhub {

// Route handlers (see HubCall, hub_routes.h).
// /resolve, /raw and /api/resolve-cache: a file of the commit.
HttpResponse ResolveFile(const HubCall& call);
// /api/{type}s/{repo}[/revision/{rev}]
HttpResponse RepoInfo(const HubCall& call);
// POST /api/{type}s/{repo}/paths-info[/{rev}]
HttpResponse PathsInfo(const HubCall& call);
// /api/{type}s/{repo}/tree/{rev}[/{path}]
HttpResponse Tree(const HubCall& call);
// GET /api/{type}s/{repo}/xet-read-token/{rev}: a CAS token for the repo
// (hub_xet.cc).
HttpResponse XetReadToken(const HubCall& call);
// /api/whoami-v2
HttpResponse Whoami(const HubCall& call);
// The one door from a resolve answer into Xet (hub_xet.cc), for a Xet-backed
// file: the JavaScript client's probe (GET with Accept:
// application/vnd.xet-fileinfo+json: 200 with the file's Xet info, no
// redirect), else the 302 to the Xet bridge with the Xet headers.
HttpResponse XetResolve(const HttpRequest& request, const Repo& repo, const Commit& commit,
                        const std::string& path, const RepoFile& file, const World& world,
                        const HubContext& ctx);
// An LFS file's 302 to the CDN (or the Xet bridge) with its metadata headers.
HttpResponse LfsRedirect(const std::string& location, const Commit& commit, const RepoFile& file,
                         const std::string& sha256, const HubContext& ctx);
// That 503: Retry-After is the estimated time the hash still needs.
HttpResponse Sha256Pending(const Content& content, const std::string& path, bool json_body,
                           const HubContext& ctx);
// For answers that list several files (siblings with blobs, /tree,
// /paths-info): starts the sha256 of every LFS file among `files` first,
// then waits kSha256Wait in all (not per file) for them. The first still
// being computed, or nullptr when every sha256 is known: the listing can
// then be built without blocking.
using ListedFiles = std::vector<std::pair<std::string, const RepoFile*>>;
const ListedFiles::value_type* FirstHashPending(const ListedFiles& files);

}  // namespace mockhub
