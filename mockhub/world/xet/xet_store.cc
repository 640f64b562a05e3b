// See xet_store.h: the Xet index of a world, xorb layouts and the
// reconstruction of a byte range.
#include <algorithm>
#include <cstring>

#include "mockhub/base/digest.h"
#include "mockhub/world/xet/chunk_codec.h"
#include "mockhub/world/xet/xet_store.h"

namespace mockhub {

namespace {

// Chunks per xorb: as many as fit the serialized cap even if every chunk grew
// by its worst-case LZ4 frame overhead; never more than the format's 8192.
std::uint32_t ChunksPerXorb(const XetOptions& o) {
  const std::uint64_t worst = o.chunk_size + 8 + o.chunk_size / 255 + 64;
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(o.xorb_size / worst, 1, 8192));
}

// What determines a file's bytes, cheaply: a synthetic stream's seed (its
// bytes depend on the seed and the offset only), or an inline file's sha256.
std::string Identity(const Content& c) {
  if (c.synthetic()) return "syn/" + std::to_string(c.seed());
  return "inl/" + c.Sha256();
}

std::string Settings(XetCompression compression, const XetOptions& o) {
  return std::string(XetCompressionName(compression)) + "/" + std::to_string(o.chunk_size) + "/" +
         std::to_string(ChunksPerXorb(o));
}

std::string Id(const std::string& what) { return Sha256Hex("mockhub xet " + what); }

}  // namespace

// One xorb: `chunks` chunks of `chunk_size` bytes (the last one `last_len`)
// read from `source` at `base`. Its serialized layout is computed on demand
// (arithmetic when raw, by encoding when compressed) and cached.
struct XetIndex::XorbSpec {
  std::string hash;
  std::shared_ptr<const Content> source;
  std::uint64_t base = 0;
  std::uint32_t chunk_size = 0;
  std::uint32_t chunks = 0;
  std::uint64_t last_len = 0;
  XetCompression compression = XetCompression::kNone;
  bool compressible = false;

  std::uint64_t ChunkLen(std::uint32_t c) const { return c + 1 == chunks ? last_len : chunk_size; }

  std::string Chunk(std::uint32_t c) const {
    std::string bytes(ChunkLen(c), '\0');
    source->Read(base + static_cast<std::uint64_t>(c) * chunk_size, bytes.data(), bytes.size());
    return xet::EncodeChunk(bytes, compression, compressible);
  }

  // Serialized bytes of chunks [0, c]: arithmetic when every chunk's size is
  // known without encoding (every chunk but the last is full-size).
  std::uint64_t End(std::uint32_t c) const {
    const std::size_t full = xet::EncodedSizeWithoutEncoding(chunk_size, compression, compressible);
    const std::size_t mine =
        xet::EncodedSizeWithoutEncoding(ChunkLen(c), compression, compressible);
    if (full != 0 && mine != 0) return static_cast<std::uint64_t>(c) * full + mine;
    std::lock_guard<std::mutex> lock(mu);
    while (ends.size() <= c) {
      const std::uint64_t before = ends.empty() ? 0 : ends.back();
      ends.push_back(before + Chunk(static_cast<std::uint32_t>(ends.size())).size());
    }
    return ends[c];
  }
  std::uint64_t Start(std::uint32_t c) const { return c == 0 ? 0 : End(c - 1); }

  // The chunk holding serialized offset `off` (off < End(chunks - 1)).
  std::uint32_t ChunkAt(std::uint64_t off) const {
    std::uint32_t lo = 0, hi = chunks - 1;
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (End(mid) <= off)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  void Read(std::uint64_t off, char* out, std::size_t n) const {
    while (n > 0) {
      const std::uint32_t c = ChunkAt(off);
      const std::string chunk = Chunk(c);
      const std::uint64_t skip = off - Start(c);
      const std::size_t take =
          static_cast<std::size_t>(std::min<std::uint64_t>(n, chunk.size() - skip));
      std::copy_n(chunk.data() + skip, take, out);
      out += take;
      n -= take;
      off += take;
    }
  }

 private:
  mutable std::mutex mu;
  mutable std::vector<std::uint64_t> ends;
};

// A file: consecutive runs of its chunks, each in one xorb.
struct XetIndex::FileSpec {
  struct Segment {
    std::uint64_t first_chunk = 0;  // file chunk index of the run's start
    std::uint32_t chunks = 0;
    std::shared_ptr<XorbSpec> xorb;
    std::uint32_t xorb_chunk = 0;  // where the run starts in the xorb
  };
  std::shared_ptr<const Content> content;
  std::uint32_t chunk_size = 0;
  std::vector<Segment> segments;
};

namespace {

using XorbSpec = XetIndex::XorbSpec;

// Xorbs are values of their hash: indices rebuilt after a state change reuse
// the specs (and their computed layouts) that are still alive.
std::shared_ptr<XorbSpec> Intern(std::shared_ptr<XorbSpec> spec) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<XorbSpec>> live;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = live[spec->hash];
  if (auto existing = slot.lock()) return existing;
  slot = spec;
  return spec;
}

std::shared_ptr<XorbSpec> MakeXorb(const std::string& what, std::shared_ptr<const Content> source,
                                   std::uint64_t base, std::uint32_t chunks, std::uint64_t last_len,
                                   const RepoFile& f, const XetOptions& o) {
  auto x = std::make_shared<XorbSpec>();
  x->hash = Id("xorb " + what + " " + Settings(f.compression, o));
  x->source = std::move(source);
  x->base = base;
  x->chunk_size = o.chunk_size;
  x->chunks = chunks;
  x->last_len = last_len;
  x->compression = f.compression;
  x->compressible = !f.content->synthetic();
  return Intern(std::move(x));
}

}  // namespace

std::uint64_t XetIndex::XorbsFor(std::uint64_t size, const XetOptions& o) {
  const std::uint64_t per_xorb = static_cast<std::uint64_t>(ChunksPerXorb(o)) * o.chunk_size;
  return size / per_xorb + 2;  // the last partial xorb and a partial last chunk's own
}

std::string XetIndex::FileHash(const RepoFile& f, const XetOptions& o) {
  return Id("file " + Identity(*f.content) + " " + std::to_string(f.content->size()) + " " +
            Settings(f.compression, o));
}

std::shared_ptr<const XetIndex> XetIndex::Build(const World& world) {
  auto index = std::make_shared<XetIndex>();
  const XetOptions& o = world.options.xet;
  const std::uint32_t k = ChunksPerXorb(o);
  const std::uint64_t cs = o.chunk_size;
  for (const auto& [key, repo] : world.repos) {
    for (const auto& [sha, commit] : repo.commits) {
      for (const auto& [path, f] : commit.files) {
        if (!f.xet) continue;
        const std::string hash = FileHash(f, o);
        auto& entry = index->file_entries_[hash];
        if (std::find(entry.repos.begin(), entry.repos.end(), key) == entry.repos.end())
          entry.repos.push_back(key);
        if (index->files_.count(hash)) continue;
        entry.content = f.content;
        auto spec = std::make_shared<FileSpec>();
        spec->content = f.content;
        spec->chunk_size = o.chunk_size;
        const Content& c = *f.content;
        const std::uint64_t full = c.size() / cs, tail = c.size() % cs;
        const std::string id = Identity(c);
        if (c.synthetic()) {
          // Xorb j of the seed's stream holds its chunks [jk, (j+1)k), all
          // full; a file uses a prefix of each. A partial last chunk is a
          // xorb of its own.
          for (std::uint64_t j = 0; j * k < full; ++j) {
            const std::uint64_t end = std::min<std::uint64_t>(full, (j + 1) * k);
            auto x =
                MakeXorb(id + "/" + std::to_string(j),
                         Content::Synthetic((j + 1) * k * cs, c.seed()), j * k * cs, k, cs, f, o);
            spec->segments.push_back({j * k, static_cast<std::uint32_t>(end - j * k), x, 0});
          }
          if (tail > 0) {
            auto x = MakeXorb(id + "/tail/" + std::to_string(c.size()), f.content, full * cs, 1,
                              tail, f, o);
            spec->segments.push_back({full, 1, x, 0});
          }
        } else {
          const std::uint64_t n = full + (tail > 0 ? 1 : 0);
          for (std::uint64_t j = 0; j * k < n; ++j) {
            const std::uint64_t end = std::min<std::uint64_t>(n, (j + 1) * k);
            const bool has_tail = end == n && tail > 0;
            auto x = MakeXorb(id + "/" + std::to_string(j), f.content, j * k * cs,
                              static_cast<std::uint32_t>(end - j * k), has_tail ? tail : cs, f, o);
            spec->segments.push_back({j * k, static_cast<std::uint32_t>(end - j * k), x, 0});
          }
        }
        for (const auto& seg : spec->segments) index->xorbs_[seg.xorb->hash] = seg.xorb;
        index->files_[hash] = std::move(spec);
      }
    }
  }
  return index;
}

const XetIndex::File* XetIndex::FindFile(const std::string& hash) const {
  auto it = file_entries_.find(hash);
  return it == file_entries_.end() ? nullptr : &it->second;
}

std::optional<XetReconstruction> XetIndex::Reconstruct(const std::string& hash, std::uint64_t first,
                                                       std::uint64_t last) const {
  auto it = files_.find(hash);
  if (it == files_.end()) return std::nullopt;
  const FileSpec& f = *it->second;
  const std::uint64_t size = f.content->size();
  XetReconstruction r;
  if (size == 0) return first == 0 ? std::optional<XetReconstruction>(r) : std::nullopt;
  if (first >= size) return std::nullopt;
  last = std::min(last, size - 1);
  const std::uint64_t fa = first / f.chunk_size, fb = last / f.chunk_size;
  r.offset_into_first_range = first - fa * f.chunk_size;
  for (const auto& seg : f.segments) {
    const std::uint64_t lo = std::max(fa, seg.first_chunk);
    const std::uint64_t hi = std::min(fb + 1, seg.first_chunk + seg.chunks);
    if (lo >= hi) continue;
    XetTerm t;
    t.xorb = seg.xorb->hash;
    t.chunk_start = static_cast<std::uint32_t>(seg.xorb_chunk + (lo - seg.first_chunk));
    t.chunk_end = static_cast<std::uint32_t>(seg.xorb_chunk + (hi - seg.first_chunk));
    for (std::uint32_t c = t.chunk_start; c < t.chunk_end; ++c)
      t.unpacked_length += seg.xorb->ChunkLen(c);
    t.byte_start = seg.xorb->Start(t.chunk_start);
    t.byte_end = seg.xorb->End(t.chunk_end - 1) - 1;
    r.terms.push_back(std::move(t));
  }
  return r;
}

std::shared_ptr<const Content> XetIndex::Xorb(const std::string& hash) const {
  auto it = xorbs_.find(hash);
  if (it == xorbs_.end()) return nullptr;
  std::shared_ptr<const XorbSpec> x = it->second;
  return Content::Generated(x->End(x->chunks - 1), [x](std::uint64_t off, char* out,
                                                       std::size_t n) { x->Read(off, out, n); });
}

}  // namespace mockhub
