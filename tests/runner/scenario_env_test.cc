// A scenario's `client.env` (issue 12, S1): only variables a downloader is
// meant to see may be set, so a scenario that passes `mockhub validate`
// cannot make the client load code it ships (LD_PRELOAD of a .so seeded into
// the cache, NODE_OPTIONS=--require) or write outside its temporary folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "bounded_run.h"
#include "mockhub/runner/scenario.h"
#include "temp_dir_test.h"

namespace mockhub {
namespace {

namespace fs = std::filesystem;

class ScenarioEnvTest : public testsupport::TempDirTest {
 protected:
  // A scenario whose client (or, with `in_step`, a client step) sets `name`.
  std::string Write(const std::string& name, const std::string& value, bool in_step = false) {
    const std::string env = R"({"env": {")" + name + R"(": ")" + value + R"("}})";
    const std::string path = dir_ + "/case.json";
    std::ofstream(path) << R"({"about": {"description": "d"}, )"
                        << (in_step ? R"("steps": [{"client": )" + env + "}, "
                                    : R"("client": )" + env + R"(, "steps": [)")
                        << R"({"whoami": {}}]})";
    return path;
  }
};

TEST_F(ScenarioEnvTest, VariablesThatLoadCodeOrMoveTheClientAreRefusedAtTheirPointer) {
  for (const char* name :
       {"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "NODE_OPTIONS", "PATH", "HOME", "PYTHONPATH",
        "PYTHONSTARTUP", "BASH_ENV", "ENV", "GCONV_PATH", "hf_hub_offline", "HF_", "HF_X=Y"}) {
    for (bool in_step : {false, true}) {
      auto sc = LoadScenario(Write(name, "./home/hf/hub/lib.so", in_step));
      ASSERT_FALSE(sc.ok()) << name << " was accepted";
      EXPECT_EQ(sc.error().pointer, std::string(in_step ? "/steps/0/client" : "/client") + "/env/" +
                                        PointerToken(name));
      EXPECT_NE(sc.error().reason.find("not a variable for a downloader"), std::string::npos)
          << sc.error().ToString();
    }
  }
}

TEST_F(ScenarioEnvTest, PathsOutsideTheTemporaryFolderAreRefused) {
  for (const char* value : {"/home/user/.cache", "~/.cache", "../../outside", "a/../../b", ".."}) {
    auto sc = LoadScenario(Write("HF_XET_CACHE", value));
    ASSERT_FALSE(sc.ok()) << value << " was accepted";
    EXPECT_EQ(sc.error().pointer, "/client/env/HF_XET_CACHE");
    EXPECT_NE(sc.error().reason.find("outside the scenario's temporary folder"), std::string::npos);
  }
  EXPECT_TRUE(LoadScenario(Write("HF_XET_CACHE", "xet..cache/a")).ok());
}

TEST_F(ScenarioEnvTest, TheTokenPathIsAPlacementNotAnEnvVariable) {
  auto sc = LoadScenario(Write("HF_TOKEN_PATH", "/etc/shadow"));
  ASSERT_FALSE(sc.ok());
  EXPECT_EQ(sc.error().pointer, "/client/env/HF_TOKEN_PATH");
}

TEST_F(ScenarioEnvTest, DownloaderVariablesAreAccepted) {
  for (const auto& [name, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"HF_HUB_OFFLINE", "1"},
           {"HF_HUB_ETAG_TIMEOUT", "3"},
           {"HF_XET_CACHE", "xet-cache"},
           {"HUBGET_MAX_RETRIES", "2"},
           {"TRANSFORMERS_OFFLINE", "1"},
           {"HTTPS_PROXY", "http://127.0.0.1:9"},
           {"https_proxy", "http://127.0.0.1:9"},
           {"NO_PROXY", "127.0.0.1,localhost"},
           {"all_proxy", "socks5://127.0.0.1:9"},
           {"SSL_CERT_FILE", "ca.pem"},
           {"REQUESTS_CA_BUNDLE", "certs/other-ca.pem"}}) {
    auto sc = LoadScenario(Write(name, value));
    EXPECT_TRUE(sc.ok()) << name << ": " << (sc.ok() ? "" : sc.error().ToString());
  }
}

// The red team's scenario through `mockhub validate`: a .so seeded into the
// cache, LD_PRELOAD naming it relative to the client's working directory.
TEST_F(ScenarioEnvTest, ValidateRefusesAScenarioThatPreloadsALibraryItShips) {
  const std::string path = dir_ + "/preload.json";
  std::ofstream(path) << R"({"about": {"description": "d"},
    "hub": {"patch": {"repos": {"evil/lib": {"files": {"lib.so": {"base64": "f0VMRgIBAQ=="}}}}}},
    "client": {"cache": [{"repo": "evil/lib", "path": "lib.so"}],
               "env": {"LD_PRELOAD": "./home/hf/hub/models--evil--lib/snapshots/x/lib.so"}},
    "steps": [{"whoami": {}}]})";
  const testsupport::BoundedRun r = testsupport::RunBounded({MOCKHUB_BIN, "validate", path});
  EXPECT_TRUE(testsupport::ExitedWith(r, 2));
  EXPECT_NE(r.out.find(path + ": /client/env/LD_PRELOAD: not a variable for a downloader"),
            std::string::npos)
      << r.Describe();
}

}  // namespace
}  // namespace mockhub
