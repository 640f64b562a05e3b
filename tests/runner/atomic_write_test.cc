// WriteFileAtomically, the one way `mockhub run --junit/--html` and `mockhub
// serve --env-file` write their files (issue 25, N10): its temporary used to
// be PATH.tmp.<pid>, opened following symlinks, so a symlink planted there
// overwrote its target and a FIFO hung the writer. Both are planted at that
// old name here; the new temporary has a random name and is created with
// O_EXCL|O_NOFOLLOW.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>

#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario_result.h"
#include "temp_dir_test.h"
#include "wait_for.h"

namespace mockhub {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class AtomicWriteTest : public testsupport::TempDirTest {
 protected:
  std::string OldTemporary(const std::string& path) {
    return path + ".tmp." + std::to_string(::getpid());
  }
  // Nothing but the report and what the test planted is left beside it.
  void ExpectNoStrayTemporary(std::size_t planted) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_)) {
      (void)e;
      ++n;
    }
    EXPECT_EQ(n, planted + 1) << "a temporary file was left behind";
  }
};

TEST_F(AtomicWriteTest, ASymlinkPlantedAtTheOldTemporaryNameIsNotFollowed) {
  const std::string victim = dir_ + "/victim";
  std::ofstream(victim) << "precious";
  const std::string report = dir_ + "/report.xml";
  ASSERT_EQ(::symlink(victim.c_str(), OldTemporary(report).c_str()), 0);
  ASSERT_TRUE(WriteFileAtomically(report, "<testsuite/>\n").ok());
  EXPECT_EQ(ReadAll(victim), "precious");
  EXPECT_EQ(ReadAll(report), "<testsuite/>\n");
  EXPECT_FALSE(fs::is_symlink(report));
  EXPECT_TRUE(fs::is_symlink(OldTemporary(report))) << "another's file is not ours to remove";
  ExpectNoStrayTemporary(2);
}

TEST_F(AtomicWriteTest, AFifoPlantedAtTheOldTemporaryNameDoesNotHangTheWriter) {
  const std::string report = dir_ + "/mockhub.env";
  const std::string fifo = OldTemporary(report);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto writing = std::async(std::launch::async, [&] {
    return WriteFileAtomically(report, "HF_ENDPOINT=http://127.0.0.1:1\n").ok();
  });
  if (writing.wait_for(testsupport::kWaitDefault) != std::future_status::ready) {
    // The old code blocks opening the FIFO for writing: a reader releases it
    // so the test ends, failed.
    const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    writing.wait();
    if (fd >= 0) ::close(fd);
    FAIL() << "the writer hung on a FIFO planted at its temporary's name";
  }
  EXPECT_TRUE(writing.get());
  EXPECT_EQ(ReadAll(report), "HF_ENDPOINT=http://127.0.0.1:1\n");
  ExpectNoStrayTemporary(1);
}

TEST_F(AtomicWriteTest, ReplacesASymlinkAtTheFinalNameInsteadOfWritingThroughIt) {
  const std::string victim = dir_ + "/victim";
  std::ofstream(victim) << "precious";
  const std::string report = dir_ + "/report.html";
  ASSERT_EQ(::symlink(victim.c_str(), report.c_str()), 0);
  ASSERT_TRUE(WriteFileAtomically(report, "<html></html>").ok());
  EXPECT_EQ(ReadAll(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(report));
  EXPECT_EQ(ReadAll(report), "<html></html>");
}

TEST_F(AtomicWriteTest, AFolderThatDoesNotExistIsAnErrorNamingThePath) {
  const Status st = WriteFileAtomically(dir_ + "/missing/report.xml", "x");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(dir_ + "/missing/report.xml.tmp."), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("No such file or directory"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace mockhub
