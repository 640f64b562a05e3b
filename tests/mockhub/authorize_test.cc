// Authorize (auth.h) called directly, one test per row of the auth table in
// mockhub/README.md, in the order the Hub applies it. hub_auth_test.cc checks
// the same rows through HandleHub's routes.
#include "mockhub/sites/hub/auth.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hub_fixture.h"

namespace mockhub::testing {
namespace {

using What = Ask::What;

const char* kFlux = "black-forest-labs/FLUX.1-dev";
const char* kPrivate = "alice/private-model";
const char* kOldName = "old-org/renamed-model";
const char* kNewName = "new-org/renamed-model";

class AuthorizeTest : public HubTest {
 protected:
  Authorization Run(const Ask& ask, const std::string& token = "") {
    HeaderList h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    return RunWith(ask, h);
  }
  Authorization RunWith(const Ask& ask, const HeaderList& headers) {
    HttpRequest req{"GET", "/whatever", headers, ""};
    return Authorize(req, world_, HubContext{kEndpoint, kCdnBase, kKey, now_, "req-9", kCasBase},
                     ask);
  }
  static Ask Contents(const std::string& repo, std::optional<std::string> rev = std::nullopt,
                      bool json = false) {
    Ask a;
    a.what = What::kContents;
    a.repo = repo;
    a.revision = std::move(rev);
    a.json_errors = json;
    return a;
  }
  static Ask Metadata(const std::string& repo, std::optional<std::string> rev = std::nullopt) {
    Ask a;
    a.what = What::kMetadata;
    a.repo = repo;
    a.revision = std::move(rev);
    return a;
  }
  static Ask CallerOnly() { return Ask{}; }
};

// Checks a refusal's status, X-Error-Code ("" = absent) and X-Error-Message.
::testing::AssertionResult DeniedWith(const Authorization& a, int status, const std::string& code,
                                      const std::string& message) {
  if (!a.denied) return ::testing::AssertionFailure() << "not denied";
  const HttpResponse& r = *a.denied;
  if (r.status != status) return ::testing::AssertionFailure() << "status " << r.status;
  if (code.empty() && r.Has("X-Error-Code"))
    return ::testing::AssertionFailure() << "X-Error-Code " << r.Get("X-Error-Code");
  if (r.Get("X-Error-Code") != code)
    return ::testing::AssertionFailure() << "X-Error-Code '" << r.Get("X-Error-Code") << "'";
  if (r.Get("X-Error-Message") != message)
    return ::testing::AssertionFailure() << "X-Error-Message '" << r.Get("X-Error-Message") << "'";
  if (a.renamed_to) return ::testing::AssertionFailure() << "also renamed to " << *a.renamed_to;
  return ::testing::AssertionSuccess();
}

std::string JsonError(const HttpResponse& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_string()) return "<not json>";
  return j["error"].get<std::string>();
}

const char* kInvalid = "Invalid credentials in Authorization header";

// --- 1. credentials -----------------------------------------------------------------

TEST_F(AuthorizeTest, PublicRepoWithoutTokenIsGrantedToAnAnonymousCaller) {
  Authorization a = Run(Contents(kClip));
  ASSERT_TRUE(a.granted());
  EXPECT_EQ(a.access.caller.token, nullptr);
  EXPECT_EQ(a.access.caller.user, "");
  EXPECT_EQ(a.access.repo, world_.FindRepo(RepoType::kModel, kClip));
  EXPECT_EQ(a.access.commit, &MainCommit());
  EXPECT_EQ(a.access.revision, "main");  // none asked: the default branch
}

TEST_F(AuthorizeTest, PublicRepoWithValidTokenIsGrantedToItsUser) {
  Authorization a = Run(Contents(kClip), "hf_bob");
  ASSERT_TRUE(a.granted());
  ASSERT_NE(a.access.caller.token, nullptr);
  EXPECT_EQ(a.access.caller.token->value, "hf_bob");
  EXPECT_EQ(a.access.caller.user, "bob");
}

TEST_F(AuthorizeTest, UnknownTokenOnPublicRepoIs401InvalidCredentialsInJsonEvenOnFileRoutes) {
  Authorization a = Run(Contents(kClip, std::nullopt, /*json=*/false), "hf_unknown");
  ASSERT_TRUE(DeniedWith(a, 401, "", kInvalid));
  EXPECT_EQ(JsonError(*a.denied), kInvalid);
  EXPECT_EQ(a.denied->Get("X-Request-Id"), "req-9");
}

TEST_F(AuthorizeTest, RevokedTokenIs401InvalidCredentials) {
  EXPECT_TRUE(DeniedWith(Run(Contents(kClip), "hf_revoked"), 401, "", kInvalid));
}

TEST_F(AuthorizeTest, BadCredentialsFailEvenWhenOnlyTheCallerIsAsked) {
  EXPECT_TRUE(DeniedWith(Run(CallerOnly(), "hf_unknown"), 401, "", kInvalid));
  EXPECT_TRUE(DeniedWith(Run(CallerOnly(), "hf_revoked"), 401, "", kInvalid));
  EXPECT_TRUE(
      DeniedWith(RunWith(CallerOnly(), {{"Authorization", "Basic eDp5"}}), 401, "", kInvalid));
}

TEST_F(AuthorizeTest, CallerOnlyWithoutTokenIsAnonymousAndTouchesNoRepo) {
  Authorization a = Run(CallerOnly());
  ASSERT_TRUE(a.granted());
  EXPECT_EQ(a.access.caller.token, nullptr);
  EXPECT_EQ(a.access.repo, nullptr);
  EXPECT_EQ(a.access.commit, nullptr);
}

TEST_F(AuthorizeTest, CallerOnlyWithValidTokenNamesTheUser) {
  Authorization a = Run(CallerOnly(), "hf_alice");
  ASSERT_TRUE(a.granted());
  EXPECT_EQ(a.access.caller.user, "alice");
}

TEST_F(AuthorizeTest, ExpiredTokenIs401NamingTheTokenInJson) {
  Authorization a = Run(Contents(kClip), "hf_expired");
  ASSERT_TRUE(DeniedWith(a, 401, "", "User Access Token \"old-laptop\" is expired"));
  EXPECT_EQ(JsonError(*a.denied), "User Access Token \"old-laptop\" is expired");
}

TEST_F(AuthorizeTest, TokenIsExpiredFromTheSecondOfItsExpiryOn) {
  world_.tokens["hf_alice"].expires_at = kNow + 60;
  now_ = kNow + 59;
  EXPECT_TRUE(Run(Contents(kClip), "hf_alice").granted());
  now_ = kNow + 60;
  EXPECT_TRUE(DeniedWith(Run(Contents(kClip), "hf_alice"), 401, "",
                         "User Access Token \"laptop\" is expired"));
}

TEST_F(AuthorizeTest, BadCredentialsComeBeforeEverythingElse) {
  // A missing repo, a renamed one, a gated one: the token is refused first.
  for (const std::string& repo : {std::string("ghost/model"), std::string(kOldName),
                                  std::string(kFlux), std::string(kPrivate)}) {
    EXPECT_TRUE(DeniedWith(Run(Contents(repo, "nope"), "hf_unknown"), 401, "", kInvalid)) << repo;
    EXPECT_TRUE(DeniedWith(Run(Contents(repo, "nope"), "hf_expired"), 401, "",
                           "User Access Token \"old-laptop\" is expired"))
        << repo;
  }
}

// --- 2. renames -----------------------------------------------------------------------

TEST_F(AuthorizeTest, RenamedRepoAnswersItsNewIdAndNoAccess) {
  for (What what : {What::kMetadata, What::kContents}) {
    Ask ask = Contents(kOldName);
    ask.what = what;
    Authorization a = Run(ask);
    EXPECT_FALSE(a.denied);
    ASSERT_TRUE(a.renamed_to);
    EXPECT_EQ(*a.renamed_to, kNewName);
    EXPECT_FALSE(a.granted());
    EXPECT_EQ(a.access.repo, nullptr);
  }
}

TEST_F(AuthorizeTest, RenameIsAnsweredBeforeTheRevisionIsLookedAt) {
  Authorization a = Run(Contents(kOldName, "no-such-branch"), "hf_bob");
  ASSERT_TRUE(a.renamed_to);
  EXPECT_EQ(*a.renamed_to, kNewName);
}

TEST_F(AuthorizeTest, NewIdOfARenamedRepoIsGranted) {
  EXPECT_TRUE(Run(Contents(kNewName)).granted());
}

TEST_F(AuthorizeTest, RenameIsPerRepoType) {
  Ask ask = Contents(kOldName);
  ask.type = RepoType::kDataset;
  EXPECT_TRUE(DeniedWith(Run(ask), 401, "", "Invalid username or password."));
}

// --- 3. visibility ------------------------------------------------------------------------

TEST_F(AuthorizeTest, PrivateRepoWithoutTokenIs401InvalidUsernameWithoutErrorCode) {
  Authorization a = Run(Contents(kPrivate));
  ASSERT_TRUE(DeniedWith(a, 401, "", "Invalid username or password."));
  EXPECT_EQ(a.denied->body, "Invalid username or password.");  // text on file routes
}

TEST_F(AuthorizeTest, MissingRepoWithoutTokenIsTheSame401AsAPrivateOne) {
  Authorization a = Run(Metadata("ghost/model"));
  ASSERT_TRUE(DeniedWith(a, 401, "", "Invalid username or password."));
  EXPECT_EQ(JsonError(*a.denied), "Invalid username or password.");  // JSON on the API
}

TEST_F(AuthorizeTest, PrivateRepoOfSomeoneElseWithValidTokenIs404RepoNotFound) {
  EXPECT_TRUE(
      DeniedWith(Run(Contents(kPrivate), "hf_bob"), 404, "RepoNotFound", "Repository not found"));
}

TEST_F(AuthorizeTest, MissingRepoWithValidTokenIs404RepoNotFound) {
  EXPECT_TRUE(DeniedWith(Run(Metadata("ghost/model"), "hf_bob"), 404, "RepoNotFound",
                         "Repository not found"));
}

TEST_F(AuthorizeTest, OwnerSeesTheirPrivateRepo) {
  EXPECT_TRUE(Run(Contents(kPrivate), "hf_alice").granted());
}

TEST_F(AuthorizeTest, MemberOfTheOwningOrgSeesItsPrivateRepoOthersDoNot) {
  world_.FindRepo(RepoType::kModel, kClip)->is_private = true;  // owned by InvokeAI
  EXPECT_TRUE(Run(Contents(kClip), "hf_alice").granted());      // alice is in InvokeAI
  EXPECT_TRUE(
      DeniedWith(Run(Contents(kClip), "hf_bob"), 404, "RepoNotFound", "Repository not found"));
}

TEST_F(AuthorizeTest, RepoTypeIsPartOfTheId) {
  Ask dataset = Metadata("demo/tiny-dataset");
  dataset.type = RepoType::kDataset;
  EXPECT_TRUE(Run(dataset).granted());
  EXPECT_TRUE(
      DeniedWith(Run(Metadata("demo/tiny-dataset")), 401, "", "Invalid username or password."));
}

// --- 4. disabled ------------------------------------------------------------------------------

TEST_F(AuthorizeTest, DisabledRepoIs403ForEveryoneEvenForMetadata) {
  world_.FindRepo(RepoType::kModel, kClip)->disabled = true;
  for (const std::string& token : {std::string(""), std::string("hf_alice")}) {
    EXPECT_TRUE(
        DeniedWith(Run(Contents(kClip), token), 403, "", "Access to this resource is disabled."))
        << token;
    EXPECT_TRUE(
        DeniedWith(Run(Metadata(kClip), token), 403, "", "Access to this resource is disabled."))
        << token;
  }
}

// --- 5. gating ----------------------------------------------------------------------------------

const char* kGatedAnonymous =
    "Access to model black-forest-labs/FLUX.1-dev is restricted. You must have access to it and "
    "be authenticated to access it. Please log in.";
const char* kGatedNotAuthorized =
    "Access to model black-forest-labs/FLUX.1-dev is restricted and you are not in the "
    "authorized list. Visit http://hub.test:1/black-forest-labs/FLUX.1-dev to ask for access.";

TEST_F(AuthorizeTest, GatedContentsWithoutTokenIs401GatedRepo) {
  EXPECT_TRUE(DeniedWith(Run(Contents(kFlux)), 401, "GatedRepo", kGatedAnonymous));
}

TEST_F(AuthorizeTest, GatedContentsWithUnapprovedTokenIs403GatedRepoPointingToTheRepoPage) {
  EXPECT_TRUE(DeniedWith(Run(Contents(kFlux), "hf_bob"), 403, "GatedRepo", kGatedNotAuthorized));
}

TEST_F(AuthorizeTest, GatedContentsWithApprovedTokenIsGranted) {
  EXPECT_TRUE(Run(Contents(kFlux), "hf_alice").granted());
}

TEST_F(AuthorizeTest, GatedMetadataIsGrantedToAnyone) {
  EXPECT_TRUE(Run(Metadata(kFlux)).granted());
  EXPECT_TRUE(Run(Metadata(kFlux), "hf_bob").granted());
}

TEST_F(AuthorizeTest, FineGrainedTokenNeedsTheGatedScopeEvenWhenApproved) {
  Token t;
  t.value = "hf_fine";
  t.user = "alice";
  t.name = "fine";
  t.role = TokenRole::kFineGrained;
  t.gated_scope = false;
  world_.tokens[t.value] = t;
  EXPECT_TRUE(DeniedWith(Run(Contents(kFlux), "hf_fine"), 403, "GatedRepo", kGatedNotAuthorized));
  world_.tokens[t.value].gated_scope = true;
  EXPECT_TRUE(Run(Contents(kFlux), "hf_fine").granted());
}

TEST_F(AuthorizeTest, MembersOfTheOwningOrgPassTheGateWithoutApproval) {
  world_.FindRepo(RepoType::kModel, kClip)->gated = Gating::kManual;  // owned by InvokeAI
  EXPECT_TRUE(Run(Contents(kClip), "hf_alice").granted());            // member, not approved
  EXPECT_EQ(Run(Contents(kClip), "hf_bob").denied->status, 403);
}

TEST_F(AuthorizeTest, GatedMessageNamesTheRepoType) {
  Repo& ds = *world_.FindRepo(RepoType::kDataset, "demo/tiny-dataset");
  ds.gated = Gating::kAuto;
  Ask ask = Contents("demo/tiny-dataset");
  ask.type = RepoType::kDataset;
  Authorization a = Run(ask);
  ASSERT_TRUE(a.denied);
  EXPECT_EQ(a.denied->Get("X-Error-Message").rfind("Access to dataset demo/tiny-dataset is", 0), 0u)
      << a.denied->Get("X-Error-Message");
}

TEST_F(AuthorizeTest, GateIsCheckedBeforeTheRevision) {
  EXPECT_TRUE(
      DeniedWith(Run(Contents(kFlux, "no-such-branch")), 401, "GatedRepo", kGatedAnonymous));
}

TEST_F(AuthorizeTest, VisibilityIsCheckedBeforeTheRevision) {
  EXPECT_TRUE(
      DeniedWith(Run(Contents(kPrivate, "nope")), 401, "", "Invalid username or password."));
}

// --- 6. the revision ----------------------------------------------------------------------------

TEST_F(AuthorizeTest, MissingRevisionIs404RevisionNotFound) {
  for (What what : {What::kMetadata, What::kContents}) {
    Ask ask = Contents(kClip, "nope");
    ask.what = what;
    EXPECT_TRUE(DeniedWith(Run(ask), 404, "RevisionNotFound", "Invalid rev id: nope"));
  }
}

TEST_F(AuthorizeTest, RevisionIsResolvedAsABranchTagPrHeadOrCommitAndKeptAsAsked) {
  const Repo& clip = *world_.FindRepo(RepoType::kModel, kClip);
  const std::string main_sha = MainCommit().sha;
  for (const std::string& rev : {std::string("main"), std::string("dev"), std::string("refs/pr/1"),
                                 std::string("HEAD"), main_sha}) {
    Authorization a = Run(Contents(kClip, rev));
    ASSERT_TRUE(a.granted()) << rev;
    EXPECT_EQ(a.access.commit, clip.Resolve(rev)) << rev;
    EXPECT_EQ(a.access.revision, rev);
  }
  EXPECT_NE(Run(Contents(kClip, "dev")).access.commit, &MainCommit());
}

TEST_F(AuthorizeTest, ErrorsAreJsonOnApiAsksAndTextOnFileAsks) {
  Authorization api = Run(Contents(kClip, "nope", /*json=*/true));
  ASSERT_TRUE(api.denied);
  EXPECT_EQ(JsonError(*api.denied), "Invalid rev id: nope");
  EXPECT_EQ(api.denied->Get("Content-Type"), "application/json; charset=utf-8");
  Authorization file = Run(Contents(kClip, "nope", /*json=*/false));
  ASSERT_TRUE(file.denied);
  EXPECT_EQ(file.denied->body, "Invalid rev id: nope");
  EXPECT_EQ(file.denied->Get("Content-Type"), "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace mockhub::testing
