// The lines of progress, as pure functions of a view, a width and a time:
// tqdm's units and layout for a terminal, throttled plain lines for a log.
// See progress.h.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "hubget/printable.h"
#include "hubget/progress.h"

namespace hubget::progress {
namespace {

using Seconds = std::chrono::duration<double>;

double Elapsed(TimePoint from, TimePoint to) {
  const double s = std::chrono::duration_cast<Seconds>(to - from).count();
  return s > 0 ? s : 0;
}

// Bytes per second over `seconds`; 0 when too early to tell.
double Rate(std::uint64_t bytes, double seconds) {
  return seconds >= 0.05 ? static_cast<double>(bytes) / seconds : 0;
}

std::string RateText(double rate) {
  if (rate <= 0) return "?B/s";
  return FormatSize(static_cast<std::uint64_t>(rate)) + "/s";
}

std::string Eta(std::uint64_t left, double rate) {
  if (left == 0) return "00:00";
  if (rate <= 0) return "?";
  const double s = static_cast<double>(left) / rate;
  if (s > 100.0 * 3600) return "?";
  return FormatDuration(std::chrono::seconds(static_cast<long long>(s)));
}

// Decodes the UTF-8 sequence at `i` (EscapeControls made it valid) and
// returns its length; `cp` its code point.
std::size_t Decode(const std::string& s, std::size_t i, std::uint32_t* cp) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  if (i + len > s.size()) len = s.size() - i;
  const std::uint32_t lead = b;
  std::uint32_t v = len == 1 ? lead : lead & (0xFFu >> (len + 1));
  for (std::size_t k = 1; k < len; ++k)
    v = (v << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *cp = v;
  return len;
}

int Columns(std::uint32_t cp) {
  if (cp >= 0x300 && cp <= 0x36F) return 0;  // combining marks
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                    (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

std::string Bar(double fraction, std::size_t width, bool unicode) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  if (!unicode) {
    const auto full = static_cast<std::size_t>(fraction * static_cast<double>(width));
    return std::string(full, '#') + std::string(width - full, ' ');
  }
  static const char* kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const double cells = fraction * static_cast<double>(width);
  const auto full = static_cast<std::size_t>(cells);
  std::string out;
  for (std::size_t i = 0; i < full; ++i) out += "█";
  std::size_t used = full;
  const int eighth = static_cast<int>((cells - static_cast<double>(full)) * 8);
  if (used < width && eighth > 0) {
    out += kEighths[eighth];
    ++used;
  }
  return out + std::string(width - used, ' ');
}

// One tqdm-like line: "name: pct|bar| sizes [timing]", fitted to `usable`
// columns by giving up, in this order, bar width, the elapsed/eta part, the
// rate, a file's leading folders ("…/name"), the sizes and the bar's width
// down to 3, then the middle of the file's name (with the sizes while 20
// columns of it are left); its end (shard number, extension) stays as long
// as anything does.
struct Parts {
  std::string name;
  bool path = false;  // a file's path: shortened by its folders, then its middle
  std::string pct;    // " 45%"
  double fraction = 0;
  std::string sizes;   // "30.2MB/67.1MB"
  std::string timing;  // "[00:01<00:01, 28.0MB/s]"
  std::string rate;    // "28.0MB/s"
};

std::string Layout(const Parts& p, std::size_t usable, const Style& style) {
  constexpr std::size_t kMaxBar = 50;
  // A name cut in its middle keeps at least this many columns beside any
  // detail; with none beside it, at least kMinName.
  constexpr std::size_t kMinCutBesideDetail = 20;
  constexpr std::size_t kMinName = 12;
  const bool u = style.unicode;
  const std::string tails[] = {" " + p.sizes + " " + p.timing, " " + p.sizes + " " + p.rate,
                               " " + p.sizes, ""};
  struct Try {
    std::size_t tail;
    std::size_t bar_min;
  };
  static constexpr Try kDetailed[] = {{0, 10}, {0, 5}, {1, 10}, {1, 5}, {2, 5}};
  static constexpr Try kBare[] = {{3, 3}};
  using Fit = std::string (*)(const Parts&, std::size_t room, bool unicode);
  // The line of `t` with the name `fit` makes for the room left, or "".
  const auto line = [&](const Try& t, Fit fit) -> std::string {
    const std::string& tail = tails[t.tail];
    const std::size_t fixed = DisplayWidth(": " + p.pct + "||" + tail);
    if (fixed + t.bar_min >= usable) return "";
    const std::string name = fit(p, usable - fixed - t.bar_min, u);
    if (name.empty()) return "";
    const std::size_t bar = std::min(kMaxBar, usable - fixed - DisplayWidth(name));
    return name + ": " + p.pct + "|" + Bar(p.fraction, bar, u) + "|" + tail;
  };
  const Fit whole = [](const Parts& q, std::size_t room, bool) {
    return DisplayWidth(q.name) <= room ? q.name : std::string();
  };
  const Fit folders = [](const Parts& q, std::size_t room, bool uni) {
    return q.path ? ShortenFolders(q.name, room, uni) : std::string();
  };
  const Fit cut_beside_detail = [](const Parts& q, std::size_t room, bool uni) {
    if (room < kMinCutBesideDetail) return std::string();
    return q.path ? ShortenName(q.name, room, uni) : FitColumns(q.name, room, uni);
  };
  const Fit cut = [](const Parts& q, std::size_t room, bool uni) {
    if (room < kMinName) return std::string();
    return q.path ? ShortenName(q.name, room, uni) : FitColumns(q.name, room, uni);
  };
  struct Pass {
    Fit fit;
    const Try* tries;
    std::size_t count;
  };
  // A name cut without detail beside it has all the room there is: no
  // detailed line could keep more of it.
  const Pass passes[] = {
      {whole, kDetailed, 5}, {folders, kDetailed, 5},           {whole, kBare, 1},
      {folders, kBare, 1},   {cut_beside_detail, kDetailed, 5}, {cut, kBare, 1}};
  for (const Pass& pass : passes) {
    for (std::size_t i = 0; i < pass.count; ++i) {
      std::string l = line(pass.tries[i], pass.fit);
      if (!l.empty()) return l;
    }
  }
  for (std::size_t t = 1; t < 4; ++t) {
    std::string l = p.name + ": " + p.pct + tails[t];
    if (DisplayWidth(l) <= usable) return l;
  }
  const std::size_t fixed = DisplayWidth(":" + p.pct);
  if (!p.path || usable <= fixed) return FitColumns(p.name + ":" + p.pct, usable, u);
  return FitPath(p.name, usable - fixed, u) + ":" + p.pct;
}

std::string Pct(double fraction) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%3d%%", static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100));
  return buf;
}

// "7%": a log line is read, not compared column by column.
std::string PlainPct(double fraction) {
  return std::to_string(static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100)) + "%";
}

Parts FileParts(const FileView& f, TimePoint now) {
  const TimePoint end = f.finished ? f.finished_at : now;
  const double elapsed = Elapsed(f.started, end);
  const double rate = Rate(f.done - std::min(f.done, f.resumed), elapsed);
  Parts p;
  p.name = EscapeControls(f.path);  // a name from the server: shown, never obeyed
  p.path = true;
  p.fraction = f.total == 0 ? 1.0 : static_cast<double>(f.done) / static_cast<double>(f.total);
  p.pct = Pct(p.fraction);
  p.sizes = FormatSize(f.done) + "/" + FormatSize(f.total);
  p.rate = RateText(rate);
  p.timing = "[" + FormatDuration(std::chrono::seconds(static_cast<long long>(elapsed))) + "<" +
             Eta(f.total - std::min(f.total, f.done), rate) + ", " + p.rate + "]";
  return p;
}

// Bytes of the plan in place: finished files whole, active ones so far.
std::uint64_t BytesDone(const View& v) {
  std::uint64_t done = 0;
  for (const FileView& f : v.finished) done += f.total;
  for (const FileView& f : v.active) done += f.done;
  return done;
}

Parts TotalParts(const View& v, TimePoint now) {
  const double elapsed = Elapsed(v.started, now);
  const double rate = Rate(v.bytes_transferred, elapsed);
  const std::uint64_t done = std::min(BytesDone(v), v.bytes_planned);
  Parts p;
  p.name =
      "Fetching " + std::to_string(v.files_planned) + (v.files_planned == 1 ? " file" : " files");
  if (v.bytes_planned > 0) {
    p.fraction = static_cast<double>(done) / static_cast<double>(v.bytes_planned);
  } else {
    p.fraction = v.files_planned == 0 ? 1.0 : static_cast<double>(v.files_done) / v.files_planned;
  }
  if (v.files_done >= v.files_planned) p.fraction = 1.0;
  p.pct = Pct(p.fraction);
  p.sizes = std::to_string(v.files_done) + "/" + std::to_string(v.files_planned);
  p.rate = RateText(rate);
  const bool over = v.files_done >= v.files_planned;
  p.timing = "[" + FormatDuration(std::chrono::seconds(static_cast<long long>(elapsed))) + "<" +
             (over ? std::string("00:00") : Eta(v.bytes_planned - done, rate)) + ", " + p.rate +
             "]";
  return p;
}

std::size_t Usable(int width) { return width > 2 ? static_cast<std::size_t>(width) - 1 : 1; }

}  // namespace

std::string FormatSize(std::uint64_t bytes) {
  static const char* kUnits[] = {"", "k", "M", "G", "T", "P", "E"};
  double n = static_cast<double>(bytes);
  char buf[32];
  for (const char* unit : kUnits) {
    if (std::fabs(n) < 999.5) {
      if (unit[0] == '\0') {
        std::snprintf(buf, sizeof buf, "%.0fB", n);  // whole bytes: "570B", "28B"
      } else if (std::fabs(n) < 9.995) {
        std::snprintf(buf, sizeof buf, "%1.2f%sB", n, unit);
      } else if (std::fabs(n) < 99.95) {
        std::snprintf(buf, sizeof buf, "%2.1f%sB", n, unit);
      } else {
        std::snprintf(buf, sizeof buf, "%3.0f%sB", n, unit);
      }
      return buf;
    }
    n /= 1000;
  }
  std::snprintf(buf, sizeof buf, "%3.1fZB", n);
  return buf;
}

std::string FormatDuration(std::chrono::seconds s) {
  const long long t = std::max<long long>(0, s.count());
  char buf[32];
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", t / 60, t % 60);
  }
  return buf;
}

std::size_t DisplayWidth(const std::string& utf8) {
  std::size_t cols = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    std::uint32_t cp = 0;
    i += Decode(utf8, i, &cp);
    cols += static_cast<std::size_t>(Columns(cp));
  }
  return cols;
}

std::string FitColumns(const std::string& utf8, std::size_t columns, bool unicode) {
  if (DisplayWidth(utf8) <= columns) return utf8;
  const std::string ellipsis = unicode ? "…" : "...";
  const std::size_t keep = columns > DisplayWidth(ellipsis) ? columns - DisplayWidth(ellipsis) : 0;
  std::string out;
  std::size_t cols = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = Decode(utf8, i, &cp);
    const auto c = static_cast<std::size_t>(Columns(cp));
    if (cols + c > keep) break;
    out.append(utf8, i, len);
    cols += c;
    i += len;
  }
  return columns >= DisplayWidth(ellipsis) ? out + ellipsis : out;
}

std::vector<std::string> RenderLive(const View& view, int width, TimePoint now,
                                    const Style& style) {
  const std::size_t usable = Usable(width);
  std::vector<std::string> lines;
  const std::size_t shown = std::min<std::size_t>(
      view.active.size(), static_cast<std::size_t>(std::max(1, style.max_file_lines)));
  for (std::size_t i = 0; i < shown; ++i) {
    lines.push_back(Layout(FileParts(view.active[i], now), usable, style));
  }
  if (view.active.size() > shown) {
    lines.push_back(
        FitColumns("... and " + std::to_string(view.active.size() - shown) + " more files", usable,
                   style.unicode));
  }
  if (view.files_planned > 0) lines.push_back(Layout(TotalParts(view, now), usable, style));
  return lines;
}

std::string RenderFinished(const FileView& file, int width, const Style& style) {
  return Layout(FileParts(file, file.finished_at), Usable(width), style);
}

std::vector<std::string> LogLines::Update(const View& view, TimePoint now) {
  constexpr auto kEvery = std::chrono::seconds(10);
  std::vector<std::string> out;
  if (total_at_ == TimePoint{}) total_at_ = view.started;
  for (const FileView& f : view.finished) {
    Logged& st = files_[f.path];
    if (st.done || f.from_cache) continue;
    st.done = true;
    const double elapsed = Elapsed(f.started, f.finished_at);
    const double rate = Rate(f.done - std::min(f.done, f.resumed), elapsed);
    out.push_back(EscapeControls(f.path) + ": done, " + FormatSize(f.total) + " in " +
                  FormatDuration(std::chrono::seconds(static_cast<long long>(elapsed))) +
                  (rate > 0 ? " (" + RateText(rate) + ")" : std::string()));
  }
  for (const FileView& f : view.active) {
    auto [it, fresh] = files_.try_emplace(f.path);
    Logged& st = it->second;
    if (fresh) st.at = f.started;
    const int step = f.total == 0 ? 0 : static_cast<int>(f.done * 10 / f.total);
    if (step > st.step || now - st.at >= kEvery) {
      const Parts p = FileParts(f, now);
      out.push_back(EscapeControls(f.path) + ": " + PlainPct(p.fraction) + " (" + p.sizes + ", " +
                    p.rate + ")");
      st.step = std::max(st.step, step);
      st.at = now;
    }
  }
  if (view.files_planned > 0 && now - total_at_ >= kEvery && view.files_done < view.files_planned) {
    const Parts p = TotalParts(view, now);
    out.push_back(p.name + ": " + PlainPct(p.fraction) + " (" + p.sizes + " files, " + p.rate +
                  ")");
    total_at_ = now;
  }
  return out;
}

std::string LogLines::Summary(const View& view, TimePoint now) {
  const int files = std::max(view.files_planned, view.files_done);
  const double elapsed = Elapsed(view.started, now);
  std::string s = std::to_string(files) + (files == 1 ? " file" : " files");
  if (view.files_cached > 0) s += " (" + std::to_string(view.files_cached) + " from the cache)";
  const double rate = Rate(view.bytes_transferred, elapsed);
  return s + ", " + FormatSize(view.bytes_transferred) + " downloaded in " +
         FormatDuration(std::chrono::seconds(static_cast<long long>(elapsed))) +
         (rate > 0 ? " (" + RateText(rate) + ")" : std::string());
}

}  // namespace hubget::progress
