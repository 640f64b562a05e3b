// Runs one scenario: a fresh hub and CDN on ephemeral ports, a temporary
// HF_HOME, the client per step with the scenario's token placement, then the
// expectations. Scenarios share nothing, so ctest -j and --shard are safe.
#include "mockhub/runner/runner.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "cache_seed.h"
#include "env_values.h"
#include "expect.h"
#include "mockhub/faults/faults.h"
#include "mockhub/http/journal.h"
#include "mockhub/server/server.h"
#include "mockhub/sites/site.h"
#include "mockhub/world/hub_change.h"
#include "mockhub/world/world_json.h"
#include "process.h"
#include "step_report.h"
#include "verdict.h"

namespace mockhub {

namespace fs = std::filesystem;
using nlohmann::json;

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

// The arguments of a client action, in the adapter contract's grammar
// (scenarios/README.md): the action, its options each as one --name=VALUE
// argument (a value starting with '-' stays a value), then `--`, then the
// repo and the files. A name from the scenario is never read as an option,
// whatever it looks like.
std::vector<std::string> ActionArgs(const Step& s) {
  if (s.kind == Step::Kind::kWhoami) return {"whoami"};
  std::vector<std::string> a{s.kind == Step::Kind::kInfo ? "info" : "download"};
  if (!s.revision.empty()) a.push_back("--revision=" + s.revision);
  if (s.type != RepoType::kModel) a.push_back(std::string("--repo-type=") + RepoTypeName(s.type));
  for (const auto& p : s.include) a.push_back("--include=" + p);
  for (const auto& p : s.exclude) a.push_back("--exclude=" + p);
  a.push_back("--");
  a.push_back(s.repo);
  a.insert(a.end(), s.files.begin(), s.files.end());
  return a;
}

// The client's environment: nothing of the user's HF_* settings, token or
// cache; HOME points into the scenario's temporary folder.
std::map<std::string, std::string> ClientEnv(const ClientSetup& setup, const MockServer& server,
                                             const std::string& home) {
  std::map<std::string, std::string> env;
  for (const char* keep : {"PATH", "LANG", "LC_ALL", "TZ", "NODE_PATH"}) {
    if (const char* v = std::getenv(keep)) env[keep] = v;
  }
  // Temporary files inside the scenario's folder: the only place a
  // contained client may write (containment.h).
  std::error_code made;
  fs::create_directories(home + "/tmp", made);
  env["TMPDIR"] = home + "/tmp";
  env["HOME"] = home;
  env["XDG_CACHE_HOME"] = home + "/.cache";
  env["HF_ENDPOINT"] = server.hub_url();
  env["HF_HOME"] = home + "/hf";
  env["HF_HUB_CACHE"] = home + "/hf/hub";
  env["HF_HUB_DISABLE_TELEMETRY"] = "1";
  env["HF_HUB_DISABLE_PROGRESS_BARS"] = "1";
  for (const auto& [site, url] : server.urls()) {  // MOCKHUB_CDN=..., one per other site
    if (site == kHubSite) continue;
    std::string var = "MOCKHUB_" + site;
    for (char& ch : var) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    env[var] = url;
  }
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

// The client's last non-blank stdout line, parsed; or why there is none.
void ReadOutcome(const StatusOr<runner::ProcessResult>& proc, int timeout_seconds,
                 runner::Observation& seen) {
  if (!proc.ok()) {
    seen.outcome_error = proc.status().message();
    return;
  }
  if (proc->timed_out) {
    seen.outcome_error = "the client was killed after " + std::to_string(timeout_seconds) + " s";
    return;
  }
  std::string last;
  std::istringstream lines(proc->out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  auto parsed = ParseJsonText(last, "<client stdout>");
  if (parsed) {
    seen.outcome = std::move(*parsed);
    return;
  }
  seen.outcome_error =
      last.empty() ? "empty stdout" : "last stdout line is not JSON: " + last.substr(0, 200);
}

// What a failing (or --verbose) step shows: the command, its failures, the
// step's journal and the tail of the client's output.
void DescribeStep(const Step& step, const std::vector<std::string>& argv,
                  const std::vector<runner::CheckFailure>& failures,
                  const runner::Observation& seen, const StatusOr<runner::ProcessResult>& proc,
                  std::ostringstream& details) {
  details << "step " << step.pointer << " (" << step.name << "):";
  for (const auto& a : argv) details << " " << a;
  details << "\n";
  for (const auto& f : failures) details << "  - " << f.check << ": " << f.text << "\n";
  details << "  journal:\n";
  std::size_t shown = 0;
  for (const auto& e : seen.entries) {
    if (++shown > 30) {
      details << "    ... " << seen.entries.size() - 30 << " more\n";
      break;
    }
    details << "    " << LogLine(e) << "\n";
  }
  if (!proc.ok()) return;
  auto tail = [](const std::string& s) {
    return s.size() > 2000 ? "..." + s.substr(s.size() - 2000) : s;
  };
  details << "  client exit " << proc->exit_code << ", stdout:\n"
          << tail(proc->out) << "\n  stderr:\n"
          << tail(proc->err) << "\n";
}

// One scenario's run: the mock, the client's home, and what went wrong.
struct Run {
  Run(const Scenario& scenario, const RunOptions& options, MockServer& mock, std::string home_dir,
      std::string client_cwd)
      : sc(scenario),
        opts(options),
        server(mock),
        home(std::move(home_dir)),
        cwd(std::move(client_cwd)),
        setup(scenario.client) {}
  const Scenario& sc;
  const RunOptions& opts;
  MockServer& server;
  std::string home;
  std::string cwd;
  ClientSetup setup;
  runner::VerdictInput verdict;  // failed checks, declared or not
  std::ostringstream details;
  std::vector<StepReport> steps;
  std::uint64_t runs = 0;  // client runs so far: run-scoped faults count per run
};

StepReport& BeginStep(const Step& step, Run& run) {
  StepReport& report = run.steps.emplace_back();
  report.name = step.name;
  report.pointer = step.pointer;
  report.client_action = step.IsClientAction();
  return report;
}

// The client's command line: the adapter's command, a token given as an
// argument, then the action (ActionArgs), which the report shows too.
std::vector<std::string> ClientArgv(const Step& step, const Run& run, StepReport& report) {
  std::vector<std::string> argv = run.opts.adapter.command;
  for (const TokenSetup& token : run.setup.tokens) {
    if (token.source == TokenSetup::Source::kArgument)
      argv.push_back("--token=" + token.value);  // one argument, as ActionArgs' options
  }
  for (const auto& a : ActionArgs(step)) {
    argv.push_back(a);
    report.action += (report.action.empty() ? "" : " ") + a;
  }
  return argv;
}

void RunClientStep(const Step& step, Run& run) {
  MockServer& server = run.server;
  // The step's requests are those with a seq after this mark: by position
  // they would be lost once the journal's bound drops its oldest entries.
  const Journal::Mark before = server.journal().Now();
  const auto world_then = server.state().Snapshot();
  server.faults().BeginRun(++run.runs);
  PlaceTokenFiles(run.setup, run.home);
  StepReport& report = BeginStep(step, run);
  const std::vector<std::string> argv = ClientArgv(step, run, report);
  const int timeout = run.opts.step_timeout_seconds;
  const auto step_started = std::chrono::steady_clock::now();
  std::vector<runner::CheckFailure> step_failures;
  // The loader checked the scenario's env values; checked again here, where
  // the folder they name exists (a symlink in it could lead out).
  const Status env_ok = runner::CheckClientEnv(run.setup.env, run.cwd);
  if (!env_ok.ok()) step_failures.push_back({env_ok.message(), {}, "env"});
  const auto proc =
      env_ok.ok()
          ? runner::RunProcess(argv, ClientEnv(run.setup, server, run.home), run.cwd,
                               std::chrono::seconds(timeout),
                               runner::ContainmentFor(run.opts.contain, run.cwd, server.urls()))
          : StatusOr<runner::ProcessResult>(env_ok);
  // Responses are journaled once written: wait for those still in flight.
  if (!server.journal().WaitForIdle(std::chrono::seconds(10))) {
    step_failures.push_back(
        {"the mock still had responses in flight 10 s after the client ended", {}, "mock"});
  }
  Journal::Since since = server.journal().EntriesSince(before);
  runner::Observation seen;
  seen.entries = std::move(since.entries);
  seen.world = world_then.get();
  seen.hub_cache = run.home + "/hf/hub";
  seen.scenario_dir = run.cwd;
  // The checks share the step's deadline (hashing what the client left is
  // part of the step), with a little room when the client used it all.
  seen.deadline = std::max(step_started + std::chrono::seconds(timeout),
                           std::chrono::steady_clock::now() + std::chrono::seconds(10));
  ReadOutcome(proc, timeout, seen);
  const Adapter& adapter = run.opts.adapter;
  // A partial view would pass any wire expectation (no token seen, no range
  // twice): the step fails instead, and the wire is not checked.
  Step checked = step;
  if (since.missing > 0) {
    step_failures.push_back({runner::JournalDroppedText(since.missing, server.journal()),
                             {},
                             std::string(runner::kJournalDroppedCheck)});
    if (checked.expect) checked.expect->wire.reset();
  }
  for (auto& f : runner::CheckStep(checked, seen,
                                   runner::Caps{adapter.messages, adapter.cache_layout,
                                                adapter.metadata_by_head, adapter.resume}))
    step_failures.push_back(std::move(f));
  if (!proc.ok() && step_failures.empty())
    step_failures.push_back({proc.status().message(), {}, "client"});
  report.outcome = runner::OutcomeText(seen);
  if (!step_failures.empty() || run.opts.verbose)
    DescribeStep(step, argv, step_failures, seen, proc, run.details);
  report.entries = std::move(seen.entries);
  run.verdict.used.resize(adapter.expected_failures.size());
  for (auto& f : step_failures) {
    StepReport::Failure shown{f.text, f.seqs, f.check, ""};
    // A dropped journal is the run's limit, not the client's: never waived.
    const bool waivable = f.check != runner::kJournalDroppedCheck;
    if (auto i = waivable ? runner::FindWaiver(adapter, run.sc.name, step.name, f.check)
                          : std::nullopt) {
      shown.waived = adapter.expected_failures[*i].reason;
      run.verdict.used[*i] = true;
      run.verdict.waived.push_back({step.name, f.check, f.text, shown.waived});
    } else {
      run.verdict.failures.push_back(step.name + ": " + f.text);
    }
    report.failures.push_back(std::move(shown));
  }
}

StatusOr<std::unique_ptr<MockServer>> StartMock(const Scenario& sc, const std::string& tmp) {
  ServerOptions so;
  so.tls = sc.client.tls;
  so.tls_dir = tmp;
  so.cdn_flavour = sc.client.cdn;
  // The scenario's faults, parsed once, with counters of this server's own.
  so.faults = std::make_shared<FaultSet>();
  so.faults->Add(sc.faults);
  auto started = MockServer::Start(sc.world, so);
  if (!started) return Unavailable("cannot start the mock: " + started.status().message());
  return started;
}

// Every token value the scenario hands the client, longest first, so a
// token that contains another is redacted whole.
std::vector<std::string> PlacedTokens(const Scenario& sc) {
  std::set<std::string> values;
  auto add = [&](const ClientSetup& c) {
    for (const TokenSetup& t : c.tokens) {
      if (!t.value.empty()) values.insert(t.value);
    }
  };
  add(sc.client);
  for (const Step& step : sc.steps) {
    if (step.client) add(*step.client);
  }
  std::vector<std::string> out(values.begin(), values.end());
  std::sort(out.begin(), out.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

}  // namespace

ScenarioResult RunScenario(const Scenario& sc, const RunOptions& opts) {
  const auto started = std::chrono::steady_clock::now();
  ScenarioResult result;
  result.name = sc.name;
  result.file = sc.file;
  result.description = sc.description;
  const std::vector<std::string> tokens = PlacedTokens(sc);
  auto finish = [&](ScenarioResult::Status st, const std::string& reason) {
    result.status = st;
    result.reason = runner::WithoutTokens(reason, tokens);
    result.details = runner::WithoutTokens(result.details, tokens);
    for (auto& w : result.waived) w.text = runner::WithoutTokens(w.text, tokens);
    runner::RedactSteps(result.steps, tokens);
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
  auto server = StartMock(sc, tmp.path());
  if (!server) return finish(ScenarioResult::Status::kError, server.status().message());
  (*server)->journal().SetBound(opts.journal_max_entries, opts.journal_max_bytes);
  result.journal_max_entries = opts.journal_max_entries;
  result.journal_max_bytes = opts.journal_max_bytes;
  if (Status seeded = runner::SeedCache(home + "/hf/hub", sc.world, sc.client.cache);
      !seeded.ok()) {
    return finish(ScenarioResult::Status::kError, seeded.message());
  }
  Run run(sc, opts, **server, home, tmp.path());
  for (const Step& step : sc.steps) {
    if (step.IsClientAction()) {
      RunClientStep(step, run);
      continue;
    }
    StepReport& report = BeginStep(step, run);
    report.action = runner::HubChangeText(step);
    if (step.kind == Step::Kind::kClient) {
      if (step.client->tokens_given) run.setup.tokens = step.client->tokens;
      for (const auto& [k, v] : step.client->env) run.setup.env[k] = v;
    } else if (Status why = ApplyHubChange(step.change, (*server)->state()); !why.ok()) {
      report.failures.push_back({why.message(), {}, "step", ""});
      result.steps = std::move(run.steps);
      return finish(ScenarioResult::Status::kError, step.pointer + ": " + why.message());
    }
  }
  (*server)->Stop();
  result.details = run.details.str();
  result.steps = std::move(run.steps);
  result.waived = run.verdict.waived;
  const auto [status, reason] = runner::Decide(run.verdict, sc.name, opts.adapter);
  return finish(status, reason);
}

}  // namespace mockhub
