// A test fixture with a fresh temporary folder (dir_), removed after the
// test: the one place the runner's and docs' tests make their folders.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace testsupport {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mockhub-test-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl)) << "cannot create a temporary folder";
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

}  // namespace testsupport
