// The renderer that owns the terminal (or the log). See progress_terminal.h.
#include "hubget/progress_terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace hubget::progress {
namespace {

constexpr const char* kClearLine = "\x1b[K";   // erase to the end of the line
constexpr const char* kClearBelow = "\x1b[J";  // erase to the end of the screen
constexpr int kDefaultWidth = 80;

// Rows a line of `columns` takes at `width` after a terminal (tmux, VTE,
// kitty) re-wrapped it on a resize; a line drawn narrower than the
// terminal takes one.
std::size_t Rows(std::size_t columns, std::size_t width) {
  if (columns == 0 || width == 0) return 1;
  return (columns + width - 1) / width;
}

}  // namespace

int TerminalWidth(int fd) {
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    char* end = nullptr;
    const long v = std::strtol(c, &end, 10);
    if (end != c && *end == '\0' && v > 0 && v < 10000) return static_cast<int>(v);
  }
  return kDefaultWidth;
}

Sink FdSink(int fd) {
  Sink s;
  s.write = [fd](const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // a closed stderr: progress is not worth failing for
      off += static_cast<std::size_t>(n);
    }
  };
  s.width = [fd] { return TerminalWidth(fd); };
  return s;
}

Renderer::Renderer(const Model& model, Mode mode, Sink sink, Style style,
                   std::function<TimePoint()> now)
    : model_(model), mode_(mode), sink_(std::move(sink)), style_(style), now_(std::move(now)) {}

Renderer::~Renderer() { Stop(); }

void Renderer::Start(std::chrono::milliseconds interval) {
  thread_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      Frame();
      lock.lock();
    }
  });
}

void Renderer::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Renderer::Frame() {
  const View view = model_.Take();
  const TimePoint now = now_();
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    const int w = sink_.width ? sink_.width() : 0;
    out = mode_ == Mode::kTerminal ? TerminalFrame(view, w > 0 ? w : kDefaultWidth)
                                   : LogFrame(view, now);
    if (!out.empty()) sink_.write(out);
  }
}

void Renderer::Notice(const std::string& line) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) {
      sink_.write(line + "\n");
      return;
    }
    notices_.push_back(line);
  }
  Frame();  // now, not at the next tick: a wait is what it announces
}

void Renderer::Finish(bool ok) {
  Stop();
  Frame();
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  for (const std::string& line : notices_) sink_.write(line + "\n");  // since the last frame
  notices_.clear();
  if (mode_ == Mode::kLog && ok) sink_.write(LogLines::Summary(model_.Take(), now_()) + "\n");
}

std::string Renderer::TerminalFrame(const View& view, int width) {
  const TimePoint now = now_();
  std::string body;
  for (const std::string& line : notices_) body += line + kClearLine + "\n";
  notices_.clear();
  // A single-file download leaves its finished line above the live area
  // (tqdm's leave=True); a snapshot's files make way for the next ones and
  // its total line stays.
  if (view.files_planned == 0) {
    for (const FileView& f : view.finished) {
      if (f.from_cache || !left_.insert(f.path).second) continue;
      body += RenderFinished(f, width, style_) + kClearLine + "\n";
    }
  }
  const std::vector<std::string> live = RenderLive(view, width, now, style_);
  if (body.empty() && live.empty() && drawn_.empty()) return "";
  std::size_t up = 0;
  for (std::size_t cols : drawn_) up += Rows(cols, static_cast<std::size_t>(width));
  std::string out = "\r";
  if (up > 0) out += "\x1b[" + std::to_string(up) + "A";  // ESC[0A would move one row
  out += body;
  drawn_.clear();
  for (const std::string& line : live) {
    out += line + kClearLine + "\n";
    drawn_.push_back(DisplayWidth(line));
  }
  return out + kClearBelow;
}

std::string Renderer::LogFrame(const View& view, TimePoint now) {
  std::string out;
  for (const std::string& line : notices_) out += line + "\n";
  notices_.clear();
  for (const std::string& line : log_.Update(view, now)) out += line + "\n";
  return out;
}

}  // namespace hubget::progress
