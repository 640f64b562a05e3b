// The Xet side of a world: which files are Xet-backed, the xorbs that hold
// their chunks, and how to rebuild any byte range of a file from them
// (xet-protocol.md §4, §5). Built when the world loads, like the object
// store, and cheap: nothing is read, hashed or compressed until a
// reconstruction or a xorb range is asked for, so a 10 GiB Xet file costs
// neither memory nor start-up time.
//
// IDs are opaque and stable, not the Hub's BLAKE3 Merkle hashes (no
// downloader verifies them; see mockhub/README.md): 64 lower-case hex
// characters derived with sha256 from what determines the bytes. Chunks are
// fixed-size; a synthetic stream's xorbs are shared by every file of the same
// seed (a larger file reuses a smaller one's xorbs and adds its own), so
// terms that reference part of a xorb occur naturally.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mockhub/http/content.h"
#include "mockhub/world/world.h"

namespace mockhub {

struct XetTerm {
  std::string xorb;               // xorb hash
  std::uint32_t chunk_start = 0;  // [start, end) chunk indices in the xorb
  std::uint32_t chunk_end = 0;
  std::uint64_t unpacked_length = 0;  // decoded bytes of those chunks
  std::uint64_t byte_start = 0;       // their serialized bytes in the xorb, inclusive
  std::uint64_t byte_end = 0;
};

struct XetReconstruction {
  std::uint64_t offset_into_first_range = 0;
  std::vector<XetTerm> terms;
};

class XetIndex {
 public:
  static std::shared_ptr<const XetIndex> Build(const World& world);

  // X-Xet-Hash of a Xet-backed file under the world's settings.
  static std::string FileHash(const RepoFile& file, const XetOptions& options);

  // How many xorbs a Xet file of `size` bytes needs under `options`; the
  // index holds one entry per xorb, so the world loader bounds it.
  static std::uint64_t XorbsFor(std::uint64_t size, const XetOptions& options);
  static constexpr std::uint64_t kMaxXorbsPerFile = 1u << 20;

  struct File {
    std::shared_ptr<const Content> content;
    std::vector<std::pair<RepoType, std::string>> repos;  // repos holding it
  };
  const File* FindFile(const std::string& hash) const;

  // Terms for bytes [first, last] of the file (last clamped to its end);
  // nullopt when first is at or past the end (416).
  std::optional<XetReconstruction> Reconstruct(const std::string& hash, std::uint64_t first,
                                               std::uint64_t last) const;

  // The serialized chunk stream of a xorb (what its presigned URL serves),
  // generated on demand. nullptr for an unknown hash.
  std::shared_ptr<const Content> Xorb(const std::string& hash) const;

  struct XorbSpec;  // defined in xet_store.cc

 private:
  struct FileSpec;
  std::map<std::string, std::shared_ptr<const FileSpec>> files_;
  std::map<std::string, std::shared_ptr<XorbSpec>> xorbs_;
  std::map<std::string, File> file_entries_;
};

}  // namespace mockhub
