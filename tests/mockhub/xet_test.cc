// The Xet model without sockets: world keys, the index, reconstructions and
// xorb streams (decoded by the test's own decoder, xet_decode.h).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mockhub/world/world_json.h"
#include "mockhub/world/xet/xet_store.h"
#include "xet_decode.h"

namespace mockhub {
namespace {

World Load(const std::string& text) {
  auto doc = ParseJsonText(text, "w.json");
  EXPECT_TRUE(doc.ok());
  auto w = WorldFromJson(*doc, "w.json");
  EXPECT_TRUE(w.ok()) << w.error().ToString();
  return w.ok() ? std::move(w.value()) : World{};
}

LoadError Fails(const std::string& text) {
  auto w = WorldFromJson(*ParseJsonText(text, "w.json"), "w.json");
  EXPECT_FALSE(w.ok());
  return w.ok() ? LoadError{} : w.error();
}

const RepoFile& FileOf(const World& w, const std::string& repo, const std::string& path) {
  return w.FindRepo(RepoType::kModel, repo)->Resolve("main")->files.at(path);
}

TEST(XetWorldTest, StorageIsAFileARepoOrAWorldDefaultForLfsFilesOnly) {
  World w = Load(R"({"storage": "xet", "repos": {
      "a/one": {"files": {"w.bin": {"size": 1000}, "c.json": "{}"}},
      "a/two": {"storage": "lfs", "files": {"w.bin": {"size": 1000},
                                             "x.bin": {"size": 10, "storage": "xet"}}}}})");
  EXPECT_TRUE(FileOf(w, "a/one", "w.bin").xet);
  EXPECT_FALSE(FileOf(w, "a/one", "c.json").xet) << "regular git files are never Xet-backed";
  EXPECT_FALSE(FileOf(w, "a/two", "w.bin").xet);
  EXPECT_TRUE(FileOf(w, "a/two", "x.bin").xet);
}

TEST(XetWorldTest, BadXetSettingsNameTheirPointer) {
  EXPECT_EQ(Fails(R"({"xet": {"chunk_size": 262144}, "repos": {}})").pointer, "/xet/chunk_size");
  EXPECT_EQ(Fails(R"({"xet": {"compression": "zstd"}, "repos": {}})").pointer, "/xet/compression");
  EXPECT_EQ(Fails(R"({"repos": {"a/b": {"files": {"x": {"size": 9, "storage": "s3"}}}}})").pointer,
            "/repos/a~1b/files/x/storage");
  EXPECT_EQ(
      Fails(R"({"repos": {"a/b": {"files": {"x": {"size": 9, "compression": "lz4"}}}}})").pointer,
      "/repos/a~1b/files/x/compression");
  EXPECT_EQ(Fails(R"({"repos": {"a/b": {"files": {"x": {"text": "t", "lfs": false,
                                                        "storage": "xet"}}}}})")
                .pointer,
            "/repos/a~1b/files/x/storage");
}

TEST(XetWorldTest, AFileNeedingTooManyXorbsIsRefusedBeforeTheIndexIsBuilt) {
  // 1 TiB of 3-chunk xorbs would be hundreds of millions of index entries
  // (a size past 2^48 is refused earlier, at its own pointer).
  const LoadError e = Fails(R"({"xet": {"chunk_size": 1024, "xorb_size": 4096}, "repos": {
      "a/b": {"files": {"w.bin": {"size": 1099511627776, "storage": "xet"}}}}})");
  EXPECT_EQ(e.pointer, "/repos/a~1b");
  EXPECT_NE(e.reason.find("xorbs at /xet/xorb_size"), std::string::npos) << e.reason;
  // The 10 GiB file of the benchmark is well inside the bound.
  EXPECT_LT(XetIndex::XorbsFor(10737418240u, XetOptions{}), XetIndex::kMaxXorbsPerFile);
}

TEST(XetIndexTest, ReconstructionIsDeterministicAndCoversTheRangeExactly) {
  World w = Load(R"({"xet": {"chunk_size": 1024, "xorb_size": 8192}, "repos": {
      "a/b": {"files": {"w.bin": {"size": 20000, "seed": 4, "storage": "xet"}}}}})");
  const RepoFile& f = FileOf(w, "a/b", "w.bin");
  const std::string hash = XetIndex::FileHash(f, w.options.xet);
  auto r1 = w.xet->Reconstruct(hash, 1500, 9000);
  auto r2 = w.xet->Reconstruct(hash, 1500, 9000);
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->offset_into_first_range, 1500u - 1024u);
  ASSERT_EQ(r1->terms.size(), r2->terms.size());
  std::string rebuilt;
  for (std::size_t i = 0; i < r1->terms.size(); ++i) {
    const XetTerm& t = r1->terms[i];
    EXPECT_EQ(t.xorb, r2->terms[i].xorb);
    EXPECT_EQ(t.byte_start, r2->terms[i].byte_start);
    auto xorb = w.xet->Xorb(t.xorb);
    ASSERT_TRUE(xorb);
    std::string stream(t.byte_end - t.byte_start + 1, '\0');
    xorb->Read(t.byte_start, stream.data(), stream.size());
    std::string plain;
    EXPECT_EQ(xettest::DecodeStream(stream, plain), "");
    EXPECT_EQ(plain.size(), t.unpacked_length);
    rebuilt += plain;
  }
  EXPECT_GT(r1->terms.size(), 1u) << "7 chunks per xorb: the range spans xorbs";
  std::string want(9000 - 1500 + 1, '\0');
  f.content->Read(1500, want.data(), want.size());
  EXPECT_EQ(rebuilt.substr(r1->offset_into_first_range, want.size()), want);
  EXPECT_FALSE(w.xet->Reconstruct(hash, 20000, 20001)) << "at the end: 416";
}

TEST(XetIndexTest, FilesOfOneSyntheticStreamShareTheirXorbs) {
  World w = Load(R"({"xet": {"chunk_size": 1024, "xorb_size": 8192}, "repos": {
      "a/b": {"files": {"small.bin": {"size": 5000, "seed": 7, "storage": "xet"},
                        "large.bin": {"size": 9000, "seed": 7, "storage": "xet"}}}}})");
  const XetOptions& o = w.options.xet;
  auto small = w.xet->Reconstruct(XetIndex::FileHash(FileOf(w, "a/b", "small.bin"), o), 0, 4999);
  auto large = w.xet->Reconstruct(XetIndex::FileHash(FileOf(w, "a/b", "large.bin"), o), 0, 8999);
  ASSERT_TRUE(small && large);
  EXPECT_EQ(small->terms[0].xorb, large->terms[0].xorb) << "the stream's first xorb, stored once";
  EXPECT_LT(small->terms[0].chunk_end, large->terms[0].chunk_end)
      << "the smaller file uses a prefix of it";
  EXPECT_NE(XetIndex::FileHash(FileOf(w, "a/b", "small.bin"), o),
            XetIndex::FileHash(FileOf(w, "a/b", "large.bin"), o));
}

TEST(XetIndexTest, CompressionSchemesAreWhatTheWorldAsked) {
  World w = Load(R"({"xet": {"chunk_size": 4096}, "repos": {"a/b": {"files": {
      "lz4.bin": {"size": 10000, "seed": 1, "storage": "xet", "compression": "lz4"},
      "bg4.bin": {"size": 10000, "seed": 1, "storage": "xet", "compression": "bg4"},
      "auto.bin": {"size": 10000, "seed": 1, "storage": "xet"},
      "text.txt": {"text": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "lfs": true,
                   "storage": "xet"}}}}})");
  auto schemes = [&](const std::string& path) {
    const std::string hash = XetIndex::FileHash(FileOf(w, "a/b", path), w.options.xet);
    auto r = w.xet->Reconstruct(hash, 0, UINT64_MAX);
    int seen = 0;
    for (const auto& t : r->terms) {
      auto x = w.xet->Xorb(t.xorb);
      std::string stream(t.byte_end - t.byte_start + 1, '\0'), plain;
      x->Read(t.byte_start, stream.data(), stream.size());
      EXPECT_EQ(xettest::DecodeStream(stream, plain, nullptr, &seen), "") << path;
    }
    return seen;
  };
  EXPECT_EQ(schemes("lz4.bin"), 1 << 1);
  EXPECT_EQ(schemes("bg4.bin"), 1 << 2);
  EXPECT_EQ(schemes("auto.bin"), 1 << 0) << "random synthetic bytes do not shrink: raw";
  EXPECT_EQ(schemes("text.txt") & ~(1 << 1 | 1 << 2), 0) << "compressible text is compressed";
  EXPECT_NE(schemes("text.txt"), 1 << 0);
}

// The mock does not LZ4-encode synthetic chunks (uniformly random bytes):
// it writes the frame of uncompressed blocks that liblz4 writes for them,
// whose size is arithmetic. This checks the two are byte for byte the same,
// for one- and two-block chunks, LZ4 and BG4.
TEST(XetIndexTest, SyntheticChunksAreTheFramesLiblz4WritesForThem) {
  for (const char* chunk_size : {"65536", "131072"}) {
    World w = Load(std::string(R"({"xet": {"chunk_size": )") + chunk_size +
                   R"(}, "repos": {"a/b": {"files": {
        "lz4.bin": {"size": 300000, "seed": 3, "storage": "xet", "compression": "lz4"},
        "bg4.bin": {"size": 300000, "seed": 3, "storage": "xet", "compression": "bg4"}}}}})");
    for (const std::string path : {"lz4.bin", "bg4.bin"}) {
      const RepoFile& f = FileOf(w, "a/b", path);
      auto r = w.xet->Reconstruct(XetIndex::FileHash(f, w.options.xet), 0, UINT64_MAX);
      ASSERT_TRUE(r);
      std::uint64_t file_at = 0;
      for (const auto& t : r->terms) {
        std::string stream(t.byte_end - t.byte_start + 1, '\0');
        w.xet->Xorb(t.xorb)->Read(t.byte_start, stream.data(), stream.size());
        for (std::size_t at = 0; at < stream.size();) {
          const std::size_t clen = xettest::Le24(stream, at + 1),
                            ulen = xettest::Le24(stream, at + 5);
          std::string plain(ulen, '\0');
          f.content->Read(file_at, plain.data(), plain.size());
          if (path == "bg4.bin") {
            std::string grouped;
            for (std::size_t g = 0; g < 4; ++g)
              for (std::size_t i = g; i < plain.size(); i += 4) grouped.push_back(plain[i]);
            plain = grouped;
          }
          std::string frame(LZ4F_compressFrameBound(plain.size(), nullptr), '\0');
          frame.resize(
              LZ4F_compressFrame(frame.data(), frame.size(), plain.data(), plain.size(), nullptr));
          EXPECT_EQ(stream.substr(at + 8, clen), frame)
              << path << " chunk at " << file_at << ", chunk size " << chunk_size;
          at += 8 + clen;
          file_at += ulen;
        }
      }
      EXPECT_EQ(file_at, 300000u);
    }
  }
}

TEST(XetIndexTest, ATenGibFileIsIndexedAndReconstructedWithoutReadingIt) {
  World w = Load(R"({"repos": {"a/b": {"files": {
      "huge.bin": {"size": 10737418240, "seed": 9, "storage": "xet"}}}}})");
  const RepoFile& f = FileOf(w, "a/b", "huge.bin");
  auto r = w.xet->Reconstruct(XetIndex::FileHash(f, w.options.xet), 0, UINT64_MAX);
  ASSERT_TRUE(r);
  std::uint64_t total = 0;
  for (const auto& t : r->terms) total += t.unpacked_length;
  EXPECT_EQ(total, 10737418240u);
  EXPECT_EQ(f.content->Sha256IfKnown(), nullptr) << "nothing hashed the file";
}

}  // namespace
}  // namespace mockhub
