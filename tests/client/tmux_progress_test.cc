// hubget's progress as a person sees it: the built binary in a real
// terminal (tmux, at 120 and 50 columns) against a real `mockhub serve`
// whose CDN is throttled so the bars are seen moving. Every capture of the
// pane must hold only whole progress lines (each file at most once, none
// reaching the last column, which would make the terminal wrap it), the
// snapshot path and the exit status: a duplicated, torn or wrapped line or
// a stray character fails the test. At 50 columns a file in a folder keeps
// its name and gives up the folder. Ctrl-C mid-file must say what was kept.
// tmux is required (a Debian package, installed by quickstart.sh): without
// it this test fails, it is never skipped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fakes.h"
#include "raw_http.h"
#include "subprocess.h"
#include "wait_for.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;
using testing::ProcessResult;

constexpr const char* kRepo = "black-forest-labs/FLUX.1-schnell";  // 3 files, 2 large (Xet)

std::string FindTmux() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');) {
    std::string p = d + "/tmux";
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string l; std::getline(in, l);) {
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out.push_back(l);
  }
  return out;
}

// Columns of a line of the renderer's characters (ASCII, block elements,
// the ellipsis: one column each).
std::size_t Columns(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

class TmuxProgressTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    tmux_ = FindTmux();
    ASSERT_FALSE(tmux_.empty()) << "tmux is not installed (apt-get install tmux; quickstart.sh "
                                   "lists it): the terminal test cannot run";
    for (const char* d : {"/home", "/hf", "/scratch"})
      std::filesystem::create_directories(dir_.path() + d);
    serve_ = std::make_unique<testing::Child>(
        std::vector<std::string>{MOCKHUB_BINARY, "serve", "--port", "0"},
        std::map<std::string, std::string>{{"HOME", dir_.path() + "/home"}},
        dir_.path() + "/scratch");
    ASSERT_TRUE(serve_->started());
    ASSERT_TRUE(testsupport::WaitFor(
        [&] {
          const std::string out = testing::ReadFile(serve_->out_path());
          const auto at = out.find("HF_ENDPOINT=");
          const auto nl = out.find('\n', at);
          if (at == std::string::npos || nl == std::string::npos) return false;
          endpoint_ = out.substr(at + 12, nl - at - 12);
          return true;
        },
        "mockhub serve to print HF_ENDPOINT"));
    // Slow enough to see the bars move, fast enough for a short test.
    const std::string fault =
        R"([{"server":"cdn","method":"GET","do":{"throttle":{"bytes_per_second":16777216}}}])";
    const auto r = testsupport::SendRaw(
        endpoint_, "POST /_mockhub/faults HTTP/1.1\r\nHost: " + endpoint_.substr(7) +
                       "\r\nConnection: close\r\n"
                       "Content-Type: application/json\r\nContent-Length: " +
                       std::to_string(fault.size()) + "\r\n\r\n" + fault);
    ASSERT_EQ(r.status, 201) << r.error << r.body;
  }
  void TearDown() override {
    if (!tmux_.empty()) Tmux({"kill-server"});
  }

  ProcessResult Tmux(std::vector<std::string> args) {
    args.insert(args.begin(), {tmux_, "-S", dir_.path() + "/tmux.sock", "-f", "/dev/null"});
    return testing::Run(
        args, {{"HOME", dir_.path() + "/home"}, {"PATH", "/usr/bin:/bin"}, {"TERM", "xterm"}},
        dir_.path() + "/scratch");
  }
  // Starts hubget in a new pane of `width` columns; "EXIT=<code>" follows it.
  void StartHubget(int width, const std::string& args) {
    const std::string cmd = "env -i HOME=" + dir_.path() + "/home HF_HOME=" + dir_.path() +
                            "/hf HF_ENDPOINT=" + endpoint_ + " TERM=screen " + HUBGET_BINARY + " " +
                            args + "; echo EXIT=$?; exec sleep 600";
    const auto r =
        Tmux({"new-session", "-d", "-s", "t", "-x", std::to_string(width), "-y", "30", cmd});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The pane, wrapped rows joined back into the lines they came from.
  std::string Capture() { return Tmux({"capture-pane", "-p", "-J", "-t", "t"}).out; }

  // Every line of a capture is whole and known; returns the progress lines.
  std::vector<std::string> CheckCapture(const std::string& capture, int width,
                                        bool allow_messages) {
    static const std::regex kProgress(R"(^(.+): +([0-9]{1,3})%\|.*$)");
    std::vector<std::string> progress;
    std::set<std::string> names;
    for (const std::string& line : Lines(capture)) {
      std::smatch m;
      if (line.empty() || line.rfind("EXIT=", 0) == 0 || line.rfind(dir_.path(), 0) == 0) {
        continue;
      }
      if (allow_messages && line.rfind("hubget: ", 0) == 0) continue;
      if (!std::regex_match(line, m, kProgress)) {
        ADD_FAILURE() << "a line that is neither progress nor output (torn or stray):\n'" << line
                      << "'\nin\n"
                      << capture;
        continue;
      }
      EXPECT_LT(Columns(line), static_cast<std::size_t>(width))
          << "a progress line reaches the last column (the terminal wraps it):\n"
          << capture;
      EXPECT_TRUE(names.insert(m[1]).second) << "'" << m[1] << "' twice on screen:\n" << capture;
      progress.push_back(line);
    }
    return progress;
  }

  testing::TempDir dir_;
  std::string tmux_;
  std::unique_ptr<testing::Child> serve_;
  std::string endpoint_;
};

TEST_P(TmuxProgressTest, SnapshotBarsFitAndNeverRepeat) {
  const int width = GetParam();
  StartHubget(width, std::string("download ") + kRepo);
  std::string capture;
  int moving = 0;                     // captures with a file between 0% and 100%
  std::set<std::string> transformer;  // how the file in a folder was named on screen
  const auto finished = testsupport::WaitFor(
      [&] {
        capture = Capture();
        const auto lines = CheckCapture(capture, width, false);
        for (const auto& line : lines) {
          if (line.rfind("Fetching", 0) != 0 && line.find("100%|") == std::string::npos) {
            ++moving;
            break;
          }
        }
        for (const auto& line : lines) {
          if (line.find("transformer") != std::string::npos ||
              line.find("diffu") != std::string::npos) {
            transformer.insert(line.substr(0, line.find(": ")));
          }
        }
        return capture.find("EXIT=") != std::string::npos;
      },
      "hubget to finish in the pane", testing::kChildDeadline);
  ASSERT_TRUE(finished) << capture;
  EXPECT_THAT(capture, HasSubstr("EXIT=0"));
  EXPECT_GE(moving, 2) << "the bars were never seen moving";
  // Too narrow for the whole path, the line keeps the file's name and gives
  // up its folder: "…/diffusion_pytorch_model.safetensors", not
  // "transformer/diffu…".
  EXPECT_EQ(transformer,
            (std::set<std::string>{width >= 120 ? "transformer/diffusion_pytorch_model.safetensors"
                                                : "…/diffusion_pytorch_model.safetensors"}));
  const auto last = CheckCapture(capture, width, false);
  ASSERT_EQ(last.size(), 1u) << capture;
  EXPECT_EQ(last[0].rfind("Fetching 3 files: 100%|", 0), 0u) << capture;
}

TEST_P(TmuxProgressTest, CtrlCSaysWhatWasKept) {
  const int width = GetParam();
  StartHubget(width, std::string("download ") + kRepo);
  ASSERT_TRUE(testsupport::WaitFor(
      [&] { return Capture().find("ae.safetensors:  1") != std::string::npos; },
      "ae.safetensors past 10%"))
      << Capture();
  ASSERT_EQ(Tmux({"send-keys", "-t", "t", "C-c"}).exit_code, 0);
  std::string capture;
  ASSERT_TRUE(testsupport::WaitFor(
      [&] {
        capture = Capture();
        return capture.find("EXIT=") != std::string::npos;
      },
      "hubget to stop after Ctrl-C"))
      << capture;
  CheckCapture(capture, width, true);
  EXPECT_THAT(capture, HasSubstr("EXIT=130"));
  EXPECT_THAT(capture, HasSubstr("hubget: kept "));
  EXPECT_THAT(capture, HasSubstr("run the same command again to resume from there"));
}

INSTANTIATE_TEST_SUITE_P(Widths, TmuxProgressTest, ::testing::Values(120, 50),
                         [](const auto& p) { return std::to_string(p.param) + "Columns"; });

}  // namespace
}  // namespace hubget
