// A scenario's proxy and CA variables (issue 25, I1): a proxy may only be on
// a loopback host (else the client's requests, its token with them, go
// wherever the scenario says) and a CA only a file inside the scenario's
// temporary folder (else the client reads any file: a FIFO, /dev/zero, a
// secret echoed back in an error). Refused at load with the file and the
// pointer, and again when the runner builds the client's environment.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "bounded_run.h"
#include "mockhub/runner/scenario.h"
#include "runner_fixture.h"

namespace mockhub {
namespace {

namespace fs = std::filesystem;

class EnvValuesTest : public RunnerTest {
 protected:
  std::string Scenario(const std::string& name, const std::string& value) {
    return R"({"about": {"description": "d"}, "client": {"env": {")" + name + R"(": ")" + value +
           R"("}}, "steps": [{"whoami": {}}]})";
  }
};

TEST_F(EnvValuesTest, ProxiesOnOtherHostsAreRefusedAtTheirPointer) {
  for (const auto& [name, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"HTTPS_PROXY", "http://10.0.0.1:3128"},
           {"https_proxy", "http://proxy.example.com:3128"},
           {"HTTP_PROXY", "proxy.example.com:3128"},
           {"ALL_PROXY", "socks5://192.168.1.1"},
           {"all_proxy", "http://127.0.0.1@evil.example"},
           {"HTTP_PROXY", "http://127.0.0.1.evil.example:80"},
           {"HTTP_PROXY", "http://evil.example/#@127.0.0.1"},
           {"HTTP_PROXY", "http://[::2]:3128"},
           {"NO_PROXY", "127.0.0.1,example.com"},
           {"no_proxy", "10.0.0.0/8"},
           {"NO_PROXY", "127.0.0.0/1"}}) {
    const LoadError e = LoadFails(Scenario(name, value));
    EXPECT_EQ(e.pointer, std::string("/client/env/") + name) << value;
    EXPECT_NE(e.reason.find("loopback"), std::string::npos) << e.ToString();
    EXPECT_EQ(e.file, dir_ + "/bad.json");
  }
}

TEST_F(EnvValuesTest, LoopbackProxiesAreAccepted) {
  for (const auto& [name, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"HTTPS_PROXY", "http://127.0.0.1:9"},
           {"HTTP_PROXY", "http://user:pw@localhost:3128/"},
           {"https_proxy", "127.0.0.2:8080"},
           {"ALL_PROXY", "socks5h://[::1]:1080"},
           {"HTTP_PROXY", ""},
           {"NO_PROXY", "127.0.0.1, localhost,::1,[::1]:80,127.0.0.0/8"},
           {"no_proxy", "*"}}) {
    auto sc = LoadScenario(Write("case.json", Scenario(name, value)));
    EXPECT_TRUE(sc.ok()) << name << "=" << value << ": " << (sc.ok() ? "" : sc.error().ToString());
  }
}

TEST_F(EnvValuesTest, CaFilesOutsideTheTemporaryFolderAreRefusedAtTheirPointer) {
  for (const char* name : {"SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE",
                           "NODE_EXTRA_CA_CERTS", "HUBGET_CA_FILE"}) {
    for (const char* value : {"/etc/ssl/certs/ca-certificates.crt", "/proc/self/environ",
                              "../outside.pem", "certs/../../x", "~/ca.pem"}) {
      const LoadError e = LoadFails(Scenario(name, value));
      EXPECT_EQ(e.pointer, std::string("/client/env/") + name) << value;
      EXPECT_NE(e.reason.find("names a CA outside the scenario's temporary folder"),
                std::string::npos)
          << e.ToString();
    }
  }
  // A client step's env is read by the same rule.
  const LoadError e = LoadFails(R"({"about": {"description": "d"}, "steps": [
      {"client": {"env": {"SSL_CERT_FILE": "/dev/zero"}}}, {"whoami": {}}]})");
  EXPECT_EQ(e.pointer, "/steps/0/client/env/SSL_CERT_FILE");
}

TEST_F(EnvValuesTest, TheGeneratedCaIsUsableByItsRelativeName) {
  // With tls the generated CA is ca.pem in the client's working directory.
  ScenarioResult r =
      Run(R"({"about": {"description": "d"}, "client": {"tls": true,
      "env": {"HUBGET_CA_FILE": "ca.pem"}},
      "steps": [{"whoami": {}, "expect": {"outcome": "ok"}}]})",
          Client("curl -sf --cacert \"$HUBGET_CA_FILE\" \"$HF_ENDPOINT/_mockhub/health\" "
                 ">/dev/null && echo '{\"ok\":true}' || echo "
                 "'{\"ok\":false,\"error\":\"network\"}'"));
  EXPECT_EQ(r.status, ScenarioResult::Status::kPass) << r.reason << "\n" << r.details;
}

// The run-time check: a client that plants a symlink leading out, or a FIFO
// that would hang a read, in its working directory; a later client step
// names it (a relative path, which the loader accepts): the step fails unrun.
TEST_F(EnvValuesTest, AtRunTimeACaPathThatLeadsOutOrIsNotAFileFailsTheStepUnrun) {
  for (const auto& [plant, said] : std::initializer_list<std::pair<const char*, const char*>>{
           {"ln -s /etc/passwd planted.pem",
            "SSL_CERT_FILE leads outside the scenario's "
            "temporary folder"},
           {"mkfifo planted.pem", "SSL_CERT_FILE names something that is not a regular file"}}) {
    ScenarioResult r = Run(R"({"about": {"description": "d"}, "steps": [
        {"name": "plant", "whoami": {}},
        {"client": {"env": {"SSL_CERT_FILE": "planted.pem"}}},
        {"name": "use", "whoami": {}}]})",
                           Client(std::string("if [ -e planted.pem ] || [ -L planted.pem ]; then "
                                              "touch " +
                                              dir_ + "/used; else ") +
                                  plant + "; fi; echo '{\"ok\":true}'"));
    EXPECT_EQ(r.status, ScenarioResult::Status::kFail) << plant;
    EXPECT_NE(r.reason.find(std::string("use: client env ") + said), std::string::npos) << r.reason;
    ASSERT_EQ(r.steps.size(), 3u);
    ASSERT_FALSE(r.steps[2].failures.empty());
    EXPECT_EQ(r.steps[2].failures[0].check, "env");
    EXPECT_FALSE(fs::exists(dir_ + "/used")) << "the client ran with the planted CA";
  }
}

// A Scenario changed in code after loading skips the loader: the runner's
// own check still refuses, and the client does not run.
TEST_F(EnvValuesTest, ARunRefusesACaOutsideEvenWhenTheLoaderWasBypassed) {
  auto sc = LoadScenario(Write("case.json", kWhoamiOk));
  ASSERT_TRUE(sc.ok()) << sc.error().ToString();
  sc.value().client.env["SSL_CERT_FILE"] = "/etc/passwd";
  RunOptions opts;
  opts.adapter = Client("touch " + dir_ + "/ran; echo '{\"ok\":true}'");
  ScenarioResult r = RunScenario(sc.value(), opts);
  EXPECT_EQ(r.status, ScenarioResult::Status::kFail);
  EXPECT_NE(r.reason.find("client env SSL_CERT_FILE names a CA outside"), std::string::npos)
      << r.reason;
  EXPECT_FALSE(fs::exists(dir_ + "/ran"));
}

}  // namespace
}  // namespace mockhub
