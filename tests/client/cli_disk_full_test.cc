// hubget on a disk that fills up, made with RLIMIT_FSIZE in the child (every
// write past the limit fails with EFBIG, SIGXFSZ ignored) instead of a full
// file system: refs, CACHEDIR.TAG, trees/<commit>.json and --local-dir
// metadata are either written whole or not at all, the run says `io`, and no
// empty file is left under a final name or as an .incomplete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "canned_server.h"
#include "hostile_cli.h"

namespace hubget {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::EndsWith;
using testing::FileHeaders;
using ::testing::HasSubstr;
using testing::MethodOf;
using ::testing::Not;
using testing::ProcessResult;
using testing::RawResponse;

const std::string kRepo = "org/model";
const std::string kRepoDir = "models--org--model";
constexpr long long kTinyLimit = 16;  // fewer bytes than any of these files

class CliDiskFullTest : public testing::HostileCliTest {
 protected:
  void SetUp() override {
    HostileCliTest::SetUp();
    fs::create_directories(Cache());
  }
  // The tag exists already: the write under test is the next one.
  void TagCache() const { testing::WriteFile(Cache() + "/CACHEDIR.TAG", "Signature: x\n"); }
  static void ExpectIoError(const ProcessResult& r) {
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(LastJson(r).value("error", ""), "io") << r.out;
  }
  // A zero-byte file: nothing to write but the cache's own files.
  testing::CannedServer hub{RawResponse(200, FileHeaders(""))};
};

TEST_F(CliDiskFullTest, RefThatCannotBeWrittenIsAnIoErrorNotAnEmptyRef) {
  TagCache();
  const ProcessResult r =
      HubgetWithFileSizeLimit(hub.url(), {"--json", "download", kRepo, "f.txt"}, kTinyLimit);
  ExpectIoError(r);
  EXPECT_THAT(LastJson(r).value("message", ""), HasSubstr("refs/main"));
  const auto files = FilesUnder(Cache());
  EXPECT_THAT(files, Not(Contains(HasSubstr("/refs/"))));
}

TEST_F(CliDiskFullTest, CacheDirTagThatCannotBeWrittenIsAnIoError) {
  const ProcessResult r =
      HubgetWithFileSizeLimit(hub.url(), {"--json", "download", kRepo, "f.txt"}, kTinyLimit);
  ExpectIoError(r);
  EXPECT_THAT(FilesUnder(Cache()), Not(Contains(HasSubstr("CACHEDIR.TAG"))));
}

TEST_F(CliDiskFullTest, LocalDirMetadataThatCannotBeWrittenIsAnIoError) {
  const std::string local = dir.path() + "/out";
  const ProcessResult r = HubgetWithFileSizeLimit(
      hub.url(), {"--json", "download", kRepo, "f.txt", "--local-dir", local}, kTinyLimit);
  ExpectIoError(r);
  EXPECT_THAT(FilesUnder(local), Not(Contains(EndsWith(".metadata"))));
}

TEST_F(CliDiskFullTest, TreeCacheThatCannotBeWrittenIsAnIoError) {
  TagCache();
  testing::CannedServer tree_hub([](const std::string& request) {
    if (MethodOf(request) == "HEAD") return RawResponse(200, FileHeaders(""));
    return RawResponse(200, {{"Content-Type", "application/json"}},
                       R"([{"type":"file","path":"f.txt","size":0,"oid":")" +
                           std::string(testing::kGitEtag) + R"("}])");
  });
  const ProcessResult r = HubgetWithFileSizeLimit(
      tree_hub.url(), {"--json", "download", kRepo, "--revision", testing::kCommit}, kTinyLimit);
  ExpectIoError(r);
  EXPECT_THAT(FilesUnder(Cache()), Not(Contains(HasSubstr("/trees/"))));
}

// The body's first write fails: the .incomplete it went to holds nothing
// and is no resume point, so it is removed.
TEST_F(CliDiskFullTest, BlobThatCannotBeWrittenLeavesNoEmptyIncomplete) {
  TagCache();
  const std::string body(4096, 'b');
  testing::CannedServer file_hub(RawResponse(200, FileHeaders(body), body));
  const ProcessResult r = HubgetWithFileSizeLimit(
      file_hub.url(), {"--json", "download", kRepo, "f.txt", "--revision", testing::kCommit}, 0);
  ExpectIoError(r);
  EXPECT_THAT(FilesUnder(Cache()), Not(Contains(HasSubstr(kRepoDir + "/blobs/"))));
}

}  // namespace
}  // namespace hubget
