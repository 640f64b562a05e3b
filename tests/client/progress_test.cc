// The progress model and renderer against a fake terminal: lines fitted to
// the width (never wrapped), one line per active file however many workers
// report at once, a resize respected at the next frame, units as tqdm's,
// the throttled log lines and summary of a CI log, the "kept" line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "fake_terminal.h"
#include "hubget/progress.h"
#include "hubget/progress_terminal.h"

namespace hubget::progress {
namespace {

using ::testing::ElementsAre;
using testing::FakeTerminal;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A clock the test moves.
struct FakeNow {
  TimePoint t = TimePoint{} + std::chrono::hours(1);
  std::function<TimePoint()> Fn() {
    return [this] { return t; };
  }
};

Sink TerminalSink(FakeTerminal& term) {
  return {[&term](const std::string& s) { term.Write(s); }, [&term] { return term.width(); }};
}

// How many rows on screen mention `text`.
int Count(const std::vector<std::string>& rows, const std::string& text) {
  int n = 0;
  for (const auto& r : rows) n += r.find(text) != std::string::npos ? 1 : 0;
  return n;
}

std::string Dump(const std::vector<std::string>& rows) {
  std::string s;
  for (const auto& r : rows) s += "|" + r + "\n";
  return s;
}

TEST(ProgressFormatTest, SizesAreDecimalAsTqdm) {
  EXPECT_EQ(FormatSize(0), "0B");
  EXPECT_EQ(FormatSize(570), "570B");
  EXPECT_EQ(FormatSize(28000), "28.0kB");
  EXPECT_EQ(FormatSize(1050000), "1.05MB");
  EXPECT_EQ(FormatSize(67108864), "67.1MB");
  EXPECT_EQ(FormatSize(2150000000ULL), "2.15GB");
}

TEST(ProgressFormatTest, DurationsAsTqdm) {
  EXPECT_EQ(FormatDuration(std::chrono::seconds(7)), "00:07");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(754)), "12:34");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(3723)), "1:02:03");
}

TEST(ProgressFormatTest, FitColumnsCutsWithAnEllipsis) {
  EXPECT_EQ(FitColumns("model.safetensors", 8, true), "model.s…");
  EXPECT_EQ(FitColumns("model.safetensors", 8, false), "model...");
  EXPECT_EQ(FitColumns("a.bin", 8, true), "a.bin");
  EXPECT_EQ(DisplayWidth("█▏…"), 3u);
}

TEST(ProgressFormatTest, ShortenFoldersKeepsTheFileName) {
  const std::string flux = "transformer/diffusion_pytorch_model.safetensors";
  EXPECT_EQ(ShortenFolders(flux, 47, true), flux);
  EXPECT_EQ(ShortenFolders(flux, 46, true), "…/diffusion_pytorch_model.safetensors");
  EXPECT_EQ(ShortenFolders(flux, 39, false), ".../diffusion_pytorch_model.safetensors");
  EXPECT_EQ(ShortenFolders("a/b/c/model.bin", 13, true),
            "…/c/model.bin");  // as many folders as fit
  EXPECT_EQ(ShortenFolders("a/b/c/model.bin", 12, true), "…/model.bin");
  EXPECT_EQ(ShortenFolders(flux, 36, true), "");  // not even "…/" and the name
  EXPECT_EQ(ShortenFolders("model.bin", 8, true), "");
}

TEST(ProgressFormatTest, ShortenNameCutsTheMiddleKeepingTheExtension) {
  const std::string shard = "transformer/diffusion_pytorch_model-00001-of-00002.safetensors";
  EXPECT_EQ(ShortenName(shard, 22, true), "diffu…0002.safetensors");  // the shard number stays
  EXPECT_EQ(ShortenName("diffusion_pytorch_model.safetensors", 24, true),
            "diffus…model.safetensors");
  EXPECT_EQ(ShortenName("diffusion_pytorch_model.safetensors", 24, false),
            "diffu...odel.safetensors");
  EXPECT_EQ(ShortenName("a/model.bin", 20, true), "model.bin");  // fits: no folder, no cut
  // Too narrow for the extension and a few columns beside it: cut as one.
  EXPECT_EQ(ShortenName("diffusion_pytorch_model.safetensors", 12, true), "diffus…nsors");
  // Wide characters are two columns each and never split.
  const std::string wide = ShortenName("权重文件很长的名字.bin", 11, true);
  EXPECT_LE(DisplayWidth(wide), 11u);
  EXPECT_EQ(wide, "权…字.bin");
  EXPECT_EQ(FitPath(shard, 60, true), "…/diffusion_pytorch_model-00001-of-00002.safetensors");
  EXPECT_EQ(FitPath(shard, 22, true), "diffu…0002.safetensors");
}

TEST(ProgressModelTest, ResumedBytesAreNotCountedAsDownloaded) {
  FakeNow now;
  Model model(now.Fn());
  model.Report("big.bin", 600, 1000);  // the resume point
  model.Report("big.bin", 900, 1000);
  const View v = model.Take();
  ASSERT_EQ(v.active.size(), 1u);
  EXPECT_EQ(v.active[0].resumed, 600u);
  EXPECT_EQ(v.bytes_transferred, 300u);
}

TEST(ProgressModelTest, KeptLineNamesBytesAndTheRerun) {
  Model model;
  model.Report("model.safetensors", 0, 67108864);
  model.Report("model.safetensors", 30200000, 67108864);
  model.FileDone("config.json", 243, false);
  EXPECT_EQ(KeptLine(model.Take()),
            "kept 30.2MB of 'model.safetensors' (45%) in .incomplete files; run the same command "
            "again to resume from there");
  Model nothing;
  nothing.Report("a.bin", 0, 10);
  EXPECT_EQ(KeptLine(nothing.Take()), "");
}

// Each width: every row fits (the fake terminal never had to wrap), and the
// live area holds one line per file and one total line.
TEST(ProgressRendererTest, LinesFitEveryWidth) {
  for (int width : {120, 80, 50, 30, 12}) {
    FakeNow now;
    Model model(now.Fn());
    FakeTerminal term(width);
    Renderer r(model, Mode::kTerminal, TerminalSink(term), {}, now.Fn());
    model.Plan(3, 3000000000ULL);
    model.Report("transformer/diffusion_pytorch_model-00001-of-00002.safetensors", 0, 2000000000);
    model.Report("ae.safetensors", 0, 1000000000);
    r.Frame();
    now.t += std::chrono::seconds(3);
    model.Report("transformer/diffusion_pytorch_model-00001-of-00002.safetensors", 900000000,
                 2000000000);
    model.Report("ae.safetensors", 500000000, 1000000000);
    r.Frame();
    const auto rows = term.NonEmptyRows();
    EXPECT_FALSE(term.wrapped()) << "width " << width << "\n" << Dump(term.Rows());
    EXPECT_EQ(rows.size(), 3u) << "width " << width << "\n" << Dump(term.Rows());
    EXPECT_EQ(term.unknown_escape(), "");
    if (width >= 80) {
      EXPECT_THAT(rows[1], StartsWith("ae.safetensors:  50%|"));
      EXPECT_THAT(rows[1], HasSubstr("500MB/1.00GB [00:03<00:03, 167MB/s]"));
      EXPECT_THAT(rows[2], StartsWith("Fetching 3 files:  46%|"));
    }
  }
}

// At a narrow width a file's line keeps the file's name and gives up its
// folders ("…/name", not "transformer/diffu…"); narrower still, the name's
// middle, never its extension.
TEST(ProgressRendererTest, NarrowLinesKeepTheFileNameAndShortenItsFolders) {
  struct Case {
    int width;
    std::string starts;
  };
  for (const Case& c : {Case{50, "…/diffusion_pytorch_model.safetensors:  45%|"},
                        Case{40, "diffusio…h_model.safetensors:  45%|"},
                        Case{120, "transformer/diffusion_pytorch_model.safetensors:  45%|"}}) {
    FakeNow now;
    Model model(now.Fn());
    FakeTerminal term(c.width);
    Renderer r(model, Mode::kTerminal, TerminalSink(term), {}, now.Fn());
    model.Report("transformer/diffusion_pytorch_model.safetensors", 0, 67108864);
    now.t += std::chrono::seconds(1);
    model.Report("transformer/diffusion_pytorch_model.safetensors", 30200000, 67108864);
    r.Frame();
    const auto rows = term.NonEmptyRows();
    ASSERT_EQ(rows.size(), 1u) << "width " << c.width << "\n" << Dump(term.Rows());
    EXPECT_THAT(rows[0], StartsWith(c.starts)) << "width " << c.width;
    EXPECT_FALSE(term.wrapped()) << "width " << c.width << "\n" << Dump(term.Rows());
  }
}

// A retry wait's notice is one whole line above the bars, said once; in a
// log, a plain line.
TEST(ProgressRendererTest, NoticeIsOneWholeLineAboveTheBars) {
  const std::string notice =
      "hubget: retrying in 30 s (HTTP 503 from cdn.example:443, which asked for the wait)";
  FakeNow now;
  Model model(now.Fn());
  FakeTerminal term(100);
  Renderer r(model, Mode::kTerminal, TerminalSink(term), {}, now.Fn());
  model.Report("model.safetensors", 0, 1000);
  now.t += std::chrono::seconds(1);
  model.Report("model.safetensors", 500, 1000);
  r.Frame();
  r.Notice(notice);  // drawn at once, not at the next tick
  EXPECT_THAT(term.NonEmptyRows(), ElementsAre(notice, StartsWith("model.safetensors:  50%|")));
  r.Frame();
  r.Frame();
  EXPECT_THAT(term.NonEmptyRows(), ElementsAre(notice, StartsWith("model.safetensors:  50%|")));

  std::string log;
  Model log_model(now.Fn());
  Renderer l(log_model, Mode::kLog, {[&](const std::string& s) { log += s; }, nullptr}, {},
             now.Fn());
  l.Notice(notice);
  l.Frame();
  l.Finish(false);
  EXPECT_EQ(log, notice + "\n");
}

// Workers report from their own threads while the renderer's thread draws:
// at every moment each file has at most one line and no line is torn.
TEST(ProgressRendererTest, ConcurrentWorkersNeverDuplicateALine) {
  Model model;
  FakeTerminal term(50);
  std::mutex term_mu;
  Sink sink{[&](const std::string& s) {
              std::lock_guard<std::mutex> lock(term_mu);
              term.Write(s);
              const auto rows = term.NonEmptyRows();
              for (int f = 0; f < 8; ++f) {
                ASSERT_LE(Count(rows, "file" + std::to_string(f) + ".bin"), 1) << Dump(rows);
              }
            },
            [] { return 50; }};
  Renderer r(model, Mode::kTerminal, sink);
  model.Plan(8, 8000000);
  r.Start(std::chrono::milliseconds(1));
  std::vector<std::thread> workers;
  for (int f = 0; f < 8; ++f) {
    workers.emplace_back([&model, f] {
      const std::string name = "file" + std::to_string(f) + ".bin";
      for (std::uint64_t done = 0; done <= 1000000; done += 1000) model.Report(name, done, 1000000);
      model.FileDone(name, 1000000, false);
    });
  }
  for (auto& w : workers) w.join();
  r.Finish(true);
  EXPECT_FALSE(term.wrapped()) << Dump(term.Rows());
  EXPECT_THAT(term.NonEmptyRows(), ElementsAre(StartsWith("Fetching 8 files: 100%|")));
}

// A terminal made narrower re-wraps what is on screen; the next frame
// replaces all of it, leaving no piece of the old lines behind.
TEST(ProgressRendererTest, ResizeLeavesNoOldPieces) {
  FakeNow now;
  Model model(now.Fn());
  FakeTerminal term(120);
  term.Write("$ hubget download org/model\n");
  Renderer r(model, Mode::kTerminal, TerminalSink(term), {}, now.Fn());
  model.Plan(2, 2000000);
  model.Report("weights-a.safetensors", 0, 1000000);
  model.Report("weights-b.safetensors", 0, 1000000);
  now.t += std::chrono::seconds(1);
  model.Report("weights-a.safetensors", 400000, 1000000);
  r.Frame();
  ASSERT_EQ(term.NonEmptyRows().size(), 4u) << Dump(term.Rows());
  term.Resize(50);  // the 100-column lines now take two rows each
  r.Frame();
  const auto rows = term.NonEmptyRows();
  EXPECT_EQ(rows.size(), 4u) << Dump(term.Rows());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], "$ hubget download org/model");
  EXPECT_THAT(rows[1], StartsWith("weights-a.safetensors:  40%|"));
  EXPECT_THAT(rows[3], StartsWith("Fetching 2 files:  20%|"));
  EXPECT_FALSE(term.wrapped()) << Dump(rows);
  term.Resize(120);
  r.Frame();
  EXPECT_EQ(term.NonEmptyRows().size(), 4u) << Dump(term.Rows());
}

// A single file leaves its finished line (tqdm's leave=True); a file found
// in the cache shows nothing.
TEST(ProgressRendererTest, SingleFileLeavesItsLine) {
  FakeNow now;
  Model model(now.Fn());
  FakeTerminal term(100);
  Renderer r(model, Mode::kTerminal, TerminalSink(term), {}, now.Fn());
  model.FileDone("cached.json", 10, true);
  model.Report("config.json", 0, 4300);
  now.t += std::chrono::seconds(1);
  model.Report("config.json", 4300, 4300);
  r.Finish(true);
  const auto rows = term.NonEmptyRows();
  ASSERT_EQ(rows.size(), 1u) << Dump(term.Rows());
  EXPECT_THAT(rows[0], StartsWith("config.json: 100%|"));
  EXPECT_THAT(rows[0], HasSubstr("4.30kB/4.30kB [00:01<00:00, 4.30kB/s]"));
}

// What a log gets for one file of `total` bytes growing by `per_second`
// for `seconds`, a frame a second, then the finish.
std::string LogOf(const std::string& name, std::uint64_t total, std::uint64_t per_second,
                  int seconds) {
  FakeNow now;
  Model model(now.Fn());
  std::string log;
  Renderer r(model, Mode::kLog, {[&](const std::string& s) { log += s; }, nullptr}, {}, now.Fn());
  model.Report(name, 0, total);
  for (int i = 1; i <= seconds; ++i) {
    now.t += std::chrono::seconds(1);
    model.Report(name, per_second * static_cast<unsigned>(i), total);
    r.Frame();
  }
  r.Finish(true);
  return log;
}

// Not a terminal: one line per file per 10% (or per 10 s without one), a
// "done" line, a summary; no escape sequence at all.
TEST(ProgressRendererTest, LogLinesAreThrottled) {
  const std::string log = LogOf("big.bin", 2000000000, 20000000, 100);  // 1% a second
  EXPECT_EQ(log.find('\x1b'), std::string::npos);
  std::vector<std::string> lines;
  for (std::size_t at = 0, nl; (nl = log.find('\n', at)) != std::string::npos; at = nl + 1) {
    lines.push_back(log.substr(at, nl - at));
  }
  ASSERT_EQ(lines.size(), 9u + 1 + 1) << log;  // 10%..90%, done, summary
  EXPECT_EQ(lines[0], "big.bin: 10% (200MB/2.00GB, 20.0MB/s)");
  EXPECT_EQ(lines[9], "big.bin: done, 2.00GB in 01:40 (20.0MB/s)");
  EXPECT_EQ(lines[10], "1 file, 2.00GB downloaded in 01:40 (20.0MB/s)");
}

TEST(ProgressRendererTest, LogLineEveryTenSecondsWhenSlow) {
  // 0.1% a second: 30 s without a 10% step.
  const std::string log = LogOf("slow.bin", 1000000000, 1000000, 30);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 4) << log;  // 3 lines and the summary
  EXPECT_THAT(log, HasSubstr("slow.bin: 1% (10.0MB/1.00GB, 1.00MB/s)\n"));
  EXPECT_THAT(log, HasSubstr("slow.bin: 3% (30.0MB/1.00GB, 1.00MB/s)\n"));
}

}  // namespace
}  // namespace hubget::progress
