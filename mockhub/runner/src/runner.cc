// Runs one scenario: a fresh hub and CDN on ephemeral ports, a temporary
// HF_HOME, the client per step with the scenario's token placement, then the
// expectations. Scenarios share nothing, so ctest -j and --shard are safe.
#include "mockhub/runner/runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cache_seed.h"
#include "expect.h"
#include "mockhub/faults.h"
#include "mockhub/server.h"
#include "mockhub/world_json.h"
#include "process.h"

namespace mockhub {

namespace fs = std::filesystem;
using nlohmann::json;

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

Loaded<Adapter> LoadAdapter(const std::string& path) {
  auto doc = ReadJsonFile(path);
  if (!doc) return doc.error();
  const json& d = *doc;
  Adapter a;
  if (!d.is_object()) return LoadError{path, "", "expected an object"};
  for (auto it = d.begin(); it != d.end(); ++it) {
    static const std::set<std::string> kKeys = {
        "$schema", "name", "command", "messages", "cache_layout", "expected_failures", "about"};
    if (!kKeys.count(it.key()))
      return LoadError{path, "/" + PointerToken(it.key()), "unknown key \"" + it.key() + "\""};
  }
  a.name = d.contains("name") && d["name"].is_string() ? d["name"].get<std::string>()
                                                       : fs::path(path).stem().string();
  if (!d.contains("command") || !d["command"].is_array() || d["command"].empty()) {
    return LoadError{path, "/command",
                     "expected a non-empty array: the program and its first arguments"};
  }
  for (std::size_t i = 0; i < d["command"].size(); ++i) {
    if (!d["command"][i].is_string())
      return LoadError{path, "/command/" + std::to_string(i), "must be a string"};
    std::string part = d["command"][i].get<std::string>();
    if (part.rfind("./", 0) == 0 || part.rfind("../", 0) == 0) {
      part = fs::weakly_canonical(fs::absolute(fs::path(path).parent_path()) / part).string();
    }
    a.command.push_back(part);
  }
  for (const char* key : {"messages", "cache_layout"}) {
    if (!d.contains(key)) continue;
    if (!d[key].is_boolean())
      return LoadError{path, std::string("/") + key, "must be true or false"};
    (std::string(key) == "messages" ? a.messages : a.cache_layout) = d[key].get<bool>();
  }
  if (d.contains("expected_failures")) {
    const json& x = d["expected_failures"];
    if (!x.is_object())
      return LoadError{path, "/expected_failures", "expected an object of scenario glob -> reason"};
    for (auto it = x.begin(); it != x.end(); ++it) {
      if (!it.value().is_string() || it.value().get<std::string>().empty()) {
        return LoadError{path, "/expected_failures/" + PointerToken(it.key()),
                         "the reason is required"};
      }
      a.expected_failures.emplace_back(it.key(), it.value().get<std::string>());
    }
  }
  return a;
}

std::vector<std::string> CollectScenarioFiles(const std::vector<std::string>& paths,
                                              std::string& error) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        const std::string name = e.path().filename().string();
        if (e.path().extension() == ".json" && name != "schema.json" &&
            name.find(".adapter.") == std::string::npos) {
          found.push_back(e.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      error = p + ": no such file or folder";
      return {};
    }
  }
  return files;
}

namespace {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mockhub-run-XXXXXX";
    if (::mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty() && !std::getenv("MOCKHUB_KEEP_TMP")) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The arguments of a client action, in hubget's CLI grammar.
std::vector<std::string> ActionArgs(const Step& s) {
  std::vector<std::string> a;
  if (s.kind == Step::Kind::kWhoami) return {"whoami"};
  a.push_back(s.kind == Step::Kind::kInfo ? "info" : "download");
  a.push_back(s.repo);
  for (const auto& f : s.files) a.push_back(f);
  if (!s.revision.empty()) a.insert(a.end(), {"--revision", s.revision});
  if (s.type != RepoType::kModel) a.insert(a.end(), {"--repo-type", RepoTypeName(s.type)});
  for (const auto& p : s.include) a.insert(a.end(), {"--include", p});
  for (const auto& p : s.exclude) a.insert(a.end(), {"--exclude", p});
  return a;
}

// The client's environment: nothing of the user's HF_* settings, token or
// cache; HOME points into the scenario's temporary folder.
std::map<std::string, std::string> ClientEnv(const ClientSetup& setup, const MockServer& server,
                                             const std::string& home) {
  std::map<std::string, std::string> env;
  for (const char* keep : {"PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "NODE_PATH"}) {
    if (const char* v = std::getenv(keep)) env[keep] = v;
  }
  env["HOME"] = home;
  env["XDG_CACHE_HOME"] = home + "/.cache";
  env["HF_ENDPOINT"] = server.hub_url();
  env["HF_HOME"] = home + "/hf";
  env["HF_HUB_CACHE"] = home + "/hf/hub";
  env["HF_HUB_DISABLE_TELEMETRY"] = "1";
  env["HF_HUB_DISABLE_PROGRESS_BARS"] = "1";
  env["MOCKHUB_CDN"] = server.cdn_url();
  if (!server.ca_file().empty()) {
    for (const char* v :
         {"SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"}) {
      env[v] = server.ca_file();
    }
  }
  for (const auto& [k, v] : setup.env) env[k] = v;
  for (const TokenSetup& token : setup.tokens) {
    switch (token.source) {
      case TokenSetup::Source::kHfToken:
        env["HF_TOKEN"] = token.value;
        break;
      case TokenSetup::Source::kHuggingFaceHubToken:
        env["HUGGING_FACE_HUB_TOKEN"] = token.value;
        break;
      case TokenSetup::Source::kTokenPath:
        env["HF_TOKEN_PATH"] = home + "/custom-token";
        break;
      default:
        break;
    }
  }
  return env;
}

void PlaceTokenFiles(const ClientSetup& setup, const std::string& home) {
  std::error_code ec;
  fs::remove(home + "/hf/token", ec);
  fs::remove(home + "/custom-token", ec);
  for (const TokenSetup& token : setup.tokens) {
    if (token.source == TokenSetup::Source::kTokenFile) {
      std::ofstream(home + "/hf/token") << token.value << "\n";  // as `hf auth login` leaves it
    } else if (token.source == TokenSetup::Source::kTokenPath) {
      std::ofstream(home + "/custom-token") << token.value << "\n";
    }
  }
}

Status HubChange(const Step& s, MockServer& server) {
  HubState& st = server.state();
  switch (s.kind) {
    case Step::Kind::kAdvanceClock:
      st.Advance(s.seconds);
      return Status::Ok();
    case Step::Kind::kRevokeToken:
      return st.RevokeToken(s.token);
    case Step::Kind::kExpireToken:
      return st.ExpireToken(s.token);
    case Step::Kind::kApprove:
      return st.Approve(s.type, s.repo, s.user);
    case Step::Kind::kRename:
      return st.Rename(s.type, s.repo, s.to);
    case Step::Kind::kMoveBranch: {
      auto w = st.Snapshot();
      const Repo* repo = w->FindRepo(s.type, s.repo);
      if (!repo) return NotFound("no repo " + s.repo);
      auto it = repo->commit_labels.find(s.to);
      return st.MoveBranch(s.type, s.repo, s.branch,
                           it == repo->commit_labels.end() ? s.to : it->second);
    }
    default:
      return Status::Ok();
  }
}

bool Glob(const std::string& p, const std::string& t) { return GlobMatch(p, t); }

}  // namespace

ScenarioResult RunScenario(const Scenario& sc, const RunOptions& opts) {
  const auto started = std::chrono::steady_clock::now();
  ScenarioResult result;
  result.name = sc.name;
  result.file = sc.file;
  auto finish = [&](ScenarioResult::Status st, const std::string& reason) {
    result.status = st;
    result.reason = reason;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
  };
  TempDir tmp;
  if (tmp.path().empty())
    return finish(ScenarioResult::Status::kError, "cannot create a temporary folder");
  const std::string home = tmp.path() + "/home";
  std::error_code ec;
  fs::create_directories(home + "/hf/hub", ec);

  ServerOptions so;
  so.tls = sc.client.tls;
  so.tls_dir = tmp.path();
  so.cdn_flavour = sc.client.cdn;
  so.faults = sc.faults;
  // Every scenario gets its own copy of the fault counters.
  auto fresh_faults = FaultSet::FromJson(sc.faults_doc, sc.file, "/faults");
  if (fresh_faults) so.faults = fresh_faults.value();
  auto started_server = MockServer::Start(sc.world, so);
  if (!started_server) {
    return finish(ScenarioResult::Status::kError,
                  "cannot start the mock: " + started_server.status().message());
  }
  std::unique_ptr<MockServer> server = std::move(*started_server);
  if (std::string why = runner::SeedCache(home + "/hf/hub", sc.world, sc.client.cache);
      !why.empty()) {
    return finish(ScenarioResult::Status::kError, why);
  }

  ClientSetup setup = sc.client;
  std::vector<std::string> failures;
  std::ostringstream details;
  for (const Step& step : sc.steps) {
    if (step.kind == Step::Kind::kClient) {
      if (step.client->tokens_given) setup.tokens = step.client->tokens;
      for (const auto& [k, v] : step.client->env) setup.env[k] = v;
      continue;
    }
    if (!step.IsClientAction()) {
      if (Status why = HubChange(step, *server); !why.ok()) {
        return finish(ScenarioResult::Status::kError, step.pointer + ": " + why.message());
      }
      continue;
    }
    const std::size_t before = server->journal().Entries().size();
    const auto world_then = server->state().Snapshot();
    PlaceTokenFiles(setup, home);
    std::vector<std::string> argv = opts.adapter.command;
    for (const TokenSetup& token : setup.tokens) {
      if (token.source == TokenSetup::Source::kArgument)
        argv.insert(argv.end(), {"--token", token.value});
    }
    for (const auto& a : ActionArgs(step)) argv.push_back(a);
    runner::ProcessResult proc =
        runner::RunProcess(argv, ClientEnv(setup, *server, home), tmp.path(),
                           std::chrono::seconds(opts.step_timeout_seconds));
    // Responses are journaled once written: wait for those still in flight.
    if (!server->journal().WaitForIdle(std::chrono::seconds(10))) {
      failures.push_back(step.name +
                         ": the mock still had responses in flight 10 s after the client ended");
    }
    auto all = server->journal().Entries();
    runner::Observation seen;
    seen.entries.assign(all.begin() + static_cast<std::ptrdiff_t>(std::min(before, all.size())),
                        all.end());
    seen.world = world_then.get();
    seen.hub_cache = home + "/hf/hub";
    if (!proc.started) {
      seen.outcome_error = proc.error;
    } else if (proc.timed_out) {
      seen.outcome_error =
          "the client was killed after " + std::to_string(opts.step_timeout_seconds) + " s";
    } else {
      std::string last;
      std::istringstream lines(proc.out);
      for (std::string line; std::getline(lines, line);) {
        if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
      }
      try {
        seen.outcome = json::parse(last);
      } catch (const json::exception&) {
        seen.outcome_error =
            last.empty() ? "empty stdout" : "last stdout line is not JSON: " + last.substr(0, 200);
      }
    }
    std::vector<std::string> step_failures = runner::CheckStep(
        step, seen, runner::Caps{opts.adapter.messages, opts.adapter.cache_layout});
    if (!proc.started && step_failures.empty()) step_failures.push_back(proc.error);
    if (!step_failures.empty() || opts.verbose) {
      details << "step " << step.pointer << " (" << step.name << "):";
      for (const auto& a : argv) details << " " << a;
      details << "\n";
      for (const auto& f : step_failures) details << "  - " << f << "\n";
      details << "  journal:\n";
      std::size_t shown = 0;
      for (const auto& e : seen.entries) {
        if (++shown > 30) {
          details << "    ... " << seen.entries.size() - 30 << " more\n";
          break;
        }
        details << "    " << LogLine(e) << "\n";
      }
      auto tail = [](const std::string& s) {
        return s.size() > 2000 ? "..." + s.substr(s.size() - 2000) : s;
      };
      details << "  client exit " << proc.exit_code << ", stdout:\n"
              << tail(proc.out) << "\n  stderr:\n"
              << tail(proc.err) << "\n";
    }
    for (const auto& f : step_failures) failures.push_back(step.name + ": " + f);
  }
  server->Stop();
  result.details = details.str();
  std::string xfail_reason;
  for (const auto& [glob, reason] : opts.adapter.expected_failures) {
    if (Glob(glob, sc.name)) xfail_reason = reason;
  }
  if (failures.empty()) {
    if (!xfail_reason.empty()) {
      return finish(
          ScenarioResult::Status::kUnexpectedPass,
          "declared an expected failure (" + xfail_reason + ") but passed: update the adapter");
    }
    return finish(ScenarioResult::Status::kPass, "");
  }
  if (!xfail_reason.empty())
    return finish(ScenarioResult::Status::kExpectedFail, xfail_reason + " [" + failures[0] + "]");
  return finish(
      ScenarioResult::Status::kFail,
      failures[0] +
          (failures.size() > 1 ? " (+" + std::to_string(failures.size() - 1) + " more)" : ""));
}

std::string FormatTable(const std::vector<ScenarioResult>& results) {
  std::size_t width = 8;
  for (const auto& r : results) width = std::max(width, r.name.size());
  std::ostringstream out;
  char line[64];
  out << std::string("scenario") + std::string(width - 8 + 2, ' ') << "result  time    reason\n";
  int passed = 0, failed = 0, xfail = 0;
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
  }
  out << passed << " passed, " << failed << " failed";
  if (xfail) out << ", " << xfail << " expected failures";
  out << "\n";
  return out.str();
}

namespace {
std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
          out += '?';
        else
          out += c;
    }
  }
  return out;
}
}  // namespace

std::string FormatJUnit(const std::vector<ScenarioResult>& results, const std::string& suite) {
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
  for (const auto& r : results) {
    out << "  <testcase classname=\"scenarios\" name=\"" << Xml(r.name) << "\" file=\""
        << Xml(r.file) << "\" time=\"" << r.seconds << "\">";
    switch (r.status) {
      case ScenarioResult::Status::kPass:
        break;
      case ScenarioResult::Status::kExpectedFail:
        out << "<skipped message=\"expected failure: " << Xml(r.reason) << "\"/>";
        break;
      case ScenarioResult::Status::kError:
        out << "<error message=\"" << Xml(r.reason) << "\">" << Xml(r.details) << "</error>";
        break;
      default:
        out << "<failure message=\"" << Xml(r.reason) << "\">" << Xml(r.details) << "</failure>";
    }
    out << "</testcase>\n";
  }
  out << "</testsuite>\n";
  return out.str();
}

}  // namespace mockhub
