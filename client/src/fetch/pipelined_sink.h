// Overlaps receiving, writing and hashing: the receiving thread copies each
// chunk into one of a few fixed buffers and hands full buffers to two
// workers, one writing them to the file and one feeding the digest, each in
// order; a buffer is reused once both are done with it. Three stages, so
// the slowest of receive, write and hash sets the pace, not their sum. The
// pool bounds the queues (kBuffers x kBufferSize = 8 MiB): memory stays flat
// whatever the file size, and a slow disk or hash pushes back on the
// receiver instead of piling up. Internal.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hubget {

class Sha256;

class PipelinedSink {
 public:
  static constexpr std::size_t kBufferSize = 1u << 20;
  static constexpr std::size_t kBuffers = 8;

  // Writes to `fd` (at its current offset) and, when `sha` is not null,
  // feeds it in order. Both must outlive the sink.
  PipelinedSink(int fd, Sha256* sha);
  ~PipelinedSink();  // drains, then stops the worker
  PipelinedSink(const PipelinedSink&) = delete;
  PipelinedSink& operator=(const PipelinedSink&) = delete;

  // Queues a copy of the bytes; blocks while every buffer is in flight.
  // False once a write has failed (see error()).
  bool Append(const char* data, std::size_t n);
  // Returns when everything appended is written and hashed; false on a
  // write error. The fd and digest may be used directly until the next Append.
  bool Drain();
  int error() const;  // errno of the first failed write, 0 if none

 private:
  struct Buffer {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
    int pending = 0;  // stages still to process it
  };
  enum class Stage { kWrite, kHash };
  void Work(Stage stage);
  void Release(Buffer* b);  // one stage is done with `b` (mu_ held)
  void Submit(Buffer* b);   // queues `b`, takes a free buffer into current_

  const int fd_;
  Sha256* const sha_;
  std::vector<Buffer> storage_;
  Buffer* current_ = nullptr;  // being filled by the receiver; not shared

  mutable std::mutex mu_;
  std::condition_variable ready_;  // workers: a buffer was queued, or stop
  std::condition_variable freed_;  // receiver: a buffer came back
  std::deque<Buffer*> to_write_;
  std::deque<Buffer*> to_hash_;
  std::vector<Buffer*> free_;
  std::size_t in_flight_ = 0;  // queued or being processed
  bool stop_ = false;
  int error_ = 0;
  std::thread writer_;
  std::thread hasher_;  // only with a digest
};

}  // namespace hubget
