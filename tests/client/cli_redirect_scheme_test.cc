// hubget against a hub that points it at other protocols or at a broken
// Location: a HEAD redirect or a tree Link to gopher://, dict://, ftp:// or
// file://, an endpoint of another scheme, a Location that lost its colon.
// Only http and https are ever spoken, and a listener behind the other
// scheme never sees a connection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "canned_server.h"
#include "hostile_cli.h"

namespace hubget {
namespace {

using testing::FileHeaders;
using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::RawResponse;

const std::string kRepo = "org/model";

struct SchemeCase {
  std::string name;      // for the test name
  std::string location;  // "{port}" is the listener's port
  std::string scheme;    // what the error must name
};
void PrintTo(const SchemeCase& c, std::ostream* os) { *os << c.name; }

std::string WithPort(std::string s, int port) {
  const auto at = s.find("{port}");
  if (at != std::string::npos) s.replace(at, 6, std::to_string(port));
  return s;
}

class CliRedirectSchemeTest : public testing::HostileCliTest,
                              public ::testing::WithParamInterface<SchemeCase> {
 protected:
  // Connections to it would mean hubget spoke the other protocol.
  testing::CannedServer listener{std::string()};
};

// The HEAD's cross-origin redirect carries the metadata and says where the
// bytes are: hubget used to GET that Location with whatever libcurl speaks.
TEST_P(CliRedirectSchemeTest, HeadRedirectToAnotherSchemeIsRefused) {
  const std::string location = WithPort(GetParam().location, listener.port());
  auto headers = FileHeaders("hello");
  headers.emplace_back("X-Linked-Size", "5");
  headers.emplace_back("Location", location);
  testing::CannedServer hub(RawResponse(302, headers));
  const ProcessResult r = Hubget(hub.url(), {"--json", "download", kRepo, "f.txt"});
  EXPECT_EQ(listener.served(), 0) << "hubget connected to " << location;
  EXPECT_EQ(hub.served(), 1);
  const auto j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_EQ(j.value("error", ""), "http_error") << j.dump();
  EXPECT_THAT(j.value("message", ""), HasSubstr("'" + GetParam().scheme + "'"));
  EXPECT_THAT(j.value("message", ""), HasSubstr("only http and https"));
  EXPECT_THAT(FilesUnder(Cache()), ::testing::Not(::testing::Contains(HasSubstr("blobs/"))));
}

// The tree listing's next page is resolved by the same resolver.
TEST_P(CliRedirectSchemeTest, TreeLinkToAnotherSchemeIsRefused) {
  const std::string location = WithPort(GetParam().location, listener.port());
  testing::CannedServer hub(RawResponse(200, {{"Link", "<" + location + ">; rel=\"next\""}}, "[]"));
  const ProcessResult r =
      Hubget(hub.url(), {"--json", "download", kRepo, "--revision", testing::kCommit});
  EXPECT_EQ(listener.served(), 0) << "hubget connected to " << location;
  EXPECT_EQ(hub.served(), 1);
  const auto j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_THAT(j.value("message", ""), HasSubstr("'" + GetParam().scheme + "'"));
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, CliRedirectSchemeTest,
    ::testing::Values(SchemeCase{"Gopher", "gopher://127.0.0.1:{port}/_PING%0d%0a", "gopher"},
                      SchemeCase{"Dict", "dict://127.0.0.1:{port}/d:word", "dict"},
                      SchemeCase{"Ftp", "ftp://127.0.0.1:{port}/x", "ftp"},
                      SchemeCase{"FileWithHost", "file://localhost/etc/passwd", "file"},
                      SchemeCase{"FileWithoutHost", "file:///etc/passwd", "file"}),
    [](const ::testing::TestParamInfo<SchemeCase>& p) { return p.param.name; });

// An endpoint of another scheme reaches the transport without any
// redirect: libcurl itself is told to speak http and https only.
TEST_F(CliRedirectSchemeTest, EndpointOfAnotherSchemeIsNeverSpoken) {
  const std::string endpoint = "gopher://127.0.0.1:" + std::to_string(listener.port());
  const ProcessResult r = Hubget(endpoint, {"--json", "download", kRepo, "f.txt"});
  EXPECT_EQ(listener.served(), 0);
  const auto j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_EQ(j.value("error", ""), "invalid_argument") << j.dump();
  EXPECT_THAT(j.value("message", ""), HasSubstr("'gopher'"));
}

// "http//host/x" is an absolute URL that lost its colon, not a relative
// path to append to the request's directory (which redirected to itself
// until the hop limit).
TEST_F(CliRedirectSchemeTest, MalformedAbsoluteLocationIsRefusedNotResolvedAsAPath) {
  testing::CannedServer hub(RawResponse(302, {{"Location", "http//127.0.0.1/x"}}));
  const ProcessResult r = Hubget(hub.url(), {"--json", "download", kRepo, "f.txt"});
  EXPECT_EQ(hub.served(), 1);
  const auto j = LastJson(r);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_EQ(j.value("error", ""), "not_a_hub") << j.dump();
  EXPECT_THAT(j.value("message", ""), HasSubstr("'http//127.0.0.1/x'"));
}

}  // namespace
}  // namespace hubget
