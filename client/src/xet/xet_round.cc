// Parallel units, in-order writes. See xet_round.h.
#include "xet/xet_round.h"

#include <sys/mman.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

namespace hubget {

bool BufferBudget::TryTake(std::uint64_t n) {
  std::uint64_t left = left_.load();
  while (left >= n) {
    if (left_.compare_exchange_weak(left, left - n)) return true;
  }
  return false;
}

namespace {

// A buffered unit's bytes in a mapping of their own, handed back to the
// system when released. From the heap they would stay resident: each worker
// thread's malloc arena keeps the blocks freed into it, so the budget would
// bound what is held at once but not what stays in memory.
class UnitBuffer {
 public:
  UnitBuffer() = default;
  UnitBuffer(const UnitBuffer&) = delete;
  UnitBuffer& operator=(const UnitBuffer&) = delete;
  ~UnitBuffer() { Release(); }

  Status Reserve(std::size_t capacity) {
    Release();
    if (capacity == 0) return OkStatus();
    void* p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      return MakeError(Kind::kIo, "cannot map " + std::to_string(capacity) +
                                      " bytes for a xorb range: " + std::strerror(errno));
    }
    data_ = static_cast<char*>(p);
    capacity_ = capacity;
    return OkStatus();
  }
  Status Append(const char* data, std::size_t n) {
    if (n > capacity_ - size_) return MakeError(Kind::kIntegrity, "a term decoded past its size");
    std::memcpy(data_ + size_, data, n);
    size_ += n;
    return OkStatus();
  }
  void Release() {
    if (data_ != nullptr) ::munmap(data_, capacity_);
    data_ = nullptr;
    capacity_ = size_ = 0;
  }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  char* data_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

class Round {
 public:
  Round(Session& session, PartialFile& file, BufferBudget& budget,
        const std::vector<XetUnit>& units, const FetchHooks& hooks, const CallContext& ctx)
      : session_(session),
        file_(file),
        budget_(budget),
        units_(units),
        hooks_(hooks),
        ctx_(ctx),
        slots_(units.size()) {
    control_.stop = &stop_;
    control_.cancel = hooks.cancel;
  }

  Result<RoundOutcome> Run(int parallel);

 private:
  struct Slot {
    bool done = false;
    bool direct = false;  // started as the head: writes straight into the file
    std::uint64_t reserved = 0;
    UnitBuffer buffer;
  };

  void Work();
  std::optional<std::size_t> Claim(std::unique_lock<std::mutex>& lock);
  void Finish(std::size_t i, Result<UnitOutcome> r);  // mu_ held
  void WriteReady();                                  // mu_ held
  void Release(Slot& slot);                           // mu_ held
  Status Write(const char* data, std::size_t n);

  Session& session_;
  PartialFile& file_;
  BufferBudget& budget_;
  const std::vector<XetUnit>& units_;
  const FetchHooks& hooks_;
  const CallContext& ctx_;
  UnitControl control_;
  std::atomic<bool> stop_{false};

  std::mutex mu_;
  std::condition_variable cv_;  // a unit finished, the head moved or the round stopped
  std::vector<Slot> slots_;
  std::size_t next_start_ = 0;
  std::size_t next_write_ = 0;
  std::optional<Error> error_;
  std::optional<Error> refusal_;
};

Status Round::Write(const char* data, std::size_t n) {
  if (auto s = file_.Append(data, n); !s) return s;
  if (hooks_.progress) hooks_.progress({ctx_.path, file_.size(), file_.expected().size});
  return OkStatus();
}

// The next unit in file order, once it may start: it is the head, or the
// budget grants its bytes. nullopt when the round has nothing left.
std::optional<std::size_t> Round::Claim(std::unique_lock<std::mutex>& lock) {
  std::uint64_t granted = 0;
  cv_.wait(lock, [&] {
    if (stop_ || next_start_ == units_.size() || next_start_ == next_write_) return true;
    const std::uint64_t take = units_[next_start_].slice.take;
    if (take > budget_.capacity() || !budget_.TryTake(take)) return false;
    granted = take;
    return true;
  });
  if (stop_ || next_start_ == units_.size()) {
    budget_.Give(granted);
    return std::nullopt;
  }
  const std::size_t i = next_start_++;
  slots_[i].direct = i == next_write_;
  slots_[i].reserved = granted;
  return i;
}

void Round::Work() {
  for (;;) {
    std::unique_lock<std::mutex> lock(mu_);
    const auto claimed = Claim(lock);
    if (!claimed) return;
    const std::size_t i = *claimed;
    Slot& slot = slots_[i];
    const bool direct = slot.direct;
    lock.unlock();
    // The slot is this worker's until Finish: nobody else reads it before.
    EmitBytes emit;
    Status reserved = OkStatus();
    if (direct) {
      emit = [this](const char* data, std::size_t n) { return Write(data, n); };
    } else {
      reserved = slot.buffer.Reserve(static_cast<std::size_t>(units_[i].slice.take));
      emit = [&slot](const char* data, std::size_t n) { return slot.buffer.Append(data, n); };
    }
    Result<UnitOutcome> r =
        reserved ? FetchUnit(session_, units_[i], emit, control_, ctx_) : reserved.error();
    lock.lock();
    Finish(i, std::move(r));
    cv_.notify_all();
  }
}

void Round::Release(Slot& slot) {
  budget_.Give(slot.reserved);
  slot.reserved = 0;
  slot.buffer.Release();
}

void Round::Finish(std::size_t i, Result<UnitOutcome> r) {
  Slot& slot = slots_[i];
  if (!r) {
    if (!error_) error_ = r.error();
    stop_ = true;
    Release(slot);
    return;
  }
  if (r->end == UnitEnd::kDone) {
    slot.done = true;
    WriteReady();
    return;
  }
  if (r->end == UnitEnd::kExpired) {
    if (!refusal_) refusal_ = r->refusal;
    stop_ = true;
  }
  Release(slot);
}

// Writes the finished buffered units at the head, in order.
void Round::WriteReady() {
  while (next_write_ < slots_.size() && slots_[next_write_].done) {
    Slot& slot = slots_[next_write_];
    if (!slot.direct && !error_) {
      if (auto s = Write(slot.buffer.data(), slot.buffer.size()); !s) {
        error_ = s.error();
        stop_ = true;
      }
    }
    Release(slot);
    if (error_) return;
    ++next_write_;
  }
}

Result<RoundOutcome> Round::Run(int parallel) {
  const std::size_t workers = std::max<std::size_t>(
      1, std::min<std::size_t>(static_cast<std::size_t>(parallel), units_.size()));
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back([this] { Work(); });
  Work();
  for (auto& t : pool) t.join();
  if (error_) return *error_;
  if (refusal_) return RoundOutcome{RoundEnd::kExpired, *refusal_};
  return RoundOutcome{};
}

}  // namespace

Result<RoundOutcome> RunRound(Session& session, PartialFile& file, BufferBudget& budget,
                              const std::vector<XetUnit>& units, const FetchHooks& hooks,
                              const CallContext& ctx, int parallel) {
  return Round(session, file, budget, units, hooks, ctx).Run(parallel);
}

}  // namespace hubget
