// PipelinedSink: bytes reach the file and the digest in order, whatever the
// chunking, and a failed write is reported instead of lost.
#include "fetch/pipelined_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "fakes.h"
#include "fetch/sha256.h"

namespace hubget {
namespace {

std::string Pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xFF);
  return s;
}

TEST(PipelinedSinkTest, ManyOddChunksArriveInOrderInFileAndDigest) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/out";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  // More than the whole pool, so buffers are recycled several times.
  const std::string data =
      Pattern(PipelinedSink::kBufferSize * PipelinedSink::kBuffers * 3 + 12345);
  Sha256 sha;
  {
    PipelinedSink sink(fd, &sha);
    std::size_t at = 0, step = 1;
    while (at < data.size()) {
      const std::size_t n = std::min(step, data.size() - at);
      ASSERT_TRUE(sink.Append(data.data() + at, n));
      at += n;
      step = step * 3 % 700001 + 1;  // 1 byte up to ~700 KB
    }
    ASSERT_TRUE(sink.Drain());
    EXPECT_EQ(sink.error(), 0);
  }
  ::close(fd);
  EXPECT_EQ(testing::ReadFile(path), data);
  EXPECT_EQ(sha.HexDigest(), testing::Sha256Hex(data));
}

TEST(PipelinedSinkTest, DrainMakesPartialBufferVisibleAndAppendContinues) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/out";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  PipelinedSink sink(fd, nullptr);
  ASSERT_TRUE(sink.Append("hello ", 6));
  ASSERT_TRUE(sink.Drain());
  EXPECT_EQ(testing::ReadFile(path), "hello ");
  ASSERT_TRUE(sink.Append("world", 5));
  ASSERT_TRUE(sink.Drain());
  EXPECT_EQ(testing::ReadFile(path), "hello world");
  ::close(fd);
}

TEST(PipelinedSinkTest, WriteErrorIsReported) {
  const int fd = ::open("/dev/full", O_WRONLY);
  if (fd < 0) GTEST_SKIP() << "no /dev/full";
  PipelinedSink sink(fd, nullptr);
  const std::string data = Pattern(PipelinedSink::kBufferSize + 1);
  (void)sink.Append(data.data(), data.size());
  EXPECT_FALSE(sink.Drain());
  EXPECT_EQ(sink.error(), ENOSPC);
  // Further appends fail fast instead of blocking.
  for (int i = 0; i < 20; ++i) {
    if (!sink.Append(data.data(), data.size())) break;
    ASSERT_LT(i, 19) << "Append kept accepting after a failed write";
  }
  ::close(fd);
}

}  // namespace
}  // namespace hubget
