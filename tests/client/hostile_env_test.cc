// Hostile input from the user's side: token strings and token files, and
// environment variables that configure retries and timeouts.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "fakes.h"
#include "hostile_input.h"
#include "hubget/environment.h"
#include "hubget/token.h"

namespace hubget {
namespace {

using namespace std::string_literals;
using std::chrono::milliseconds;
using testing::kIterations;
using testing::kMegabyte;
using testing::Mutator;
using testing::Show;

// --- Token ---------------------------------------------------------------

TEST(HostileTokenTest, StripAndHintHandleOddInput) {
  EXPECT_EQ(StripWhitespace(""), "");
  EXPECT_EQ(StripWhitespace(" \t\r\n\v\f"), "");
  EXPECT_EQ(StripWhitespace("\0hf\0"s), "\0hf\0"s);
  EXPECT_EQ(StripWhitespace(" a b "), "a b");
  EXPECT_EQ(TokenHint(""), "");
  EXPECT_EQ(TokenHint("1234567"), "");
  EXPECT_EQ(TokenHint("12345678"), "5678");
  EXPECT_EQ(TokenHint(kMegabyte), "aaaa");
}

TEST(HostileTokenTest, TokenFilesAreStrippedAndOddOnesGiveNoToken) {
  testing::TempDir dir;
  const std::string file = dir.path() + "/token";
  auto read = [&](const std::string& path) {
    return ResolveToken(MapEnvironment({{"HF_TOKEN_PATH", path}}), {}).value;
  };
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {"hf_abc\n", "hf_abc"},   {"\r\n\t hf_abc \r\n", "hf_abc"},
      {"", std::nullopt},       {"\n\n \t", std::nullopt},
      {"hf_a\0b"s, "hf_a\0b"s}, {kMegabyte, std::nullopt},  // over 64 KiB: not a token file
  };
  for (const auto& [content, want] : cases) {
    testing::WriteFile(file, content);
    EXPECT_EQ(read(file), want) << Show(content);
  }
  EXPECT_EQ(read(dir.path()), std::nullopt);  // a directory
  EXPECT_EQ(read(dir.path() + "/missing"), std::nullopt);
}

TEST(HostileTokenTest, MutatedTokensAreStrippedOrAbsent) {
  testing::TempDir dir;
  Mutator m(8);
  const std::vector<std::string> samples = {"hf_abcdefghijklmnop", " hf_x\n"};
  for (int i = 0; i < kIterations; ++i) {
    const std::string t = m.Mutate(samples);
    const auto r = ResolveToken(
        MapEnvironment({{"HF_TOKEN", t}, {"HF_TOKEN_PATH", dir.path() + "/none"}}), {});
    if (!r.value) continue;
    ASSERT_FALSE(r.value->empty());
    ASSERT_EQ(StripWhitespace(*r.value), *r.value) << Show(t);
  }
}

// --- Configuration from the environment ------------------------------------------

class HostileConfigTest : public ::testing::Test {
 protected:
  ClientConfig Resolve(std::map<std::string, std::string> vars) {
    vars["HF_TOKEN_PATH"] = dir.path() + "/none";
    vars["HF_HOME"] = dir.path();
    return ResolveConfig(MapEnvironment(std::move(vars)), {});
  }
  testing::TempDir dir;
  const ClientConfig defaults = ClientConfig{};
};

TEST_F(HostileConfigTest, OutOfRangeRetryKnobsKeepTheDefaults) {
  for (const std::string& v : {"9999999999999999999"s, "99999999999999999999"s, "-1"s, "1e3"s,
                               "nan"s, ""s, "86400001"s, "1152921504606846976"s}) {
    const ClientConfig c = Resolve({{"HUBGET_RETRY_BASE_MS", v}});
    EXPECT_EQ(c.retry.base_wait, defaults.retry.base_wait) << Show(v);
    EXPECT_EQ(c.retry.max_wait, defaults.retry.max_wait) << Show(v);
  }
  const ClientConfig day = Resolve({{"HUBGET_RETRY_BASE_MS", "86400000"}});
  EXPECT_EQ(day.retry.base_wait, milliseconds(86400000));
  EXPECT_EQ(day.retry.max_wait, milliseconds(8 * 86400000LL));
  for (const std::string& v : {"99999999999"s, "4294967301"s, "1001"s, "-1"s, "x"s}) {
    EXPECT_EQ(Resolve({{"HUBGET_MAX_RETRIES", v}}).retry.max_retries, defaults.retry.max_retries)
        << Show(v);
  }
  EXPECT_EQ(Resolve({{"HUBGET_MAX_RETRIES", "1000"}}).retry.max_retries, 1000);
}

TEST_F(HostileConfigTest, TimeoutsThatRoundToZeroBecomeOneMillisecond) {
  EXPECT_EQ(Resolve({{"HF_HUB_ETAG_TIMEOUT", "0.0001"}}).etag_timeout, milliseconds(1));
  EXPECT_EQ(Resolve({{"HF_HUB_DOWNLOAD_TIMEOUT", "1e-300"}}).idle_timeout, milliseconds(1));
  for (const std::string& v : {"nan"s, "inf"s, "1e400"s, "-5"s, "0"s, "86400.5"s, "10s"s}) {
    EXPECT_EQ(Resolve({{"HF_HUB_ETAG_TIMEOUT", v}}).etag_timeout, defaults.etag_timeout) << v;
  }
}

TEST_F(HostileConfigTest, MutatedEnvironmentsGiveBoundedSettings) {
  Mutator m(86400);
  const std::vector<std::string> numbers = {"5", "1000", "10", "0.5"};
  const std::vector<std::string> endpoints = {"https://hub.test/", "http://127.0.0.1:8080"};
  for (int i = 0; i < kIterations; ++i) {
    const ClientConfig c = Resolve({{"HUBGET_RETRY_BASE_MS", m.Mutate(numbers)},
                                    {"HUBGET_MAX_RETRIES", m.Mutate(numbers)},
                                    {"HF_HUB_ETAG_TIMEOUT", m.Mutate(numbers)},
                                    {"HF_HUB_DOWNLOAD_TIMEOUT", m.Mutate(numbers)},
                                    {"HF_ENDPOINT", m.Mutate(endpoints)}});
    ASSERT_TRUE(c.retry.max_retries >= 0 && c.retry.max_retries <= 1000);
    ASSERT_TRUE(c.retry.base_wait.count() >= 0 && c.retry.base_wait.count() <= 86400000);
    ASSERT_EQ(c.retry.max_wait, 8 * c.retry.base_wait);
    for (const auto t : {c.etag_timeout, c.idle_timeout}) {
      ASSERT_TRUE(t.count() >= 1 && t.count() <= 86400000) << t.count();
    }
    ASSERT_TRUE(c.endpoint.empty() || c.endpoint.back() != '/');
    for (int retry = 1; retry <= 8; ++retry) {
      const milliseconds wait = BackoffDelay(c.retry, retry);
      ASSERT_TRUE(wait.count() >= 0 && wait <= c.retry.max_wait);
    }
  }
}

}  // namespace
}  // namespace hubget
