// What the hubget command shows while it downloads, and where: progress bars
// on a terminal, plain lines in a log (stderr not a terminal, TERM=dumb),
// nothing with --quiet, --json or HF_HUB_DISABLE_PROGRESS_BARS. It owns the
// model the library's callbacks report into and the renderer that owns
// stderr meanwhile (nothing else writes there until Finish), and says what a
// failed or interrupted run kept. Ctrl-C becomes a cancel the library sees
// (a second Ctrl-C ends the process at once).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "hubget/client.h"
#include "hubget/progress.h"
#include "hubget/progress_terminal.h"

namespace hubget::cli {

enum class Display { kOff, kTerminal, kLog };

// The display for these settings; `stderr_is_tty` and `term` are
// isatty(2) and $TERM.
Display ChooseDisplay(bool quiet, bool json, bool disabled_by_env, bool stderr_is_tty,
                      const std::string& term);

class ProgressOutput {
 public:
  // `notices`: whether Notice says anything (not with --quiet).
  ProgressOutput(Display display, bool notices);
  ~ProgressOutput();

  // The callbacks report into the model whatever the display (Kept needs it).
  ProgressCallback Progress();
  PlanCallback Plan();
  FileDoneCallback FileDone();
  // A line for the person watching ("hubget: retrying in 30 s (...)"):
  // above the bars on a terminal, a plain line in a log, straight to stderr
  // when no progress is shown (--json, HF_HUB_DISABLE_PROGRESS_BARS); not
  // with --quiet. Any thread.
  void Notice(const std::string& line);
  // Stops the renderer and draws its last frame (and, in a log, the
  // summary when `ok`). Idempotent.
  void Finish(bool ok);
  // "kept 30.2MB of 'x' (45%) in .incomplete files; run the same command
  // again to resume from there", or "" when no unfinished file has bytes.
  std::string Kept() const;

 private:
  Display display_;
  bool notices_;
  std::mutex notice_mu_;  // whole lines on stderr when there is no renderer
  progress::Model model_;
  std::unique_ptr<progress::Renderer> renderer_;
  bool finished_ = false;
};

// SIGINT sets the returned flag (and is reset to the default, so a second
// Ctrl-C ends the process); pass it as the library's `cancel`.
const std::atomic<bool>* CancelOnInterrupt();

}  // namespace hubget::cli
