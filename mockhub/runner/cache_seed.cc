// See cache_seed.h; the layout is hub-protocol.md §5.1.
#include "cache_seed.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "beneath.h"
#include "mockhub/world/names.h"

namespace mockhub::runner {

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

// Writes the first `n` bytes of `c` to `rel` beneath the hub cache.
Status WriteBytes(const std::string& hub_cache, const std::string& rel, const Content& c,
                  std::uint64_t n) {
  auto fd = CreateFileBeneath(hub_cache, rel);
  if (!fd.ok()) return fd.status();
  std::vector<char> buf(1 << 20);
  for (std::uint64_t off = 0; off < n;) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), n - off));
    c.Read(off, buf.data(), k);
    for (std::size_t done = 0; done < k;) {
      const ssize_t w = ::write(fd->get(), buf.data() + done, k - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return Internal("cannot write " + rel + ": " + std::strerror(errno));
      done += static_cast<std::size_t>(w);
    }
    off += k;
  }
  return Status::Ok();
}

Status WriteText(const std::string& hub_cache, const std::string& rel, const std::string& text) {
  return WriteBytes(hub_cache, rel, *Content::Inline(text), text.size());
}

// The names a seed uses as paths, checked again here (the reader checked
// them first) so that seeding never depends on the reader alone.
Status CheckNames(const CachedFile& f) {
  for (const auto& [rule, value] :
       {std::pair{&names::RepoId, &f.repo}, std::pair{&names::Revision, &f.revision},
        std::pair{&names::RepoPath, &f.path}}) {
    if (Status st = rule(*value); !st.ok())
      return InvalidArgument("cannot seed the cache: a name " + st.message());
  }
  return Status::Ok();
}

}  // namespace

// Every file and link is made beneath `hub_cache` (beneath.h): no name can
// put anything outside the scenario's temporary folder.
Status SeedCache(const std::string& hub_cache, const World& world,
                 const std::vector<CachedFile>& files) {
  for (const CachedFile& f : files) {
    if (Status st = CheckNames(f); !st.ok()) return st;
    const Repo* repo = world.FindRepoFollowingRenames(f.type, f.repo);
    const Commit* commit = repo ? repo->Resolve(f.revision) : nullptr;
    if (!commit || !commit->files.count(f.path))
      return NotFound("cannot seed " + f.repo + "/" + f.path);
    const RepoFile& file = commit->files.at(f.path);
    const std::string root = RepoFolder(f.type, f.repo);
    const std::string etag = BlobEtag(file);
    if (Status st = MakeFoldersBeneath(hub_cache, root + "/blobs"); !st.ok()) return st;
    if (f.partial_bytes) {
      if (Status st = WriteBytes(hub_cache, root + "/blobs/" + etag + ".incomplete", *file.content,
                                 *f.partial_bytes);
          !st.ok()) {
        return st;
      }
      continue;
    }
    if (Status st =
            WriteBytes(hub_cache, root + "/blobs/" + etag, *file.content, file.content->size());
        !st.ok()) {
      return st;
    }
    // snapshots/<sha>/<path> -> ../../(one more per folder of path)blobs/<etag>
    std::string up = "../../";
    for (char c : f.path) {
      if (c == '/') up += "../";
    }
    if (Status st = SymlinkBeneath(hub_cache, root + "/snapshots/" + commit->sha + "/" + f.path,
                                   up + "blobs/" + etag);
        !st.ok()) {
      return st;
    }
    if (f.revision != commit->sha) {
      if (Status st = WriteText(hub_cache, root + "/refs/" + f.revision, commit->sha); !st.ok())
        return st;  // no trailing newline
    }
    if (Status st = WriteText(hub_cache, "CACHEDIR.TAG",
                              "Signature: 8a477f597d28d172789f06886806bc55\n"
                              "# This file is a cache directory tag created by huggingface_hub.\n");
        !st.ok()) {
      return st;
    }
  }
  return Status::Ok();
}

}  // namespace mockhub::runner
