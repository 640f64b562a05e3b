// Progress as the tools people know show it (tqdm in huggingface_hub): a
// model the download workers only report numbers into, and pure functions
// from (model view, terminal width, now) to the lines a terminal shows or the
// lines a CI log gets. Nothing here writes anywhere: the one writer that owns
// the terminal is the Renderer of progress_terminal.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hubget::progress {

using TimePoint = std::chrono::steady_clock::time_point;

struct FileView {
  std::string path;           // inside the repo (server text: escaped when shown)
  std::uint64_t done = 0;     // bytes present locally
  std::uint64_t total = 0;    // expected size
  std::uint64_t resumed = 0;  // bytes already there at the first report (a resume)
  TimePoint started{};        // first report
  TimePoint finished_at{};    // when done reached total (or FileDone)
  bool finished = false;
  bool from_cache = false;  // no byte was transferred
};

struct View {
  std::vector<FileView> active;     // transferring, in the order they started
  std::vector<FileView> finished;   // in the order they finished
  int files_planned = 0;            // a snapshot's selected files; 0 when not a snapshot
  std::uint64_t bytes_planned = 0;  // their sizes together
  int files_done = 0;               // finished, cached ones included
  int files_cached = 0;
  std::uint64_t bytes_transferred = 0;  // received in this run, over all files
  TimePoint started{};                  // the model's creation
};

// Thread-safe: any worker reports, the renderer takes views.
class Model {
 public:
  explicit Model(std::function<TimePoint()> now = [] { return std::chrono::steady_clock::now(); });

  // A snapshot's plan: "Fetching N files".
  void Plan(int files, std::uint64_t bytes);
  // A worker's numbers for one file (the library's ProgressCallback).
  void Report(const std::string& path, std::uint64_t done, std::uint64_t total);
  // The file is in place; `from_cache` when nothing had to be fetched.
  void FileDone(const std::string& path, std::uint64_t size, bool from_cache);
  View Take() const;

 private:
  FileView& Entry(const std::string& path);  // under mu_
  void Finish(FileView& f);                  // under mu_

  std::function<TimePoint()> now_;
  mutable std::mutex mu_;
  View view_;
  std::map<std::string, std::size_t> index_;  // path -> position in files_
  std::vector<FileView> files_;
  std::vector<std::size_t> finish_order_;
};

// tqdm's units: "570B", "28.0kB", "1.05MB", "67.1MB", "2.15GB" (powers of 1000).
std::string FormatSize(std::uint64_t bytes);
// tqdm's intervals: "00:07", "12:34", "1:02:03".
std::string FormatDuration(std::chrono::seconds s);
// Columns a UTF-8 string takes in a terminal (East Asian wide characters 2,
// combining marks 0, everything else 1).
std::size_t DisplayWidth(const std::string& utf8);
// The longest prefix of `utf8` of at most `columns` columns, "…" (or "...")
// at its end when something was cut.
std::string FitColumns(const std::string& utf8, std::size_t columns, bool unicode);
// A file's path in at most `columns` columns keeping the file's name whole:
// the path itself, else with its leading folders given up for "…/"
// ("…/diffusion_pytorch_model.safetensors"); "" when even "…/" and the
// name do not fit.
std::string ShortenFolders(const std::string& path, std::size_t columns, bool unicode);
// The file's name alone (no folder) in at most `columns` columns: its
// middle given up, its extension kept when a few columns of the rest fit
// beside it ("diffu…0002.safetensors").
std::string ShortenName(const std::string& path, std::size_t columns, bool unicode);
// ShortenFolders, else ShortenName: what a progress line shows of a path.
std::string FitPath(const std::string& path, std::size_t columns, bool unicode);

struct Style {
  bool unicode = true;  // block characters for the bar (else '#')
  int max_file_lines = 8;
};

// The live area of a terminal: one line per active file (at most
// style.max_file_lines, then "... and N more") and, for a snapshot, the
// "Fetching N files" total line last. Every line is at most width - 1
// columns, so no terminal ever wraps it.
std::vector<std::string> RenderLive(const View& view, int width, TimePoint now, const Style& style);
// The line a finished file leaves above the live area (single-file
// downloads, as tqdm's leave=True).
std::string RenderFinished(const FileView& file, int width, const Style& style);

// Lines for a log that is not a terminal: per file at most one line per 10%
// step or per 10 s, one when it is done; for a snapshot a total line every
// 10 s. The state is which step each file last logged.
class LogLines {
 public:
  std::vector<std::string> Update(const View& view, TimePoint now);
  // "3 files (1 from the cache), 68.2MB downloaded in 00:02 (28.4MB/s)".
  static std::string Summary(const View& view, TimePoint now);

 private:
  struct Logged {
    int step = 0;  // tenths logged
    TimePoint at{};
    bool done = false;
  };
  std::map<std::string, Logged> files_;
  TimePoint total_at_{};
};

// After a cancel or a failure: what the unfinished files keep, e.g. "kept
// 30.2MB of 'model.safetensors' (45%); run the same command again to resume
// from there", or "" when nothing was kept. Names are shown escaped.
std::string KeptLine(const View& view);

}  // namespace hubget::progress
