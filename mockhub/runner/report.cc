// The results of `mockhub run` for people (a table) and for CI reporters
// (JUnit XML: failures, errors, expected failures as skipped), and the one
// way a report reaches its file (temp + rename).
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <utility>

#include "escape.h"
#include "mockhub/runner/report.h"
#include "step_report.h"

namespace mockhub {

const char* StatusName(ScenarioResult::Status s) {
  switch (s) {
    case ScenarioResult::Status::kPass:
      return "PASS";
    case ScenarioResult::Status::kFail:
      return "FAIL";
    case ScenarioResult::Status::kExpectedFail:
      return "XFAIL";
    case ScenarioResult::Status::kUnexpectedPass:
      return "XPASS";
    case ScenarioResult::Status::kError:
      return "ERROR";
  }
  return "?";
}

std::string TerminalText(const std::string& text, bool lines) {
  return runner::EscapeTerminal(text, lines);
}

std::string FormatProgress(const ScenarioResult& r, bool with_details) {
  std::string out = std::string(StatusName(r.status)) + " " + TerminalText(r.name) +
                    (r.reason.empty() ? "" : ": " + TerminalText(r.reason)) + "\n";
  if (with_details) out += TerminalText(r.details, true);
  return out;
}

// Names and reasons come from scenario files and clients: escaped for the
// terminal (escape.h) before the columns are measured.
std::string FormatTable(const std::vector<ScenarioResult>& results) {
  std::vector<std::string> shown;
  std::size_t width = 8;
  for (const auto& r : results) {
    shown.push_back(TerminalText(r.name));
    width = std::max(width, shown.back().size());
  }
  std::ostringstream out;
  char line[64];
  out << std::string("scenario") + std::string(width - 8 + 2, ' ') << "result  time    reason\n";
  int passed = 0, failed = 0, xfail = 0, errors = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScenarioResult& r = results[i];
    std::snprintf(line, sizeof line, "%-6s  %5.1fs  ", StatusName(r.status), r.seconds);
    std::string reason = TerminalText(r.reason);
    if (reason.size() > 160) reason = reason.substr(0, 157) + "...";
    out << shown[i] << std::string(width - shown[i].size() + 2, ' ') << line << reason << "\n";
    if (r.status == ScenarioResult::Status::kPass)
      ++passed;
    else if (r.status == ScenarioResult::Status::kExpectedFail)
      ++xfail;
    else
      ++failed;
    errors += r.status == ScenarioResult::Status::kError;
  }
  // Errors (a file that does not load, a mock that cannot start) are
  // failures too: the closing line never reads green over them.
  out << passed << " passed, " << failed << " failed";
  if (errors) out << " (" << errors << (errors == 1 ? " error" : " errors") << ")";
  if (xfail) out << ", " << xfail << " expected failures";
  out << "\n";
  // What the adapters' declarations waived, per check and reason: every
  // other check of those scenarios counted.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> waived;
  for (const auto& r : results) {
    for (const auto& w : r.waived) waived[{w.check, w.reason}].insert(r.name);
  }
  for (const auto& [key, names] : waived) {
    out << "waived " << TerminalText(key.first) << " in " << names.size()
        << (names.size() == 1 ? " scenario: " : " scenarios: ") << TerminalText(key.second) << "\n";
  }
  if (const std::string bound = runner::RunJournalBound(results); !bound.empty()) {
    out << "journal: each scenario's mock keeps its last " << bound
        << "; a step that makes more fails (" << runner::kJournalDroppedCheck << ")\n";
  }
  return out.str();
}

namespace {
std::string Xml(const std::string& s) { return runner::EscapeMarkup(s); }
}  // namespace

std::string FormatJUnit(const std::vector<ScenarioResult>& results, const std::string& suite,
                        const std::vector<std::pair<std::string, std::string>>& properties) {
  int failures = 0, errors = 0, skipped = 0;
  double total = 0;
  for (const auto& r : results) {
    failures += r.status == ScenarioResult::Status::kFail ||
                r.status == ScenarioResult::Status::kUnexpectedPass;
    errors += r.status == ScenarioResult::Status::kError;
    skipped += r.status == ScenarioResult::Status::kExpectedFail;
    total += r.seconds;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"" << Xml(suite)
      << "\" tests=\"" << results.size() << "\" failures=\"" << failures << "\" errors=\"" << errors
      << "\" skipped=\"" << skipped << "\" time=\"" << total << "\">\n";
  std::vector<std::pair<std::string, std::string>> props = properties;
  if (const std::string bound = runner::RunJournalBound(results); !bound.empty())
    props.emplace_back("journal_bound", bound);
  if (!props.empty()) {
    out << "  <properties>";
    for (const auto& [name, value] : props)
      out << "<property name=\"" << Xml(name) << "\" value=\"" << Xml(value) << "\"/>";
    out << "</properties>\n";
  }
  for (const auto& r : results) {
    // classname: the scenario's folder as found, so reporters group by it.
    std::string folder = std::filesystem::path(r.file).parent_path().string();
    if (folder.empty()) folder = ".";
    out << "  <testcase classname=\"" << Xml(folder) << "\" name=\"" << Xml(r.name) << "\" file=\""
        << Xml(r.file) << "\" time=\"" << r.seconds << "\">";
    if (!r.waived.empty()) {
      out << "<properties>";
      for (const auto& w : r.waived) {
        out << "<property name=\"waived " << Xml(w.step + ": " + w.check) << "\" value=\""
            << Xml(w.reason) << "\"/>";
      }
      out << "</properties>";
    }
    switch (r.status) {
      case ScenarioResult::Status::kPass:
        break;
      case ScenarioResult::Status::kExpectedFail:
        out << "<skipped message=\"expected failure: " << Xml(r.reason) << "\"/>";
        break;
      case ScenarioResult::Status::kError:
        out << "<error type=\"" << (r.did_not_load ? "load" : "setup") << "\" message=\""
            << Xml(r.reason) << "\">" << Xml(r.details.empty() ? r.reason : r.details)
            << "</error>";
        break;
      default:
        out << "<failure message=\"" << Xml(r.reason) << "\">" << Xml(r.details) << "</failure>";
    }
    out << "</testcase>\n";
  }
  out << "</testsuite>\n";
  return out.str();
}

namespace {

// 16 hex digits from the kernel's random source: a name nobody could plant
// in advance.
std::string RandomSuffix() {
  std::uint64_t bits = 0;
  if (::getrandom(&bits, sizeof bits, 0) != static_cast<ssize_t>(sizeof bits)) {
    std::random_device device;
    bits = (std::uint64_t{device()} << 32) | device();
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(bits));
  return text;
}

bool WriteAll(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

// The temporary file sits beside the final one (same file system, so the
// rename is atomic) under a random name, created with O_EXCL|O_NOFOLLOW: a
// symlink or a FIFO someone planted at a name they guessed is neither
// followed nor opened (a name taken is another try), and two runs writing
// the same report never share a temporary. Its data is on disk before the
// rename, so a crash leaves the old file or the new one, whole.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 64 && fd < 0; ++attempt) {
    tmp = path + ".tmp." + RandomSuffix();
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      return Unavailable("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (fd < 0) return Unavailable("cannot create a temporary file beside " + path);
  const bool written = WriteAll(fd, text) && ::fsync(fd) == 0;
  const std::string why = written ? "" : std::strerror(errno);
  if (::close(fd) != 0 || !written) {
    ::unlink(tmp.c_str());
    return Unavailable("cannot write " + tmp + ": " + (why.empty() ? std::strerror(errno) : why));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string rename_why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Unavailable("cannot rename " + tmp + " to " + path + ": " + rename_why);
  }
  return Status::Ok();
}

}  // namespace mockhub
