// The .incomplete file any fetcher grows: resume point kept and re-hashed,
// appends bounded by the expected size, verify, finalize, discard, and no
// empty file left behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "fakes.h"
#include "fetch/partial_file.h"

namespace hubget {
namespace {

using testing::ReadFile;
using testing::Sha256Hex;
using testing::WriteFile;

class PartialFileTest : public ::testing::Test {
 protected:
  std::unique_ptr<PartialFile> Open(bool hash = true) {
    auto f = PartialFile::Open(path, {content.size(), hash ? Sha256Hex(content) : ""});
    EXPECT_TRUE(f) << f.error().Message();
    return f ? std::move(f.value()) : nullptr;
  }
  static void Append(PartialFile& f, const std::string& bytes) {
    auto s = f.Append(bytes.data(), bytes.size());
    ASSERT_TRUE(s) << s.error().Message();
  }

  testing::TempDir dir;
  std::string path = dir.path() + "/blob.incomplete";
  std::string content = "0123456789abcdefghijklmnopqrstuvwxyz";
};

TEST_F(PartialFileTest, FreshFileVerifiesItsSha256) {
  auto f = Open();
  EXPECT_EQ(f->size(), 0u);
  Append(*f, content);
  auto digest = f->Verify();
  ASSERT_TRUE(digest) << digest.error().Message();
  EXPECT_EQ(digest.value(), Sha256Hex(content));
}

TEST_F(PartialFileTest, ResumesFromTheKeptPrefixAndHashesIt) {
  WriteFile(path, content.substr(0, 10));
  auto f = Open();
  EXPECT_EQ(f->size(), 10u);
  Append(*f, content.substr(10));
  ASSERT_TRUE(f->Verify());
  ASSERT_TRUE(f->Close());
  EXPECT_EQ(ReadFile(path), content);
}

TEST_F(PartialFileTest, PrefixLongerThanTheFileIsDropped) {
  WriteFile(path, content + "stale");
  auto f = Open();
  EXPECT_EQ(f->size(), 0u);
  Append(*f, content);
  EXPECT_TRUE(f->Verify());
}

TEST_F(PartialFileTest, BytesPastTheExpectedSizeAreRefused) {
  auto f = Open(false);
  Append(*f, content);
  auto s = f->Append("x", 1);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, Kind::kIntegrity);
  EXPECT_EQ(f->size(), content.size());
}

TEST_F(PartialFileTest, RestartForgetsTheBytesAndTheirHash) {
  WriteFile(path, "XXXXXXXXXX");
  auto f = Open();
  ASSERT_TRUE(f->Restart());
  EXPECT_EQ(f->size(), 0u);
  Append(*f, content);
  EXPECT_TRUE(f->Verify());
}

TEST_F(PartialFileTest, WrongDigestIsAnIntegrityErrorAndDiscardsTheFile) {
  auto f = Open();
  std::string bad = content;
  bad[0] = '!';
  Append(*f, bad);
  auto digest = f->Verify();
  ASSERT_FALSE(digest);
  EXPECT_EQ(digest.error().kind, Kind::kIntegrity);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(PartialFileTest, ShortFileFailsVerificationButStaysAsAResumePoint) {
  auto f = Open();
  Append(*f, content.substr(0, 5));
  auto digest = f->Verify();
  ASSERT_FALSE(digest);
  EXPECT_EQ(digest.error().kind, Kind::kIntegrity);
  f.reset();
  EXPECT_EQ(ReadFile(path), content.substr(0, 5));
}

TEST_F(PartialFileTest, FinalizeMovesTheFileIntoPlace) {
  const std::string dest = dir.path() + "/blob";
  auto f = Open();
  Append(*f, content);
  ASSERT_TRUE(f->Verify());
  ASSERT_TRUE(f->Finalize(dest));
  f.reset();
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(ReadFile(dest), content);
}

TEST_F(PartialFileTest, FinalizeIntoAMissingDirectoryIsAnIoError) {
  auto f = Open();
  Append(*f, content);
  auto s = f->Finalize(dir.path() + "/no/such/dir/blob");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, Kind::kIo);
}

TEST_F(PartialFileTest, EmptyFileIsRemovedWhenNotFinalized) {
  Open().reset();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(PartialFileTest, NonEmptyFileStaysWhenNotFinalized) {
  auto f = Open();
  Append(*f, content.substr(0, 3));
  f.reset();
  EXPECT_EQ(ReadFile(path), content.substr(0, 3));
}

TEST_F(PartialFileTest, DiscardRemovesTheFile) {
  auto f = Open();
  Append(*f, content.substr(0, 3));
  f->Discard();
  f.reset();
  EXPECT_FALSE(std::filesystem::exists(path));
}

// A server that announces 1 GiB gets no 1 GiB of disk before it has sent a
// byte: the reservation is a bounded share ahead of the data.
TEST_F(PartialFileTest, ReservationAheadOfTheDataIsBounded) {
  constexpr std::uint64_t kAnnounced = std::uint64_t{1} << 30;
  auto f = PartialFile::Open(path, {kAnnounced, ""});
  ASSERT_TRUE(f) << f.error().Message();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);
  EXPECT_LE(static_cast<std::uint64_t>(st.st_blocks) * 512, std::uint64_t{64} << 20);
}

// The reservation grows with the data: a stretch ahead of it, asked for
// again once the data has used half of it.
TEST_F(PartialFileTest, ReservationGrowsWithTheData) {
  constexpr std::uint64_t kAhead = 1 << 20;
  auto f = PartialFile::Open(path, {std::uint64_t{64} << 20, "", kAhead});
  ASSERT_TRUE(f) << f.error().Message();
  auto reserved = [&] {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return static_cast<std::uint64_t>(st.st_blocks) * 512;
  };
  const std::uint64_t at_open = reserved();
  if (at_open < kAhead) GTEST_SKIP() << "this file system does not reserve (fallocate)";
  EXPECT_LT(at_open, 2 * kAhead);
  const std::string chunk(256 << 10, 'x');
  for (int i = 0; i < 12; ++i) Append(**f, chunk);  // 3 MiB
  ASSERT_TRUE((*f)->Flush());
  EXPECT_GE(reserved(), 3 * kAhead + kAhead / 2);
  EXPECT_LT(reserved(), 5 * kAhead);
}

// A run killed mid-download (no destructor) leaves its reservation; the
// next Open gives it back before resuming.
TEST_F(PartialFileTest, OpenGivesBackWhatAKilledRunReserved) {
  WriteFile(path, "0123");
  {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    const bool reserves = ::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 8 << 20) == 0;
    ::close(fd);
    if (!reserves) GTEST_SKIP() << "this file system does not reserve (fallocate)";
  }
  auto f = PartialFile::Open(path, {std::uint64_t{64} << 20, "", 1 << 20});
  ASSERT_TRUE(f) << f.error().Message();
  EXPECT_EQ((*f)->size(), 4u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 4);
  EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, std::uint64_t{3} << 20);
}

TEST_F(PartialFileTest, UnopenablePathIsAnIoError) {
  auto f = PartialFile::Open(dir.path() + "/missing/blob.incomplete", {1, ""});
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind, Kind::kIo);
}

}  // namespace
}  // namespace hubget
