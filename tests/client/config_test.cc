// ResolveConfig: which environment variables feed the client configuration.
#include <gtest/gtest.h>

#include "hubget/client.h"
#include "hubget/environment.h"

namespace hubget {
namespace {

ClientConfig From(std::map<std::string, std::string> vars) {
  return ResolveConfig(MapEnvironment(std::move(vars)), {});
}

TEST(ConfigTest, CaBundleFromCurlCaBundle) {
  EXPECT_EQ(From({{"CURL_CA_BUNDLE", "/ca/curl.pem"}}).ca_file, "/ca/curl.pem");
}

TEST(ConfigTest, CaBundleFromSslCertFile) {
  EXPECT_EQ(From({{"SSL_CERT_FILE", "/ca/ssl.pem"}}).ca_file, "/ca/ssl.pem");
}

TEST(ConfigTest, HubgetCaFileBeatsCurlCaBundleBeatsSslCertFile) {
  EXPECT_EQ(
      From({{"HUBGET_CA_FILE", "/a"}, {"CURL_CA_BUNDLE", "/b"}, {"SSL_CERT_FILE", "/c"}}).ca_file,
      "/a");
  EXPECT_EQ(From({{"CURL_CA_BUNDLE", "/b"}, {"SSL_CERT_FILE", "/c"}}).ca_file, "/b");
  EXPECT_EQ(From({{"CURL_CA_BUNDLE", ""}, {"SSL_CERT_FILE", "/c"}}).ca_file, "/c");
}

TEST(ConfigTest, NoCaVariablesMeansSystemDefault) { EXPECT_EQ(From({}).ca_file, ""); }

TEST(ConfigTest, EndpointFromEnvironmentWithoutTrailingSlash) {
  EXPECT_EQ(From({{"HF_ENDPOINT", "http://127.0.0.1:9/"}}).endpoint, "http://127.0.0.1:9");
}

TEST(ConfigTest, TimeoutsDefaultToHuggingfaceHubsTenSeconds) {
  const ClientConfig c = From({});
  EXPECT_EQ(c.etag_timeout, std::chrono::seconds(10));
  EXPECT_EQ(c.idle_timeout, std::chrono::seconds(10));
}

TEST(ConfigTest, TimeoutsFromTheEnvironmentInSeconds) {
  const ClientConfig c = From({{"HF_HUB_ETAG_TIMEOUT", "2.5"}, {"HF_HUB_DOWNLOAD_TIMEOUT", "60"}});
  EXPECT_EQ(c.etag_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(c.idle_timeout, std::chrono::seconds(60));
}

TEST(ConfigTest, TimeoutsThatAreNotPositiveSecondsKeepTheDefault) {
  for (const char* bad : {"abc", "10s", "0", "-5", "inf", "nan", "1e30", ""}) {
    const ClientConfig c = From({{"HF_HUB_DOWNLOAD_TIMEOUT", bad}, {"HF_HUB_ETAG_TIMEOUT", bad}});
    EXPECT_EQ(c.idle_timeout, std::chrono::seconds(10)) << bad;
    EXPECT_EQ(c.etag_timeout, std::chrono::seconds(10)) << bad;
  }
}

TEST(ConfigTest, RetryKnobsFromTheEnvironment) {
  const ClientConfig c = From({{"HUBGET_MAX_RETRIES", "0"}, {"HUBGET_RETRY_BASE_MS", "5"}});
  EXPECT_EQ(c.retry.max_retries, 0);
  EXPECT_EQ(c.retry.base_wait, std::chrono::milliseconds(5));
  EXPECT_EQ(c.retry.max_wait, std::chrono::milliseconds(40));
}

TEST(ConfigTest, BadRetryKnobsKeepTheDefaults) {
  const ClientConfig c = From({{"HUBGET_MAX_RETRIES", "-1"}, {"HUBGET_RETRY_BASE_MS", "x"}});
  EXPECT_EQ(c.retry.max_retries, RetryPolicy().max_retries);
  EXPECT_EQ(c.retry.base_wait, RetryPolicy().base_wait);
}

}  // namespace
}  // namespace hubget
