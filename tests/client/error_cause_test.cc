// Error::Message by the error's cause (result.h, cause::*): each cause is
// told for the kind it belongs to, and any other kind keeps the kind's own
// sentence, so a cause that rides along on an error whose kind changed
// later never tells the wrong story.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hubget/result.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Error At(Kind kind, Cause cause) {
  Error e = MakeError(kind, "detail");
  e.call.url = "https://hub.test/org/m/resolve/main/a.bin";
  e.call.endpoint = "https://hub.test";
  e.call.repo = "org/m";
  e.call.path = "a.bin";
  e.cause = std::move(cause);
  return e;
}

TEST(ErrorCauseTest, TlsNamesTheCaVariables) {
  EXPECT_THAT(At(Kind::kNetwork, cause::Tls{}).Message(),
              HasSubstr("the TLS connection to https://hub.test/org/m/resolve/main/a.bin failed "
                        "(detail). If a proxy or a corporate CA signs the connection, point "
                        "HUBGET_CA_FILE"));
}

TEST(ErrorCauseTest, TimeoutNamesItsVariableAndABodysByDefault) {
  EXPECT_THAT(At(Kind::kTimeout, cause::TimeoutSetting{"HF_HUB_ETAG_TIMEOUT"}).Message(),
              HasSubstr("raise HF_HUB_ETAG_TIMEOUT (seconds)."));
  EXPECT_THAT(At(Kind::kTimeout, {}).Message(), HasSubstr("raise HF_HUB_DOWNLOAD_TIMEOUT"));
}

TEST(ErrorCauseTest, ProxyPageNamesTheHostTwice) {
  EXPECT_THAT(At(Kind::kIntegrity, cause::ProxyPage{}).Message(),
              HasSubstr("Something between hubget and hub.test answered in its place, most "
                        "likely a proxy (its login or error page): check HTTPS_PROXY / "
                        "HTTP_PROXY / NO_PROXY, log in to the proxy, or have it allow hub.test."));
}

TEST(ErrorCauseTest, GatedScopeExplainsThePermission) {
  EXPECT_EQ(At(Kind::kGatedNotAuthorized, cause::GatedScope{}).Message(),
            GatedScopeMissing(At(Kind::kGatedNotAuthorized, {})));
}

TEST(ErrorCauseTest, ToldTextReplacesTheKindsSentenceAfterTheStep) {
  Error e = At(Kind::kForbidden, cause::Told{"the CAS refused"});
  e.step = "Xet reconstruction";
  EXPECT_EQ(e.Message(), "Xet reconstruction: the CAS refused");
}

TEST(ErrorCauseTest, CauseOfAnotherKindKeepsTheKindsOwnSentence) {
  EXPECT_EQ(At(Kind::kHttp, cause::Tls{}).Message(), At(Kind::kHttp, {}).Message());
  EXPECT_EQ(At(Kind::kNetwork, cause::ProxyPage{}).Message(), At(Kind::kNetwork, {}).Message());
  EXPECT_EQ(At(Kind::kIntegrity, cause::TimeoutSetting{"X"}).Message(),
            At(Kind::kIntegrity, {}).Message());
  EXPECT_EQ(At(Kind::kForbidden, cause::GatedScope{}).Message(),
            At(Kind::kForbidden, {}).Message());
  EXPECT_THAT(At(Kind::kNetwork, {}).Message(), Not(HasSubstr("TLS")));
}

}  // namespace
}  // namespace hubget
