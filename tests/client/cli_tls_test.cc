// The hubget binary against a TLS mock: each CA variable users set is honoured,
// and without the CA the failure is a network error that names them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cli_fixture.h"
#include "fakes.h"

namespace hubget {
namespace {

using nlohmann::json;
using testing::CliTest;
using ::testing::HasSubstr;
using testing::kSmallLfsRepo;
using testing::ProcessResult;
using testing::ReadFile;

// --- TLS ----------------------------------------------------------------

class CliTlsTest : public CliTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(CliTlsTest, CaBundleVariableIsHonoured) {
  ASSERT_NO_FATAL_FAILURE(Start("[]", /*tls=*/true));
  ASSERT_FALSE(server->ca_file().empty());
  const ProcessResult r = Hubget({"--json", "download", kSmallLfsRepo, "weights.bin"},
                                 {{GetParam(), server->ca_file()}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string content = ReadFile(LastJson(r)["paths"][0]);
  EXPECT_EQ(content.size(), 1048576u);
}

INSTANTIATE_TEST_SUITE_P(Variables, CliTlsTest,
                         ::testing::Values("CURL_CA_BUNDLE", "SSL_CERT_FILE", "HUBGET_CA_FILE",
                                           "REQUESTS_CA_BUNDLE"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           n.erase(std::remove(n.begin(), n.end(), '_'), n.end());
                           return n;
                         });

TEST_F(CliTest, TlsWithoutTheCaIsANetworkError) {
  ASSERT_NO_FATAL_FAILURE(Start("[]", /*tls=*/true));
  const ProcessResult r =
      Hubget({"--json", "download", kSmallLfsRepo, "config.json"}, {{"HUBGET_MAX_RETRIES", "0"}});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  const json j = LastJson(r);
  EXPECT_EQ(j["error"], "network");
  // The variables that would fix it, named.
  EXPECT_THAT(
      j.value("message", ""),
      HasSubstr("point HUBGET_CA_FILE, CURL_CA_BUNDLE, SSL_CERT_FILE or REQUESTS_CA_BUNDLE"));
}

}  // namespace
}  // namespace hubget
