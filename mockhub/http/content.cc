// Inline and synthetic file content; see content.h for why synthetic exists.
#include "mockhub/http/content.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "mockhub/base/digest.h"

namespace mockhub {
namespace {

// splitmix64: a fast, well-mixed function of (seed, block index), so any
// offset can be generated without generating what precedes it.
inline std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Word i of the stream is Mix(key ^ i), stored little-endian. Whole words
// are stored 8 bytes at a time (one unaligned store the compiler can
// pipeline), only a partial head and tail go through a temporary.
inline void StoreLe(std::uint64_t w, unsigned char* out) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(out, &w, 8);
#else
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(w >> (8 * i));
#endif
}

// x86-64: also built for AVX2 (chosen at load time), where GCC vectorises the
// word loop; the bytes are the same either way.
// Not under sanitizers: the ifunc resolver runs before their runtime is up
// (ThreadSanitizer crashes at load).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx2", "default")))
#endif
void Generate(std::uint64_t seed, std::uint64_t offset, char* out, std::size_t n) {
  const std::uint64_t key = Mix(seed);
  std::uint64_t block = offset / 8;
  const std::size_t skip = static_cast<std::size_t>(offset % 8);
  unsigned char tmp[8];
  if (skip != 0 && n > 0) {
    StoreLe(Mix(key ^ block), tmp);
    const std::size_t take = std::min<std::size_t>(8 - skip, n);
    std::memcpy(out, tmp + skip, take);
    out += take;
    n -= take;
    ++block;
  }
  const std::size_t words = n / 8;
  auto* dst = reinterpret_cast<unsigned char*>(out);
  for (std::size_t i = 0; i < words; ++i) StoreLe(Mix(key ^ (block + i)), dst + 8 * i);
  out += 8 * words;
  n -= 8 * words;
  if (n > 0) {
    StoreLe(Mix(key ^ (block + words)), tmp);
    std::memcpy(out, tmp, n);
  }
}

template <typename Fn>
void ForEachChunk(const Content& c, Fn fn) {
  std::vector<char> buf(1 << 20);
  for (std::uint64_t off = 0; off < c.size();) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), c.size() - off));
    c.Read(off, buf.data(), n);
    fn(buf.data(), n);
    off += n;
  }
}

}  // namespace

std::shared_ptr<const Content> Content::Inline(std::string bytes) {
  auto c = std::shared_ptr<Content>(new Content());
  c->size_ = bytes.size();
  c->inline_ = std::move(bytes);
  return c;
}

std::shared_ptr<const Content> Content::Synthetic(std::uint64_t size, std::uint64_t seed) {
  auto c = std::shared_ptr<Content>(new Content());
  c->size_ = size;
  c->seed_ = seed;
  c->synthetic_ = true;
  return c;
}

std::shared_ptr<const Content> Content::Generated(std::uint64_t size, Reader read) {
  auto c = std::shared_ptr<Content>(new Content());
  c->size_ = size;
  c->generated_ = std::move(read);
  return c;
}

void Content::Read(std::uint64_t offset, char* out, std::size_t n) const {
  if (n == 0) return;
  if (generated_) {
    generated_(offset, out, n);
    return;
  }
  if (synthetic_) {
    Generate(seed_, offset, out, n);
    return;
  }
  std::memcpy(out, inline_.data() + offset, n);
}

std::string Content::ReadAll() const {
  if (!synthetic_ && !generated_) return inline_;
  std::string s(static_cast<std::size_t>(size_), '\0');
  Read(0, s.data(), s.size());
  return s;
}

const std::string& Content::GitBlobSha1() const {
  std::call_once(sha1_once_, [this] {
    Digest d(DigestKind::kSha1);
    d.Update("blob " + std::to_string(size_));
    d.Update("\0", 1);
    ForEachChunk(*this, [&](const char* p, std::size_t n) { d.Update(p, n); });
    sha1_ = d.HexFinal();
  });
  return sha1_;
}

const std::string* Content::Sha256IfKnown() const {
  return sha256_known_.load(std::memory_order_acquire) ? &sha256_ : nullptr;
}

Content::~Content() { CancelHashing(); }

bool Content::HashSha256(const std::atomic<bool>* cancel) const {
  Digest d(DigestKind::kSha256);
  std::vector<char> buf(1 << 20);
  hash_progress_ = 0;
  for (std::uint64_t off = 0; off < size_;) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return false;
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size_ - off));
    Read(off, buf.data(), n);
    d.Update(buf.data(), n);
    off += n;
    hash_progress_.store(off, std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> lock(hash_mu_);
  sha256_ = d.HexFinal();
  sha256_known_.store(true, std::memory_order_release);
  hash_state_ = HashState::kDone;
  hash_cv_.notify_all();
  return true;
}

void Content::Background() const {
  if (HashSha256(&hash_cancel_)) return;
  std::lock_guard<std::mutex> lock(hash_mu_);
  hash_state_ = HashState::kIdle;  // cancelled: whoever asks next starts again
  hash_cv_.notify_all();
}

const std::string& Content::Sha256() const {
  std::unique_lock<std::mutex> lock(hash_mu_);
  for (;;) {
    if (hash_state_ == HashState::kDone) return sha256_;
    if (hash_state_ == HashState::kIdle) break;
    hash_cv_.wait(lock);  // a background hash; if it is cancelled, hash here
  }
  hash_state_ = HashState::kRunning;
  lock.unlock();
  HashSha256(nullptr);
  return sha256_;
}

const std::string* Content::Sha256Within(std::chrono::milliseconds wait) const {
  if (const std::string* known = Sha256IfKnown()) return known;
  if (size_ <= kInlineHashLimit) return &Sha256();
  std::unique_lock<std::mutex> lock(hash_mu_);
  if (hash_state_ == HashState::kIdle) {
    if (hash_thread_.joinable()) hash_thread_.join();  // a cancelled one, already ended
    hash_state_ = HashState::kRunning;
    hash_cancel_ = false;
    hash_started_ = std::chrono::steady_clock::now();
    hash_thread_ = std::thread([this] { Background(); });
  }
  hash_cv_.wait_for(lock, wait, [this] { return hash_state_ == HashState::kDone; });
  return hash_state_ == HashState::kDone ? &sha256_ : nullptr;
}

std::uint64_t Content::Sha256SecondsLeft() const {
  if (Sha256IfKnown()) return 0;
  std::chrono::steady_clock::time_point started;
  {
    std::lock_guard<std::mutex> lock(hash_mu_);
    started = hash_started_;
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double done = static_cast<double>(hash_progress_.load(std::memory_order_relaxed));
  // Before any progress: 1 GiB/s, about what one core hashes.
  const double rate = done > 0 && elapsed > 0 ? done / elapsed : static_cast<double>(1ull << 30);
  const double left = (static_cast<double>(size_) - done) / rate;
  return left < 1 ? 1 : static_cast<std::uint64_t>(left) + 1;
}

void Content::CancelHashing() const {
  std::thread running;
  {
    std::lock_guard<std::mutex> lock(hash_mu_);
    if (!hash_thread_.joinable()) return;
    hash_cancel_ = true;
    running = std::move(hash_thread_);
  }
  running.join();
}

const std::string* Content::Sha256By(std::chrono::steady_clock::time_point deadline) const {
  const auto left = deadline - std::chrono::steady_clock::now();
  return Sha256Within(std::max(std::chrono::milliseconds(0),
                               std::chrono::duration_cast<std::chrono::milliseconds>(left)));
}

std::string LfsPointer(const Content& content) {
  return "version https://git-lfs.github.com/spec/v1\noid sha256:" + content.Sha256() + "\nsize " +
         std::to_string(content.size()) + "\n";
}

std::string GitBlobSha1Of(const std::string& bytes) {
  return Content::Inline(bytes)->GitBlobSha1();
}

}  // namespace mockhub
