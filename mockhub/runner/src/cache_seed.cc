// See cache_seed.h; the layout is hub-protocol.md §5.1.
#include "cache_seed.h"

#include <filesystem>
#include <fstream>

namespace mockhub::runner {

namespace fs = std::filesystem;

std::string RepoFolder(RepoType type, const std::string& repo) {
  std::string folder = std::string(RepoTypePlural(type)) + "--";
  for (char c : repo) {
    if (c == '/')
      folder += "--";
    else
      folder += c;
  }
  return folder;
}

std::string BlobEtag(const RepoFile& f) {
  return f.lfs ? f.content->Sha256() : f.content->GitBlobSha1();
}

namespace {
bool WriteBytes(const fs::path& p, const Content& c, std::uint64_t n) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  std::vector<char> buf(1 << 20);
  for (std::uint64_t off = 0; off < n && out;) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), n - off));
    c.Read(off, buf.data(), k);
    out.write(buf.data(), static_cast<std::streamsize>(k));
    off += k;
  }
  return static_cast<bool>(out);
}
}  // namespace

Status SeedCache(const std::string& hub_cache, const World& world,
                 const std::vector<CachedFile>& files) {
  std::error_code ec;
  for (const CachedFile& f : files) {
    const Repo* repo = world.FindRepoFollowingRenames(f.type, f.repo);
    const Commit* commit = repo ? repo->Resolve(f.revision) : nullptr;
    if (!commit || !commit->files.count(f.path))
      return NotFound("cannot seed " + f.repo + "/" + f.path);
    const RepoFile& file = commit->files.at(f.path);
    const fs::path root = fs::path(hub_cache) / RepoFolder(f.type, f.repo);
    const std::string etag = BlobEtag(file);
    fs::create_directories(root / "blobs", ec);
    if (ec) return Internal("cannot create " + (root / "blobs").string() + ": " + ec.message());
    if (f.partial_bytes) {
      if (!WriteBytes(root / "blobs" / (etag + ".incomplete"), *file.content, *f.partial_bytes)) {
        return Internal("cannot write the partial blob of " + f.path);
      }
      continue;
    }
    if (!WriteBytes(root / "blobs" / etag, *file.content, file.content->size()))
      return Internal("cannot write blob " + etag);
    const fs::path link = root / "snapshots" / commit->sha / f.path;
    fs::create_directories(link.parent_path(), ec);
    fs::remove(link, ec);
    fs::create_symlink(fs::relative(root / "blobs" / etag, link.parent_path()), link, ec);
    if (ec) return Internal("cannot link " + link.string() + ": " + ec.message());
    if (f.revision != commit->sha) {
      const fs::path ref = root / "refs" / f.revision;
      fs::create_directories(ref.parent_path(), ec);
      std::ofstream(ref, std::ios::binary | std::ios::trunc) << commit->sha;  // no trailing newline
    }
    std::ofstream(fs::path(hub_cache) / "CACHEDIR.TAG")
        << "Signature: 8a477f597d28d172789f06886806bc55\n"
           "# This file is a cache directory tag created by huggingface_hub.\n";
  }
  return Status::Ok();
}

}  // namespace mockhub::runner
