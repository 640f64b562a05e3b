// The one writer of progress output. Download workers only report numbers
// into a progress::Model; a Renderer takes views of it on a thread of its own
// and writes whole frames, one write per frame, so no two workers ever race on
// the terminal and no line is ever torn. On a terminal it redraws the live
// area in place (\r, cursor up, ESC[K, ESC[J), fitted to the width it reads
// before every frame (a resize is respected at the next frame, at most
// 100 ms later). Elsewhere (a CI log) it writes the throttled plain lines of
// progress::LogLines and a summary. The sink is injectable: tests give it a
// fake terminal.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hubget/progress.h"

namespace hubget::progress {

enum class Mode {
  kTerminal,  // redraw in place
  kLog,       // append plain lines
};

struct Sink {
  std::function<void(const std::string&)> write;  // one call per frame
  std::function<int()> width;                     // columns now; <= 0 when unknown (80)
};

// The columns of the terminal on `fd` (TIOCGWINSZ), else $COLUMNS, else 80.
int TerminalWidth(int fd);
// A sink on a file descriptor (stderr), writing each frame whole.
Sink FdSink(int fd);

class Renderer {
 public:
  Renderer(
      const Model& model, Mode mode, Sink sink, Style style = {},
      std::function<TimePoint()> now = [] { return std::chrono::steady_clock::now(); });
  ~Renderer();  // Stop()
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Frames every `interval` on a thread until Stop().
  void Start(std::chrono::milliseconds interval);
  // One frame, now (what the thread does; tests call it directly).
  void Frame();
  // A line to show now, whole, above the live area on a terminal or as a
  // plain line in a log ("retrying in 30 s (...)"); after Finish, written
  // as it is. Any thread.
  void Notice(const std::string& line);
  // Stops the thread and draws the last frame; `ok` adds the log's summary.
  void Finish(bool ok);
  void Stop();

 private:
  std::string TerminalFrame(const View& view, int width);  // under mu_
  std::string LogFrame(const View& view, TimePoint now);   // under mu_

  const Model& model_;
  Mode mode_;
  Sink sink_;
  Style style_;
  std::function<TimePoint()> now_;

  std::mutex mu_;                     // one frame at a time
  std::vector<std::size_t> drawn_;    // columns of each live line on screen
  std::set<std::string> left_;        // finished files whose line was left above
  std::vector<std::string> notices_;  // said at the next frame, before anything else
  LogLines log_;
  bool finished_ = false;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hubget::progress
