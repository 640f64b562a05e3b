// `mockhub run --html`: one self-contained page a person reads instead of a
// wall of text. A summary table, then per scenario and step a sequence
// diagram of the wire drawn with HTML and CSS only (no script, no network
// asset: a Content-Security-Policy forbids both): one lane per party
// (client, hub, CDN, then any other site of the journal), one `.arrow` per
// journal entry (request and answer), token flags and fired faults as
// badges, and each failed expectation as a `.failed` band under the last
// request it concerns, or at the end of its step.
//
// Every string comes from an untrusted scenario, client or journal and is
// escaped; signed query strings are shortened, and the journal's redaction
// of tokens is kept.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "escape.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "step_report.h"

namespace mockhub {

namespace {

using runner::EscapeMarkup;

// A value cut to its first 6 characters, as the journal cuts a token.
std::string Cut(const std::string& v) {
  return v.size() > 12 ? v.substr(0, 6) + "\xe2\x80\xa6" : v;
}

// The path with long segments (hashes) shortened and every long query value
// cut: signed URLs stay readable and no signature or credential is shown.
std::string ShortTarget(const std::string& target, bool keep_path) {
  const auto q = target.find('?');
  std::string path = target.substr(0, q);
  if (!keep_path) {
    std::string shortened;
    std::size_t start = 0;
    while (start <= path.size()) {
      auto slash = path.find('/', start);
      if (slash == std::string::npos) slash = path.size();
      std::string seg = path.substr(start, slash - start);
      if (seg.size() > 40) seg = seg.substr(0, 12) + "\xe2\x80\xa6" + seg.substr(seg.size() - 6);
      shortened += seg;
      if (slash < path.size()) shortened += '/';
      start = slash + 1;
    }
    path = shortened;
  }
  if (q == std::string::npos) return path;
  std::string query;
  std::istringstream params(target.substr(q + 1));
  for (std::string p; std::getline(params, p, '&');) {
    const auto eq = p.find('=');
    query += (query.empty() ? "?" : "&") +
             (eq == std::string::npos ? Cut(p) : p.substr(0, eq) + "=" + Cut(p.substr(eq + 1)));
  }
  return path + query;
}

std::string Bytes(std::uint64_t n) {
  char buf[32];
  if (n < 1024)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else if (n < (1u << 20))
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024);
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1u << 20));
  return buf;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

bool Failing(ScenarioResult::Status s) {
  return s == ScenarioResult::Status::kFail || s == ScenarioResult::Status::kUnexpectedPass ||
         s == ScenarioResult::Status::kError;
}

// client, hub, cdn, then the other sites in the order they first answered.
std::vector<std::string> Lanes(const std::vector<JournalEntry>& entries) {
  std::vector<std::string> lanes = {"client", "hub", "cdn"};
  for (const auto& e : entries) {
    if (std::find(lanes.begin(), lanes.end(), e.server) == lanes.end()) lanes.push_back(e.server);
  }
  return lanes;
}

std::string Percent(double x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f%%", x);
  return buf;
}

std::string FlagBadges(const JournalEntry& e) {
  std::string out;
  for (const auto& f : e.flags) {
    const bool fault = f.rfind("fault:", 0) == 0;
    const bool token = f == "token_leak" || f.find("_to_") != std::string::npos;
    out += std::string("<span class=\"flag ") +
           (fault   ? "fault"
            : token ? "token"
                    : "other") +
           "\">" +
           (fault   ? "\xe2\x9a\xa1 "
            : token ? "\xe2\x9a\xa0 "
                    : "") +
           EscapeMarkup(f) + "</span>";
  }
  // The credential as the journal redacted it: which token went where.
  if (!e.authorization.empty())
    out += "<span class=\"flag auth\">auth " + EscapeMarkup(e.authorization) + "</span>";
  return out;
}

// One journal entry: the request from the client's lane to the site's, and
// the answer back, each with its label.
void Arrow(const JournalEntry& e, const std::string& id, const std::vector<std::string>& lanes,
           const std::vector<double>& x, const std::string& concerned, std::ostringstream& out) {
  const auto lane = std::find(lanes.begin(), lanes.end(), e.server) - lanes.begin();
  const double width = x[static_cast<std::size_t>(lane)] - x[0];
  const std::string geometry = "left:" + Percent(x[0]) + ";width:" + Percent(width);
  // A label may run past a short arrow, over the empty lanes to its right.
  const std::string room = "max-width:" + Percent((97.0 - x[0]) / width * 100.0);
  std::string flags;
  for (const auto& f : e.flags) flags += (flags.empty() ? "" : " ") + f;
  std::string request = e.method + " " + ShortTarget(e.target, false);
  if (!e.range.empty()) request += "  Range: " + e.range;
  std::string answer = std::to_string(e.status);
  if (!e.error_code.empty()) answer += " " + e.error_code;
  if (!e.location.empty()) answer += " \xe2\x86\x92 " + ShortTarget(e.location, false);
  if (!e.content_range.empty()) answer += " \xc2\xb7 " + e.content_range;
  if (!e.retry_after.empty()) answer += " \xc2\xb7 Retry-After: " + e.retry_after;
  char ms[32];
  std::snprintf(ms, sizeof ms, " \xc2\xb7 %.0f ms", e.duration_ms);
  answer += " \xc2\xb7 " + Bytes(e.bytes_sent) + ms;
  const int klass = e.status / 100;
  out << "<div class=\"arrow\" id=\"" << id << "\" data-seq=\"" << e.seq << "\" data-site=\""
      << EscapeMarkup(e.server) << "\" data-status=\"" << e.status << "\"";
  if (!flags.empty()) out << " data-flags=\"" << EscapeMarkup(flags) << "\"";
  if (!concerned.empty()) out << " data-concerned=\"" << concerned << "\"";
  out << " title=\""
      << EscapeMarkup("#" + std::to_string(e.seq) + " " + e.method + " " +
                      ShortTarget(e.target, true) + "\n" + answer)
      << "\"><span class=\"seq\">#" << e.seq << "</span>"
      << "<div class=\"line req\" style=\"" << geometry << "\"><span class=\"label\" style=\""
      << room << "\">" << FlagBadges(e) << EscapeMarkup(request) << "</span></div>"
      << "<div class=\"line resp\" style=\"" << geometry << "\"><span class=\"label st" << klass
      << "\" style=\"" << room << "\">" << EscapeMarkup(answer) << "</span></div></div>\n";
}

void FailureBand(const StepReport::Failure& f, const std::string& id, const std::string& prefix,
                 std::ostringstream& out) {
  out << "<div class=\"failed" << (f.waived.empty() ? "" : " waived") << "\" id=\"" << id << "\"";
  if (!f.check.empty()) out << " data-check=\"" << EscapeMarkup(f.check) << "\"";
  if (!f.seqs.empty()) {
    out << " data-seqs=\"";
    for (std::size_t i = 0; i < f.seqs.size(); ++i) out << (i ? " " : "") << f.seqs[i];
    out << "\"";
  }
  out << "><b>" << (f.waived.empty() ? "expectation failed" : "declared failure") << "</b> ";
  if (!f.check.empty()) out << "<code>" << EscapeMarkup(f.check) << "</code> ";
  out << EscapeMarkup(f.text);
  if (!f.waived.empty())
    out << " <span class=\"why\">(waived by the adapter: " << EscapeMarkup(f.waived) << ")</span>";
  if (!f.seqs.empty()) {
    out << " <span class=\"refs\">(";
    for (std::size_t i = 0; i < f.seqs.size() && i < 20; ++i) {
      out << (i ? ", " : "") << "<a href=\"#" << prefix << "e" << f.seqs[i] << "\">#" << f.seqs[i]
          << "</a>";
    }
    out << (f.seqs.size() > 20 ? ", \xe2\x80\xa6" : "") << ")</span>";
  }
  out << "</div>\n";
}

// A step: its header, then the diagram with each failure under the last
// request it concerns (or at the end).
void StepSection(const StepReport& step, std::size_t index, const std::string& prefix,
                 std::ostringstream& out) {
  const bool failed = std::any_of(step.failures.begin(), step.failures.end(),
                                  [](const StepReport::Failure& f) { return f.waived.empty(); });
  out << "<div class=\"step\" data-step=\"" << index << "\" data-pointer=\""
      << EscapeMarkup(step.pointer) << "\" data-entries=\"" << step.entries.size() << "\""
      << (failed ? " data-failed=\"1\"" : "") << "><h3><span class=\"mark\">"
      << (failed ? "\xe2\x9c\x97" : "\xe2\x9c\x93") << "</span> " << EscapeMarkup(step.name)
      << " <code>" << EscapeMarkup(step.action) << "</code>";
  if (step.client_action)
    out << " <span class=\"outcome\">\xe2\x86\x92 " << EscapeMarkup(step.outcome) << "</span>";
  out << "</h3>\n";
  if (!step.client_action) {
    for (std::size_t k = 0; k < step.failures.size(); ++k)
      FailureBand(step.failures[k], prefix + "f" + std::to_string(k), prefix, out);
    out << "</div>\n";
    return;
  }
  const std::vector<std::string> lanes = Lanes(step.entries);
  std::vector<double> x;
  for (std::size_t i = 0; i < lanes.size(); ++i)
    x.push_back(6.0 + 88.0 * static_cast<double>(i) / static_cast<double>(lanes.size() - 1));
  // Which failures each entry concerns, and after which entry each goes.
  std::map<std::uint64_t, std::string> concerned;
  std::map<std::uint64_t, std::vector<std::size_t>> after;
  std::vector<std::size_t> at_end;
  std::set<std::uint64_t> present;
  for (const auto& e : step.entries) present.insert(e.seq);
  for (std::size_t k = 0; k < step.failures.size(); ++k) {
    std::uint64_t last = 0;
    for (auto seq : step.failures[k].seqs) {
      if (!present.count(seq)) continue;
      concerned[seq] += (concerned[seq].empty() ? "" : " ") + std::to_string(k);
      last = std::max(last, seq);
    }
    if (last)
      after[last].push_back(k);
    else
      at_end.push_back(k);
  }
  out << "<div class=\"diagram\"><div class=\"lanes\">";
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    out << "<div class=\"lane\" data-lane=\"" << EscapeMarkup(lanes[i])
        << "\" style=\"left:" << Percent(x[i]) << "\"><span>" << EscapeMarkup(lanes[i])
        << "</span></div>";
  }
  out << "</div>\n";
  if (step.entries.empty()) out << "<p class=\"quiet\">no request reached the mock</p>\n";
  for (const auto& e : step.entries) {
    Arrow(e, prefix + "e" + std::to_string(e.seq), lanes, x, concerned[e.seq], out);
    for (std::size_t k : after[e.seq])
      FailureBand(step.failures[k], prefix + "f" + std::to_string(k), prefix, out);
  }
  for (std::size_t k : at_end)
    FailureBand(step.failures[k], prefix + "f" + std::to_string(k), prefix, out);
  out << "</div></div>\n";
}

void ScenarioSection(const ScenarioResult& r, std::size_t index, std::ostringstream& out) {
  const std::string status = StatusName(r.status);
  const std::string id = "sc" + std::to_string(index);
  out << "<section class=\"scenario\" id=\"" << id << "\" data-scenario=\"" << EscapeMarkup(r.name)
      << "\" data-result=\"" << status << "\"><details" << (Failing(r.status) ? " open" : "")
      << "><summary><span class=\"badge r-" << status << "\">" << status << "</span> <b>"
      << EscapeMarkup(r.name) << "</b> <span class=\"file\">" << EscapeMarkup(r.file)
      << "</span> <span class=\"time\">" << Seconds(r.seconds) << "</span></summary>\n";
  if (!r.description.empty())
    out << "<p class=\"description\">" << EscapeMarkup(r.description) << "</p>\n";
  if (!r.reason.empty()) {
    out << "<p class=\"reason\">"
        << (r.status == ScenarioResult::Status::kExpectedFail ? "expected failure: " : "")
        << EscapeMarkup(r.reason) << "</p>\n";
  }
  if (r.steps.empty() && Failing(r.status)) {
    FailureBand({r.reason, {}, "", ""}, id + "-f", id + "-", out);
  }
  for (std::size_t i = 0; i < r.steps.size(); ++i)
    StepSection(r.steps[i], i, id + "-s" + std::to_string(i) + "-", out);
  if (!r.details.empty()) {
    out << "<details class=\"log\"><summary>text log (journal lines, client output)</summary><pre>"
        << EscapeMarkup(r.details) << "</pre></details>\n";
  }
  out << "</details></section>\n";
}

const char* kStyle = R"css(
:root{--ink:#1f2937;--grey:#6b7280;--red:#c62828;--redbg:#fdecea;--orange:#b45309;--green:#2e7d32}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,"DejaVu Sans",sans-serif;color:var(--ink);background:#f3f4f6}
header{background:#111827;color:#f9fafb;padding:14px 24px}
header h1{margin:0;font-size:19px;font-weight:600}
header .totals{margin:4px 0 0;color:#d1d5db}
main{padding:14px 24px 40px}
code,pre,.label,.file,.seq{font-family:"DejaVu Sans Mono",ui-monospace,Menlo,monospace}
table.summary{border-collapse:collapse;width:100%;background:#fff;border-radius:6px;overflow:hidden;box-shadow:0 1px 2px #0002}
.summary th{background:#e5e7eb;text-align:left;padding:6px 10px;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.summary td{padding:5px 10px;border-top:1px solid #eef0f3;vertical-align:top}
.summary td.time{white-space:nowrap;color:var(--grey)}
.summary tr[data-result=FAIL] td,.summary tr[data-result=XPASS] td,.summary tr[data-result=ERROR] td{background:#fff5f5}
.summary a{color:inherit}
.badge{display:inline-block;min-width:52px;text-align:center;padding:1px 8px;border-radius:10px;font-weight:700;font-size:12px;color:#fff}
.r-PASS{background:var(--green)}.r-FAIL,.r-XPASS,.r-ERROR{background:var(--red)}.r-XFAIL{background:#9ca3af}
nav.failing{margin:0 0 12px;padding:8px 12px;background:var(--redbg);border-left:5px solid var(--red);border-radius:4px}
nav.failing a{color:var(--red);font-weight:600;margin-left:8px}
.legend{color:var(--grey);font-size:12px;margin:10px 0}
section.scenario{background:#fff;margin:14px 0;border-radius:6px;box-shadow:0 1px 2px #0002;border-left:5px solid #d1d5db}
section.scenario[data-result=PASS]{border-left-color:var(--green)}
section.scenario[data-result=FAIL],section.scenario[data-result=XPASS],section.scenario[data-result=ERROR]{border-left-color:var(--red)}
section.scenario>details>summary{cursor:pointer;padding:9px 14px;font-size:15px}
.file,.time{color:var(--grey);font-size:12px;margin-left:8px}
.description{margin:0 14px 6px;color:#374151}
.reason{margin:0 14px 8px;font-weight:600;color:var(--red)}
section[data-result=XFAIL] .reason{color:var(--grey)}
.step{padding:4px 14px 12px}
.step h3{font-size:13.5px;font-weight:600;margin:6px 0}
.step h3 code{background:#f3f4f6;padding:1px 6px;border-radius:4px;font-weight:400}
.step .mark{color:var(--green)}.step[data-failed] .mark{color:var(--red)}
.outcome{color:var(--grey);font-weight:400}
.diagram{position:relative;padding:30px 0 6px;background:#fafafa;border:1px solid #eceef1;border-radius:4px;overflow:hidden}
.lane{position:absolute;top:0;bottom:0;width:0;border-left:2px dashed #d1d5db}
.lane>span{position:absolute;top:5px;transform:translateX(-50%);background:#4b5563;color:#fff;padding:1px 12px;border-radius:4px;font-weight:700;font-size:12px;white-space:nowrap}
.lane[data-lane=client]>span{background:#2563eb}.lane[data-lane=hub]>span{background:#7c3aed}
.lane[data-lane=cdn]>span{background:#0e7490}.lane[data-lane=cas]>span{background:#a16207}
.arrow{position:relative;height:48px}
.arrow:hover{background:#eef2ff}
.arrow .seq{position:absolute;left:4px;top:16px;font-size:10.5px;color:var(--grey)}
.line{position:absolute;height:0;border-top:2px solid #374151}
.line.req{top:21px}
.line.resp{top:28px;border-top:1.5px dashed #6b7280}
.line::after{content:"";position:absolute;top:-6px;border-top:5px solid transparent;border-bottom:5px solid transparent}
.line.req::after{right:-1px;border-left:9px solid #374151}
.line.resp::after{left:-1px;top:-5.5px;border-right:9px solid #6b7280}
.label{position:absolute;left:10px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:11.5px;padding-right:4px;background:#fafafacc}
.req .label{bottom:2px}
.resp .label{top:1px;color:#374151}
.label.st2{color:#166534}.label.st3{color:#1d4ed8}.label.st4{color:var(--orange)}.label.st5{color:var(--red)}
.flag{display:inline-block;padding:0 5px;margin-right:5px;border-radius:3px;font-size:10.5px;font-weight:700;line-height:14px}
.flag.token{background:var(--red);color:#fff}
.flag.fault{background:#fef3c7;color:#92400e;border:1px solid #f59e0b}
.flag.other{background:#e5e7eb;color:#374151}
.flag.auth{background:#eef2ff;color:#3730a3;border:1px solid #c7d2fe;font-weight:400}
.arrow[data-concerned]{background:var(--redbg)}
.arrow[data-concerned] .label{background:#fdeceacc}
.arrow[data-concerned] .line{border-top-color:var(--red)}
.arrow[data-concerned] .line.req::after{border-left-color:var(--red)}
.arrow[data-concerned] .line.resp::after{border-right-color:var(--red)}
.arrow[data-concerned] .seq{color:var(--red);font-weight:700}
.arrow[data-concerned] .seq::before{content:"\2717 "}
.failed{position:relative;margin:2px 10px 6px 6%;padding:6px 10px;background:var(--redbg);border:1px solid #f5c2c0;border-left:5px solid var(--red);border-radius:3px;color:#7f1d1d;font-size:13px}
.failed b{color:var(--red)}
.failed .refs a{color:var(--red)}
.failed.waived{background:#f3f4f6;border-color:#d1d5db;border-left-color:var(--grey);color:#374151}
.failed.waived b{color:var(--grey)}
.quiet{color:var(--grey);margin:6px 10px}
details.log{margin:4px 14px 12px}
details.log summary{cursor:pointer;color:var(--grey);font-size:12px}
details.log pre{background:#111827;color:#e5e7eb;padding:10px;border-radius:4px;overflow:auto;max-height:360px;font-size:11.5px}
)css";

}  // namespace

std::string FormatHtml(const std::vector<ScenarioResult>& results, const std::string& title,
                       const std::string& note) {
  int passed = 0, failed = 0, xfail = 0;
  for (const auto& r : results) {
    passed += r.status == ScenarioResult::Status::kPass;
    xfail += r.status == ScenarioResult::Status::kExpectedFail;
    failed += Failing(r.status);
  }
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
      << "<title>mockhub run: " << EscapeMarkup(title) << "</title>\n<style>" << kStyle
      << "</style></head>\n<body><header><h1>mockhub run \xc2\xb7 " << EscapeMarkup(title)
      << "</h1><p class=\"totals\" data-passed=\"" << passed << "\" data-failed=\"" << failed
      << "\">" << passed << " passed, " << failed << " failed";
  if (xfail) out << ", " << xfail << " expected failures";
  out << "</p>";
  if (!note.empty()) out << "<p class=\"note\">" << EscapeMarkup(note) << "</p>";
  out << "</header><main>\n";
  // In a long library the failures come first, as links to their diagrams.
  if (failed) {
    out << "<nav class=\"failing\"><b>" << failed << " failed:</b>";
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (Failing(results[i].status))
        out << " <a href=\"#sc" << i << "\">" << EscapeMarkup(results[i].name) << "</a>";
    }
    out << "</nav>\n";
  }
  out << "<table class=\"summary\"><thead><tr><th>scenario</th><th>result</th>"
         "<th>time</th><th>failure</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    const std::string status = StatusName(r.status);
    out << "<tr data-result=\"" << status << "\"><td><a href=\"#sc" << i << "\">"
        << EscapeMarkup(r.name) << "</a></td><td><span class=\"badge r-" << status << "\">"
        << status << "</span></td><td class=\"time\">" << Seconds(r.seconds) << "</td><td>"
        << EscapeMarkup(r.reason) << "</td></tr>\n";
  }
  out << "</tbody></table>\n<p class=\"legend\">Each row of a diagram is one request in the "
         "mock's journal: the solid arrow is the request (method, path with signed query values "
         "cut, Range, Authorization as the journal redacts it), the dashed one the answer "
         "(status, Location, Content-Range, bytes sent, time). Red badges are token flags, "
         "amber ones faults that fired; a red row is a request a failed expectation is about.";
  if (const std::string bound = runner::RunJournalBound(results); !bound.empty()) {
    out << " Each scenario's mock keeps its last " << EscapeMarkup(bound)
        << " in its journal; a step that makes more fails (" << runner::kJournalDroppedCheck
        << ") rather than be checked on part of its requests.";
  }
  out << "</p>\n";
  for (std::size_t i = 0; i < results.size(); ++i) ScenarioSection(results[i], i, out);
  out << "</main></body></html>\n";
  return out.str();
}

}  // namespace mockhub
