// `mockhub`: parses the command line and calls the library. Subcommands:
//   serve     run the mock hub and CDN until SIGINT/SIGTERM/SIGHUP
//   run       run scenario files against a downloader
//   validate  check scenario (and world) files without running them
// Exit codes: 0 success, 1 failure at run time, 2 bad input (arguments, world).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fstream>

#include "default_client.h"
#include "mockhub/runner/adapter.h"
#include "mockhub/runner/html_report.h"
#include "mockhub/runner/report.h"
#include "mockhub/runner/run_options.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/runner/scenario_result.h"
#include "mockhub/runner/step_request.h"
#include "mockhub/server/server.h"
#include "mockhub/sites/site.h"
#include "mockhub/world/world_json.h"
#include "mockhub_version.h"
#include "serve_startup.h"

namespace {

// What `serve` serves: the demo world, a world file, or a scenario's hub,
// faults, CDN flavour and TLS (its steps are not run). Steps can be posted.
mockhub::Loaded<mockhub::World> ServedWorld(const std::string& world_file,
                                            const std::string& scenario_file,
                                            mockhub::ServerOptions& opts) {
  opts.step_handler = mockhub::AnswerStepRequest;
  if (scenario_file.empty()) {
    return world_file.empty() ? mockhub::Loaded<mockhub::World>(mockhub::DemoWorld())
                              : mockhub::LoadWorldFile(world_file);
  }
  auto sc = mockhub::LoadScenario(scenario_file);
  if (!sc) return sc.error();
  opts.faults = std::make_shared<mockhub::FaultSet>();
  opts.faults->Add(sc->faults);
  opts.cdn_flavour = sc->client.cdn;
  opts.tls = opts.tls || sc->client.tls;
  for (const mockhub::ListedFault& f : opts.faults->List()) {
    if (!f.fault->runs.empty())
      std::cerr << "mockhub: fault " << f.id
                << " is scoped to \"runs\": it never fires under serve\n";
  }
  return std::move(sc->world);
}

// What `mockhub serve` was asked for on the command line.
struct ServeArgs {
  std::string world_file, scenario_file, cdn;
  mockhub::ServerOptions opts;
  mockhub::StartupOptions startup;
  bool exit_with_stdin = false;
};

// --exit-with-stdin: a parent that holds the write end of a pipe on our
// stdin takes the server with it when it dies, even by SIGKILL (the kernel
// closes its end): end of file stops the server as SIGTERM does, so it
// cleans up as on SIGTERM. What is written to the pipe is ignored.
void StopAtEndOfStdin() {
  char buf[256];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    break;
  }
  std::fprintf(stderr, "mockhub: stdin closed (--exit-with-stdin)\n");
  ::kill(::getpid(), SIGTERM);
}

int Serve(ServeArgs args) {
  const std::string& scenario_file = args.scenario_file;
  mockhub::ServerOptions& opts = args.opts;
  auto loaded = ServedWorld(args.world_file, scenario_file, opts);
  if (!loaded) {
    std::cerr << "mockhub: bad " << (scenario_file.empty() ? "world" : "scenario")
              << " file: " << loaded.error().ToString() << "\n";
    return 2;
  }
  if (!args.cdn.empty()) opts.cdn_flavour = mockhub::ParseCdnFlavour(args.cdn);
  // --background forks here: after loading (no thread yet), before the
  // servers' threads start; the parent returns once the child is ready.
  mockhub::ServeStartup startup(std::move(args.startup));
  if (const std::optional<int> parent_exit = startup.Detach()) return *parent_exit;
  static std::mutex log_mu;
  opts.log = [](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    std::fprintf(stderr, "%s\n", line.c_str());
  };
  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop = mockhub::StopSignals();
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  if (args.exit_with_stdin) std::thread(StopAtEndOfStdin).detach();
  auto started = mockhub::MockServer::Start(std::move(loaded.value()), std::move(opts));
  if (!started) {
    std::cerr << "mockhub: " << started.status().message() << "\n";
    // A port in use or an address that is not ours is the caller's input.
    return started.status().code() == mockhub::StatusCode::kUnavailable ? 2 : 1;
  }
  std::unique_ptr<mockhub::MockServer> server = std::move(*started);
  if (mockhub::Status ready = startup.Ready(*server); !ready.ok()) {
    std::cerr << "mockhub: " << ready.message() << "\n";
    server->Stop();
    return 2;
  }
  int sig = 0;
  sigwait(&stop, &sig);
  std::fprintf(stderr, "mockhub: %s, stopping\n", mockhub::StopSignalName(sig));
  server->Stop();
  return 0;
}

// The default client: see default_client.h for where hubget is looked for.
mockhub::Adapter DefaultAdapter() {
  mockhub::Adapter a;
  a.name = "hubget";
  a.command = {mockhub::DefaultHubget(), "--json"};
  return a;
}

std::vector<std::string> SplitCommand(const std::string& cmd) {
  std::vector<std::string> out;
  std::istringstream in(cmd);
  for (std::string part; in >> part;) out.push_back(part);
  return out;
}

struct RunArgs {
  std::vector<std::string> paths;
  std::string client, adapter, junit, html, filter;
  std::string shard;
  int timeout = 120;
  int jobs = 1;
  bool verbose = false;
  bool allow_empty = false;
  bool no_containment = false;
};

bool Passed(const mockhub::ScenarioResult& r) {
  return r.status == mockhub::ScenarioResult::Status::kPass ||
         r.status == mockhub::ScenarioResult::Status::kExpectedFail;
}

int Run(const RunArgs& args) {
  mockhub::RunOptions opts;
  opts.adapter = DefaultAdapter();
  opts.step_timeout_seconds = args.timeout;
  opts.verbose = args.verbose;
  opts.contain = !args.no_containment;
  if (!args.adapter.empty()) {
    auto a = mockhub::LoadAdapter(args.adapter);
    if (!a) {
      std::cerr << "mockhub: bad adapter: " << mockhub::TerminalText(a.error().ToString()) << "\n";
      return 2;
    }
    opts.adapter = a.value();
  }
  if (!args.client.empty()) {
    opts.adapter.command = SplitCommand(args.client);
    if (args.adapter.empty())
      opts.adapter.name = opts.adapter.command.empty() ? "?" : opts.adapter.command[0];
  }
  int shard = 0, shards = 1;
  if (!args.shard.empty() && (std::sscanf(args.shard.c_str(), "%d/%d", &shard, &shards) != 2 ||
                              shards < 1 || shard < 1 || shard > shards)) {
    std::cerr << "mockhub: --shard takes K/N with 1 <= K <= N\n";
    return 2;
  }
  auto collected = mockhub::CollectScenarioFiles(args.paths);
  if (!collected) {
    std::cerr << "mockhub: " << mockhub::TerminalText(collected.status().message()) << "\n";
    return 2;
  }
  // Bad set-up is one error up front, not one failure per scenario.
  if (mockhub::Status client = mockhub::CheckClient(opts.adapter); !client.ok()) {
    const bool default_client = args.client.empty() && args.adapter.empty();
    std::cerr << "mockhub: " << client.message()
              << (default_client ? " (build hubget, or name a client with MOCKHUB_HUBGET, "
                                   "--client or --adapter)"
                                 : "")
              << "\n";
    return 2;
  }
  const std::vector<std::string> files =
      mockhub::SelectScenarioFiles(*collected, args.filter, shard, shards);
  if (files.empty() && !args.allow_empty) {
    std::cerr << "mockhub: no scenario matched: " << collected->size() << " file(s) found";
    if (!args.filter.empty()) std::cerr << ", none named like --filter '" << args.filter << "'";
    if (shards > 1) std::cerr << ", none in shard " << args.shard;
    std::cerr << " (--allow-empty makes this a pass)\n";
    return 2;
  }
  const auto results =
      mockhub::RunScenarioFiles(files, opts, args.jobs, [&](const mockhub::ScenarioResult& r) {
        std::cerr << mockhub::FormatProgress(r, !Passed(r) || args.verbose);
      });
  // Said once per run, in every report: what the client could not do, or
  // what it could because this kernel (or --no-containment) did not stop it.
  const mockhub::ContainmentSummary containment = mockhub::DescribeContainment(opts);
  std::cout << "client: " << mockhub::TerminalText(opts.adapter.name)
            << "\ncontainment: " << containment.text << "\n"
            << mockhub::FormatTable(results);
  const std::string suite = "mockhub-" + opts.adapter.name;
  bool written = true;
  auto write = [&](const std::string& path, const std::string& text) {
    mockhub::Status w = mockhub::WriteFileAtomically(path, text);
    if (!w.ok()) std::cerr << "mockhub: " << w.message() << "\n";
    written = written && w.ok();
  };
  if (!args.junit.empty())
    write(args.junit, mockhub::FormatJUnit(results, suite, {{"containment", containment.text}}));
  if (!args.html.empty()) {
    write(args.html, mockhub::FormatHtml(results, "client " + opts.adapter.name,
                                         "containment: " + containment.text));
  }
  for (const auto& r : results) {
    if (r.did_not_load) return 2;
  }
  if (!written) return 1;
  for (const auto& r : results) {
    if (!Passed(r)) return 1;
  }
  return 0;
}

int Validate(const std::vector<std::string>& paths, bool worlds) {
  auto collected = worlds ? mockhub::StatusOr<std::vector<std::string>>(paths)
                          : mockhub::CollectScenarioFiles(paths);
  if (!collected) {
    std::cerr << "mockhub: " << mockhub::TerminalText(collected.status().message()) << "\n";
    return 2;
  }
  const std::vector<std::string>& files = *collected;
  int bad = 0;
  for (const auto& f : files) {
    std::string why;
    if (worlds) {
      auto w = mockhub::LoadWorldFile(f);
      if (!w) why = w.error().ToString();
    } else {
      // Every error of the file, one line each, so one run shows them all.
      for (const auto& e : mockhub::ScenarioErrors(f)) why += "error " + e.ToString() + "\n";
    }
    // File names and what a file holds are shown, never obeyed by the terminal.
    if (why.empty()) {
      std::cout << "ok " << mockhub::TerminalText(f) << "\n";
    } else {
      std::cout << mockhub::TerminalText(worlds ? "error " + why + "\n" : why, true);
      ++bad;
    }
  }
  return bad ? 2 : 0;
}

CLI::App* AddServeCommand(CLI::App& app, ServeArgs& a) {
  CLI::App* serve = app.add_subcommand("serve", "Serve a world (default: the embedded demo world)");
  auto* world_opt =
      serve->add_option("--world", a.world_file, "World file (JSON); see mockhub/README.md")
          ->check(CLI::ExistingFile);
  serve
      ->add_option("--scenario", a.scenario_file,
                   "Serve a scenario file's hub (world + patch), faults, CDN flavour and TLS; its "
                   "steps are not run (post them to /_mockhub/steps)")
      ->check(CLI::ExistingFile)
      ->excludes(world_opt);
  // --host/--port, --cdn-host/--cdn-port, ...: one pair per site, from its row.
  for (const mockhub::Site& site : mockhub::Sites()) {
    mockhub::SiteBinding& bind = a.opts.bind[site.name];
    const std::string flag = std::string("--") + site.flags.prefix;
    const std::string label = site.flags.label;
    serve->add_option(flag + "host", bind.host, label + " address: " + site.flags.host_note);
    serve->add_option(flag + "port", bind.port, label + " port; 0 picks a free one")
        ->check(CLI::Range(0, 65535));
  }
  serve->add_option("--cdn", a.cdn, "CDN flavour (overrides the world's)")
      ->check(CLI::IsMember({"cloudfront", "s3"}));
  serve->add_flag("--tls", a.opts.tls, "Serve HTTPS with a CA generated at start-up");
  serve->add_option("--tls-dir", a.opts.tls_dir, "Where to write ca.pem (default: a new temp dir)");
  serve->add_option("--env-file", a.startup.env_file,
                    "Once every site listens, write the variables and MOCKHUB_PID here "
                    "(atomically: temp file + rename)");
  auto* background = serve->add_flag(
      "--background", a.startup.background,
      "Once every site listens, print `export NAME='value'` lines (the variables and "
      "MOCKHUB_PID, for eval) and exit 0; the server keeps running detached until SIGTERM, "
      "SIGINT or SIGHUP (exit 2 if it fails to start)");
  serve
      ->add_option("--log-file", a.startup.log_file,
                   "With --background: append the request log here (default: /dev/null)")
      ->needs(background);
  serve
      ->add_flag("--exit-with-stdin", a.exit_with_stdin,
                 "Stop (as on SIGTERM) when stdin reaches its end: a parent holding a pipe to it "
                 "takes the server with it when it dies, even by SIGKILL")
      ->excludes(background);
  return serve;
}

CLI::App* AddRunCommand(CLI::App& app, RunArgs& a) {
  CLI::App* run = app.add_subcommand("run", "Run scenario files or folders against a downloader");
  run->footer(
      "Environment:\n  MOCKHUB_HUBGET  the default client's hubget; unset: the hubget beside this "
      "mockhub,\n                  else the one of its build tree, else hubget on PATH");
  run->add_option("paths", a.paths, "Scenario files or folders")->required();
  run->add_option("--client", a.client,
                  "Client command; the action's arguments are appended (default: hubget --json)");
  run->add_option("--adapter", a.adapter,
                  "Adapter file (JSON): command, messages, expected failures")
      ->check(CLI::ExistingFile);
  run->add_option("--junit", a.junit, "Write JUnit XML here");
  run->add_option("--html", a.html,
                  "Write an HTML report here: a table and each step's requests as a diagram");
  run->add_option("-j,--jobs", a.jobs, "Scenarios run at once (0: one per core)")
      ->check(CLI::Range(0, 256));
  run->add_flag("--allow-empty", a.allow_empty,
                "Exit 0 when no scenario is selected (default: exit 2)");
  run->add_option("--filter", a.filter, "Only scenarios whose name matches this glob");
  run->add_option("--shard", a.shard, "Run shard K of N (K/N)");
  run->add_option("--timeout", a.timeout, "Seconds a client step may take")
      ->check(CLI::Range(1, 3600));
  run->add_flag("--verbose", a.verbose, "Show every step's journal and client output");
  run->add_flag("--no-containment", a.no_containment,
                "Run clients without Landlock (debugging only: they may then write anywhere "
                "and connect anywhere)");
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mockhub: a mock Hugging Face Hub for reproducing download failures offline"};
  app.set_version_flag("--version", "mockhub " MOCKHUB_VERSION);
  app.require_subcommand(1);

  ServeArgs serve_args;
  CLI::App* serve = AddServeCommand(app, serve_args);
  RunArgs run_args;
  CLI::App* run = AddRunCommand(app, run_args);

  auto* validate =
      app.add_subcommand("validate", "Check scenario files (schema and meaning); exit 2 on errors");
  std::vector<std::string> validate_paths;
  bool validate_worlds = false;
  validate->add_option("paths", validate_paths, "Scenario files or folders")->required();
  validate->add_flag("--world", validate_worlds, "The files are world files, not scenarios");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (serve->parsed()) return Serve(std::move(serve_args));
  if (run->parsed()) return Run(run_args);
  if (validate->parsed()) return Validate(validate_paths, validate_worlds);
  return 2;
}
