// See mock_and_client.h.
#include "mock_and_client.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

#include "hubget/curl_transport.h"
#include "mockhub/faults/faults.h"
#include "mockhub/world/world_json.h"
#include "wait_for.h"

namespace testsupport {

namespace fs = std::filesystem;

MockAndClient::MockAndClient() : world(mockhub::DemoWorld()) {}
MockAndClient::~MockAndClient() = default;

void MockAndClient::SetUp() {
  for (const std::string& d : {Home(), HfHome(), Scratch()}) fs::create_directories(d);
  Start();
}

void MockAndClient::Start(const std::string& faults_json, bool tls) {
  server.reset();
  mockhub::ServerOptions opts;
  opts.tls = tls;
  if (tls) {
    opts.tls_dir = dir.path() + "/tls";
    fs::create_directories(opts.tls_dir);
  }
  auto faults = mockhub::FaultSet::FromJson(nlohmann::json::parse(faults_json), "test", "/faults");
  ASSERT_TRUE(faults) << faults.error().ToString();
  opts.faults = faults.value();
  auto started = mockhub::MockServer::Start(world, opts);
  ASSERT_TRUE(started) << started.status().message();
  server = std::move(*started);
}

hubget::ClientConfig MockAndClient::Config(const std::optional<std::string>& token) const {
  hubget::ClientConfig c;
  c.endpoint = server->hub_url();
  c.cache_dir = Cache();
  c.retry.base_wait = std::chrono::milliseconds(1);
  c.retry.max_wait = std::chrono::milliseconds(4);
  if (token) {
    c.token.value = *token;
    c.token.source.where = hubget::TokenSource::Where::kHfToken;
  }
  return c;
}

hubget::Client MockAndClient::MakeClient(const hubget::ClientConfig& config) {
  return hubget::Client(config, hubget::MakeCurlTransport(),
                        std::make_shared<hubget::SystemClock>());
}

std::vector<std::string> MockAndClient::Argv(std::vector<std::string> args) {
  args.insert(args.begin(), HUBGET_BINARY);
  return args;
}

Env MockAndClient::BaseEnv() const {
  return {{"HOME", Home()},
          {"HF_HOME", HfHome()},
          {"HF_HUB_CACHE", Cache()},
          {"HF_ENDPOINT", server->hub_url()},
          {"HUBGET_RETRY_BASE_MS", "1"}};
}

std::vector<mockhub::JournalEntry> MockAndClient::Entries(const std::string& site,
                                                          const std::string& prefix) const {
  std::vector<mockhub::JournalEntry> out;
  for (auto& e : server->journal().Entries()) {
    if (e.server == site && e.target.rfind(prefix, 0) == 0) out.push_back(std::move(e));
  }
  return out;
}

::testing::AssertionResult MockAndClient::WaitForIdle() const {
  if (server->journal().WaitForIdle(kWaitDefault)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the journal was not idle within " << kWaitDefault.count() << " ms";
}

}  // namespace testsupport
