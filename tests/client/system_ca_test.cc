// The system CA bundle lookup (system_ca.h): the first readable regular file
// of the distributions' paths, so a static hubget finds Fedora's or Alpine's
// bundle where libcurl's compiled-in default names only Debian's. The whole
// path (a static hubget in a root holding only Fedora's bundle) runs in
// tests/portable.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "http/system_ca.h"

namespace hubget {
namespace {

class SystemCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hubget-system-ca-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string File(const std::string& name) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << "-----BEGIN CERTIFICATE-----\n";
    return path;
  }
  std::string dir_;
};

TEST_F(SystemCaTest, TheFirstExistingCandidateWins) {
  const std::string second = File("b.pem"), third = File("c.pem");
  EXPECT_EQ(FirstReadableFile({dir_ + "/missing.pem", second, third}), second);
}

TEST_F(SystemCaTest, AFolderIsNotABundle) {
  ASSERT_EQ(::mkdir((dir_ + "/certs").c_str(), 0755), 0);
  const std::string file = File("cert.pem");
  EXPECT_EQ(FirstReadableFile({dir_ + "/certs", file}), file);
}

TEST_F(SystemCaTest, NoCandidateFoundIsEmpty) {
  EXPECT_EQ(FirstReadableFile({dir_ + "/a", dir_ + "/b"}), "");
}

TEST(SystemCaCandidatesTest, DebianFedoraSuseAndAlpineBundlesAreLookedFor) {
  const auto& c = SystemCaBundleCandidates();
  for (const char* path : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                           "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"}) {
    EXPECT_NE(std::find(c.begin(), c.end(), path), c.end()) << path;
  }
  EXPECT_EQ(c.front(), "/etc/ssl/certs/ca-certificates.crt") << "Debian's first, as before";
}

}  // namespace
}  // namespace hubget
