// See pipelined_sink.h.
#include "fetch/pipelined_sink.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "fetch/sha256.h"

namespace hubget {

PipelinedSink::PipelinedSink(int fd, Sha256* sha) : fd_(fd), sha_(sha), storage_(kBuffers) {
  for (auto& b : storage_) free_.push_back(&b);
}

PipelinedSink::~PipelinedSink() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    stop_ = true;
  }
  ready_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (hasher_.joinable()) hasher_.join();
}

int PipelinedSink::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

bool PipelinedSink::Append(const char* data, std::size_t n) {
  if (!writer_.joinable()) {
    writer_ = std::thread([this] { Work(Stage::kWrite); });
    if (sha_ != nullptr) hasher_ = std::thread([this] { Work(Stage::kHash); });
  }
  while (n > 0) {
    if (current_ == nullptr) {
      std::unique_lock<std::mutex> lock(mu_);
      freed_.wait(lock, [&] { return !free_.empty() || error_ != 0; });
      if (error_ != 0) return false;
      current_ = free_.back();
      free_.pop_back();
      // Allocated on first use: a small file never touches the whole pool.
      if (!current_->data) current_->data = std::make_unique<char[]>(kBufferSize);
      current_->size = 0;
    }
    const std::size_t take = std::min(n, kBufferSize - current_->size);
    std::memcpy(current_->data.get() + current_->size, data, take);
    current_->size += take;
    data += take;
    n -= take;
    if (current_->size == kBufferSize) Submit(current_);
  }
  std::lock_guard<std::mutex> lock(mu_);
  return error_ == 0;
}

void PipelinedSink::Submit(Buffer* b) {
  current_ = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    b->pending = sha_ != nullptr ? 2 : 1;
    to_write_.push_back(b);
    if (sha_ != nullptr) to_hash_.push_back(b);
    ++in_flight_;
  }
  ready_.notify_all();
}

bool PipelinedSink::Drain() {
  if (current_ != nullptr) {
    if (current_->size > 0) {
      Submit(current_);
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(current_);
      current_ = nullptr;
    }
  }
  std::unique_lock<std::mutex> lock(mu_);
  freed_.wait(lock, [&] { return in_flight_ == 0; });
  return error_ == 0;
}

void PipelinedSink::Release(Buffer* b) {
  if (--b->pending > 0) return;
  free_.push_back(b);
  --in_flight_;
}

void PipelinedSink::Work(Stage stage) {
  std::deque<Buffer*>& queue = stage == Stage::kWrite ? to_write_ : to_hash_;
  for (;;) {
    Buffer* b = nullptr;
    bool failed = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [&] { return stop_ || !queue.empty(); });
      if (queue.empty()) return;  // stop_ and nothing left
      b = queue.front();
      queue.pop_front();
      failed = error_ != 0;
    }
    int err = 0;
    if (!failed && stage == Stage::kHash) sha_->Update(b->data.get(), b->size);
    if (!failed && stage == Stage::kWrite) {
      std::size_t done = 0;
      while (done < b->size) {
        const ssize_t w = ::write(fd_, b->data.get() + done, b->size - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          err = w < 0 ? errno : EIO;
          break;
        }
        done += static_cast<std::size_t>(w);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (err != 0 && error_ == 0) error_ = err;
      Release(b);
    }
    freed_.notify_all();
  }
}

}  // namespace hubget
