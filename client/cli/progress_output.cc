// See progress_output.h.
#include "progress_output.h"

#include <unistd.h>
#include <csignal>

namespace hubget::cli {
namespace {

constexpr std::chrono::milliseconds kTerminalFrame{100};
// A log line is throttled by LogLines (10% or 10 s); a frame a second is
// enough to see both.
constexpr std::chrono::milliseconds kLogFrame{1000};

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int /*signal*/) { g_interrupted.store(true); }

}  // namespace

Display ChooseDisplay(bool quiet, bool json, bool disabled_by_env, bool stderr_is_tty,
                      const std::string& term) {
  if (quiet || json || disabled_by_env) return Display::kOff;
  if (!stderr_is_tty || term == "dumb") return Display::kLog;
  return Display::kTerminal;
}

ProgressOutput::ProgressOutput(Display display, bool notices)
    : display_(display), notices_(notices) {
  if (display_ == Display::kOff) return;
  const auto mode =
      display_ == Display::kTerminal ? progress::Mode::kTerminal : progress::Mode::kLog;
  progress::Style style;
  style.unicode = true;
  renderer_ =
      std::make_unique<progress::Renderer>(model_, mode, progress::FdSink(STDERR_FILENO), style);
  renderer_->Start(display_ == Display::kTerminal ? kTerminalFrame : kLogFrame);
}

ProgressOutput::~ProgressOutput() { Finish(false); }

ProgressCallback ProgressOutput::Progress() {
  return [this](const hubget::Progress& p) { model_.Report(p.path, p.done, p.total); };
}

PlanCallback ProgressOutput::Plan() {
  return [this](int files, std::uint64_t bytes) { model_.Plan(files, bytes); };
}

FileDoneCallback ProgressOutput::FileDone() {
  return [this](const std::string& path, std::uint64_t size, bool from_cache) {
    model_.FileDone(path, size, from_cache);
  };
}

void ProgressOutput::Notice(const std::string& line) {
  if (!notices_) return;
  if (renderer_) {
    renderer_->Notice(line);
    return;
  }
  std::lock_guard<std::mutex> lock(notice_mu_);
  progress::FdSink(STDERR_FILENO).write(line + "\n");
}

void ProgressOutput::Finish(bool ok) {
  if (finished_) return;
  finished_ = true;
  if (renderer_) renderer_->Finish(ok);
}

std::string ProgressOutput::Kept() const { return progress::KeptLine(model_.Take()); }

const std::atomic<bool>* CancelOnInterrupt() {
  struct sigaction sa {};
  sa.sa_handler = &OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags =
      static_cast<int>(SA_RESETHAND);  // the second Ctrl-C is the default: the process ends
  ::sigaction(SIGINT, &sa, nullptr);
  return &g_interrupted;
}

}  // namespace hubget::cli
