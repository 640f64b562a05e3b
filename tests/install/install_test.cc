// What a user gets from `cmake --install BUILD --prefix P` and from the
// Debian package: the layout (bin/, share/mockhub/, share/doc/mockhub/),
// `--version` on both binaries, the package's runtime Depends, and, the
// point of it, an installed `mockhub run` that passes a scenario with the
// hubget installed beside it, with MOCKHUB_HUBGET unset and no hubget on
// PATH (its --verbose output names the hubget it ran). Also the order in
// which `mockhub run` looks for hubget: MOCKHUB_HUBGET, beside itself, its
// build tree.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bounded_run.h"

namespace {

using testsupport::BoundedRun;
using testsupport::ExitedWith;
using testsupport::RunBounded;

constexpr char kScenario[] = "s01-invokeai-stale-token-file.json";

testsupport::BoundedRunOptions In(const std::string& cwd) {
  testsupport::BoundedRunOptions o;
  o.timeout = std::chrono::seconds(240);
  o.cwd = cwd;
  return o;
}

bool IsExecutable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

bool IsFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// `mockhub run --verbose` of one scenario with MOCKHUB_HUBGET unset and only
// the system's PATH, in `cwd`; extra NAME=value words go to env(1) first.
BoundedRun RunScenario(const std::string& mockhub, const std::string& scenario,
                       const std::string& cwd, const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv = {"/usr/bin/env", "-u", "MOCKHUB_HUBGET", "PATH=/usr/bin:/bin"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {mockhub, "run", "--verbose", scenario});
  return RunBounded(argv, In(cwd));
}

// The hubget a --verbose run shows for its first step: "step /steps/0 (...): CMD --json ...".
std::string HubgetUsed(const BoundedRun& run) {
  const std::size_t step = run.err.find("step /steps/0 (");
  if (step == std::string::npos) return "";
  const std::size_t start = run.err.find("): ", step);
  const std::size_t end = run.err.find(" --json", start);
  if (start == std::string::npos || end == std::string::npos) return "";
  return run.err.substr(start + 3, end - start - 3);
}

// One temporary prefix per suite: installing takes a few seconds, and the
// tests only read it.
class InstallTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/mockhub-install-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    root_ = tmpl;
    prefix_ = root_ + "/prefix";
    ASSERT_EQ(::mkdir((root_ + "/work").c_str(), 0755), 0);
    install_ = RunBounded({CMAKE_BIN, "--install", BUILD_DIR, "--prefix", prefix_}, In(root_));
  }
  static void TearDownTestSuite() { RunBounded({"/bin/rm", "-rf", root_}); }

  void SetUp() override { ASSERT_TRUE(ExitedWith(install_, 0)); }

  static std::string Share(const std::string& rel) { return prefix_ + "/share/mockhub/" + rel; }

  static inline std::string root_, prefix_;
  static inline BoundedRun install_;
};

TEST_F(InstallTest, InstallsBothBinariesTheLibraryTheAdaptersTheDemoWorldAndTheLicense) {
  EXPECT_TRUE(IsExecutable(prefix_ + "/bin/mockhub"));
  EXPECT_TRUE(IsExecutable(prefix_ + "/bin/hubget"));
  EXPECT_TRUE(IsFile(Share("scenarios/schema.json")));
  EXPECT_TRUE(IsFile(Share(std::string("scenarios/") + kScenario)));
  EXPECT_TRUE(IsFile(Share("scenarios/adapters/curl.adapter.json")));
  EXPECT_TRUE(IsExecutable(Share("scenarios/adapters/curl-adapter.sh")));
  EXPECT_TRUE(IsFile(Share("scenarios/adapters/hfjs.adapter.json")));
  EXPECT_TRUE(IsFile(Share("scenarios/adapters/hfjs-adapter.mjs")));
  EXPECT_TRUE(IsFile(Share("worlds/demo.json")));
  EXPECT_TRUE(IsFile(prefix_ + "/share/doc/mockhub/LICENSE"));
  BoundedRun world = RunBounded(
      {prefix_ + "/bin/mockhub", "validate", "--world", Share("worlds/demo.json")}, In(root_));
  EXPECT_TRUE(ExitedWith(world, 0));
  BoundedRun library =
      RunBounded({prefix_ + "/bin/mockhub", "validate", Share("scenarios")}, In(root_));
  EXPECT_TRUE(ExitedWith(library, 0)) << "every installed scenario loads";
}

TEST_F(InstallTest, BothBinariesPrintTheProjectVersion) {
  BoundedRun m = RunBounded({prefix_ + "/bin/mockhub", "--version"}, In(root_));
  EXPECT_TRUE(ExitedWith(m, 0));
  EXPECT_EQ(m.out, std::string("mockhub ") + PROJECT_VERSION_STRING + "\n");
  BoundedRun h = RunBounded({prefix_ + "/bin/hubget", "--version"}, In(root_));
  EXPECT_TRUE(ExitedWith(h, 0));
  EXPECT_EQ(h.out, std::string("hubget ") + PROJECT_VERSION_STRING + "\n");
}

TEST_F(InstallTest, InstalledMockhubRunPassesAScenarioWithTheHubgetBesideIt) {
  BoundedRun r = RunScenario(prefix_ + "/bin/mockhub", Share(std::string("scenarios/") + kScenario),
                             root_ + "/work");
  EXPECT_TRUE(ExitedWith(r, 0));
  EXPECT_EQ(HubgetUsed(r), prefix_ + "/bin/hubget") << r.err.substr(0, 2000);
  EXPECT_NE(r.out.find("1 passed, 0 failed"), std::string::npos) << r.out;
}

TEST_F(InstallTest, InstalledAdapterRunsFromTheInstalledShare) {
  BoundedRun r = RunBounded({"/usr/bin/env", "-u", "MOCKHUB_HUBGET", prefix_ + "/bin/mockhub",
                             "run", "--adapter", Share("scenarios/adapters/curl.adapter.json"),
                             Share("scenarios/s05-missing-repo-401-vs-404.json")},
                            In(root_ + "/work"));
  EXPECT_TRUE(ExitedWith(r, 0)) << "the curl adapter's command is found beside its file";
  EXPECT_NE(r.out.find("client: curl"), std::string::npos) << r.out;
}

TEST_F(InstallTest, MockhubHubgetBeatsTheHubgetBesideMockhub) {
  // Another hubget: the build tree's, which is not beside the installed mockhub.
  BoundedRun r = RunScenario(prefix_ + "/bin/mockhub", Share(std::string("scenarios/") + kScenario),
                             root_ + "/work", {std::string("MOCKHUB_HUBGET=") + HUBGET_BIN});
  EXPECT_TRUE(ExitedWith(r, 0));
  EXPECT_EQ(HubgetUsed(r), HUBGET_BIN);
}

TEST_F(InstallTest, ABuildTreeMockhubUsesItsBuildTreesHubget) {
  BoundedRun r =
      RunScenario(MOCKHUB_BIN, Share(std::string("scenarios/") + kScenario), root_ + "/work");
  EXPECT_TRUE(ExitedWith(r, 0));
  EXPECT_EQ(HubgetUsed(r), HUBGET_BIN);
}

// The Debian package, unpacked with dpkg-deb (no root needed): its control
// fields (a Description whose lines once started with the `;` of a CMake
// list), its files under /usr, and its binaries at work.
TEST(DebPackageTest, DescribesItselfDependsOnTheRuntimeLibrariesAndItsMockhubPassesAScenario) {
  char tmpl[] = "/tmp/mockhub-deb-XXXXXX";
  ASSERT_TRUE(::mkdtemp(tmpl));
  const std::string root = tmpl;
  BoundedRun pack = RunBounded({CPACK_BIN, "-G", "DEB", "-B", root + "/pkg", "--config",
                                std::string(BUILD_DIR) + "/CPackConfig.cmake"},
                               In(root));
  ASSERT_TRUE(ExitedWith(pack, 0));
  BoundedRun find = RunBounded({"/usr/bin/find", root + "/pkg", "-maxdepth", "1", "-name",
                                std::string("mockhub_") + PROJECT_VERSION_STRING + "_*.deb"});
  ASSERT_TRUE(ExitedWith(find, 0));
  ASSERT_FALSE(find.out.empty()) << "no .deb in " << root << "/pkg";
  const std::string deb = find.out.substr(0, find.out.find('\n'));

  BoundedRun description = RunBounded({"/usr/bin/dpkg-deb", "--field", deb, "Description"});
  ASSERT_TRUE(ExitedWith(description, 0));
  EXPECT_EQ(description.out.rfind(
                "mock Hugging Face Hub, reference downloader and scenario runner\n mockhub serves "
                "the Hugging Face Hub's download path",
                0),
            0u)
      << description.out;
  for (const char* list_separator : {"\n;", "\n ;"}) {
    EXPECT_EQ(description.out.find(list_separator), std::string::npos)
        << "a line starts with a CMake list's `;`:\n"
        << description.out;
  }
  EXPECT_NE(description.out.find("\n fault injection and a request journal"), std::string::npos)
      << description.out;

  BoundedRun depends = RunBounded({"/usr/bin/dpkg-deb", "--field", deb, "Depends"});
  ASSERT_TRUE(ExitedWith(depends, 0));
  for (const char* lib :
       {"libc6", "libstdc++6", "libcurl4", "libssl3", "liblz4-1", "libcpp-httplib0.11"}) {
    EXPECT_NE(depends.out.find(lib), std::string::npos) << lib << " missing: " << depends.out;
  }
  BoundedRun contents = RunBounded({"/usr/bin/dpkg-deb", "--contents", deb});
  ASSERT_TRUE(ExitedWith(contents, 0));
  for (const char* path :
       {"./usr/bin/mockhub", "./usr/bin/hubget", "./usr/share/mockhub/scenarios/schema.json",
        "./usr/share/mockhub/scenarios/adapters/curl-adapter.sh",
        "./usr/share/mockhub/worlds/demo.json", "./usr/share/doc/mockhub/LICENSE"}) {
    EXPECT_NE(contents.out.find(std::string(path) + "\n"), std::string::npos) << path;
  }

  BoundedRun unpack = RunBounded({"/usr/bin/dpkg-deb", "-x", deb, root + "/root"});
  ASSERT_TRUE(ExitedWith(unpack, 0));
  ASSERT_EQ(::mkdir((root + "/work").c_str(), 0755), 0);
  const std::string usr = root + "/root/usr";
  BoundedRun r = RunScenario(usr + "/bin/mockhub", usr + "/share/mockhub/scenarios/" + kScenario,
                             root + "/work");
  EXPECT_TRUE(ExitedWith(r, 0));
  EXPECT_EQ(HubgetUsed(r), usr + "/bin/hubget");
  RunBounded({"/bin/rm", "-rf", root});
}

}  // namespace
