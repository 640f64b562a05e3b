// The results of `mockhub run` for people (a table) and for CI reporters
// (JUnit XML: failures, errors, expected failures as skipped), and the one
// way a report reaches its file (temp + rename).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "escape.h"
#include "mockhub/runner/runner.h"

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

std::string FormatTable(const std::vector<ScenarioResult>& results) {
  std::size_t width = 8;
  for (const auto& r : results) width = std::max(width, r.name.size());
  std::ostringstream out;
  char line[64];
  out << std::string("scenario") + std::string(width - 8 + 2, ' ') << "result  time    reason\n";
  int passed = 0, failed = 0, xfail = 0, errors = 0;
  for (const auto& r : results) {
    std::snprintf(line, sizeof line, "%-6s  %5.1fs  ", StatusName(r.status), r.seconds);
    const std::string reason = r.reason.size() > 160 ? r.reason.substr(0, 157) + "..." : r.reason;
    out << r.name << std::string(width - r.name.size() + 2, ' ') << line << reason << "\n";
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
    out << "waived " << key.first << " in " << names.size()
        << (names.size() == 1 ? " scenario: " : " scenarios: ") << key.second << "\n";
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
  if (!properties.empty()) {
    out << "  <properties>";
    for (const auto& [name, value] : properties)
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

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  // The temporary file sits beside the final one (same file system, so the
  // rename is atomic) and is named after the process, so two runs writing
  // the same report do not share it.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write " + tmp + ": " + std::strerror(errno));
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Unavailable("cannot write " + tmp + ": " + std::strerror(errno));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Unavailable("cannot rename " + tmp + " to " + path + ": " + why);
  }
  return Status::Ok();
}

}  // namespace mockhub
