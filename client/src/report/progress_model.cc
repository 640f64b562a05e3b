// The progress model the workers report into. See progress.h.
#include <algorithm>
#include <utility>

#include "hubget/printable.h"
#include "hubget/progress.h"

namespace hubget::progress {

Model::Model(std::function<TimePoint()> now) : now_(std::move(now)) { view_.started = now_(); }

void Model::Plan(int files, std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  view_.files_planned = files;
  view_.bytes_planned = bytes;
}

FileView& Model::Entry(const std::string& path) {
  auto it = index_.find(path);
  if (it != index_.end()) return files_[it->second];
  index_.emplace(path, files_.size());
  FileView f;
  f.path = path;
  f.started = now_();
  files_.push_back(std::move(f));
  return files_.back();
}

void Model::Finish(FileView& f) {
  if (f.finished) return;
  f.finished = true;
  f.finished_at = now_();
  ++view_.files_done;
  if (f.from_cache) ++view_.files_cached;
  finish_order_.push_back(index_[f.path]);
}

void Model::Report(const std::string& path, std::uint64_t done, std::uint64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool fresh = index_.count(path) == 0;
  FileView& f = Entry(path);
  if (fresh) {
    f.resumed = done;  // the first report is the resume point (blob_fetch reports it first)
  } else if (done > f.done) {
    view_.bytes_transferred += done - f.done;
  }
  if (done < f.done) f.resumed = std::min(f.resumed, done);  // a restart from zero
  f.done = done;
  f.total = total;
  if (total > 0 && done >= total) Finish(f);
}

void Model::FileDone(const std::string& path, std::uint64_t size, bool from_cache) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool fresh = index_.count(path) == 0;
  FileView& f = Entry(path);
  if (fresh) {
    f.from_cache = from_cache;
    f.done = f.total = f.resumed = size;
  }
  Finish(f);
}

View Model::Take() const {
  std::lock_guard<std::mutex> lock(mu_);
  View v = view_;
  for (const FileView& f : files_) {
    if (!f.finished) v.active.push_back(f);
  }
  for (std::size_t i : finish_order_) v.finished.push_back(files_[i]);
  return v;
}

std::string KeptLine(const View& view) {
  std::string out;
  for (const FileView& f : view.active) {
    if (f.done == 0) continue;
    if (!out.empty()) out += ", ";
    out += FormatSize(f.done) + " of '" + EscapeControls(f.path) + "'";
    if (f.total > 0) out += " (" + std::to_string(f.done * 100 / f.total) + "%)";
  }
  if (out.empty()) return "";
  return "kept " + out + " in .incomplete files; run the same command again to resume from there";
}

}  // namespace hubget::progress
