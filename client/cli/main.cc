// The hubget command line: parses arguments, calls the library, prints
// paths (or one JSON object as the last stdout line with --json) and maps
// error kinds to exit codes. No download logic lives here.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "doctor_output.h"
#include "download_args.h"
#include "hubget/client.h"
#include "hubget/curl_transport.h"
#include "hubget/environment.h"
#include "hubget/printable.h"
#include "hubget/progress.h"
#include "hubget_version.h"
#include "progress_output.h"

namespace {

using hubget::Kind;
using nlohmann::json;

int ExitCode(Kind kind) {
  switch (kind) {
    case Kind::kInvalidArgument:
      return 2;
    case Kind::kInvalidToken:
    case Kind::kTokenExpired:
      return 3;
    case Kind::kAuthRequired:
    case Kind::kGatedAuthRequired:
    case Kind::kGatedNotAuthorized:
    case Kind::kForbidden:
    case Kind::kDisabled:
      return 4;
    case Kind::kRepoNotFound:
    case Kind::kRevisionNotFound:
    case Kind::kEntryNotFound:
      return 5;
    case Kind::kRateLimited:
    case Kind::kServerError:
    case Kind::kNetwork:
    case Kind::kTimeout:
      return 6;
    case Kind::kIntegrity:
    case Kind::kNotAHub:
      return 7;
    case Kind::kOfflineNotCached:
      return 8;
    case Kind::kCancelled:
      return 130;
    case Kind::kHttp:
    case Kind::kIo:
      return 1;
  }
  return 1;
}

using hubget::EscapeControls;

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// Server text (error headers, Location, ETag) and file names are bytes, not
// always UTF-8: invalid sequences print as U+FFFD. json::dump() would throw
// and end the process, and --json must always print its one object.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The shape: "error" is the kind, "status" the HTTP status or null;
// the rest is what a person or a scenario runner needs to explain it.
json ErrorJson(const hubget::Error& e) {
  return {{"ok", false},
          {"error", hubget::KindName(e.kind)},
          {"status", e.reply.status == 0 ? json(nullptr) : json(e.reply.status)},
          {"message", e.Message()},
          {"error_code", NullIfEmpty(EscapeControls(e.reply.error_code))},
          {"request_id", NullIfEmpty(EscapeControls(e.reply.request_id))},
          {"url", NullIfEmpty(EscapeControls(e.call.url))},
          {"token_source", e.token.source.Name()}};
}

// Options accepted before the subcommand too (`hubget --json --token T
// download ...`, as the scenario runner calls it); merged into the
// subcommand's own.
struct Global {
  std::optional<std::string> token;
  bool no_token = false;
  std::optional<std::string> endpoint;
  bool json = false;
  bool quiet = false;
  bool no_xet = false;

  void AddTo(CLI::App* app) {
    auto* t = app->add_option("--token", token, "Token to send (default: HF_TOKEN, token file)");
    app->add_flag("--no-token", no_token, "Send no token at all")->excludes(t);
    app->add_option("--endpoint", endpoint,
                    "Hub endpoint (default: HF_ENDPOINT or huggingface.co)");
    app->add_flag("--json", json, "Print one JSON object as the last stdout line");
    app->add_flag("--quiet", quiet, "No progress output");
    app->add_flag("--no-xet", no_xet,
                  "Download Xet files through the bridge URL (as HF_HUB_DISABLE_XET=1)");
  }
};

struct Common {
  std::optional<std::string> token;
  bool no_token = false;
  std::optional<std::string> endpoint;
  std::optional<std::string> cache_dir;
  std::string repo_type = "model";
  bool json = false;
  bool quiet = false;
  bool no_xet = false;
  int max_workers = 0;

  void AddTo(CLI::App* app, bool with_cache, bool with_repo_type = true) {
    auto* t = app->add_option("--token", token, "Token to send (default: HF_TOKEN, token file)");
    app->add_flag("--no-token", no_token, "Send no token at all")->excludes(t);
    app->add_option("--endpoint", endpoint,
                    "Hub endpoint (default: HF_ENDPOINT or huggingface.co)");
    if (with_repo_type) {
      app->add_option("--repo-type", repo_type, "model (default), dataset or space")
          ->check(CLI::IsMember({"model", "dataset", "space"}));
    }
    app->add_flag("--json", json, "Print one JSON object as the last stdout line");
    app->add_flag("--quiet", quiet, "No progress output");
    app->add_flag("--no-xet", no_xet,
                  "Download Xet files through the bridge URL (as HF_HUB_DISABLE_XET=1)");
    if (with_cache) {
      app->add_option("--cache-dir", cache_dir,
                      "Cache directory (default: HF_HUB_CACHE, else $HF_HOME/hub)");
    }
  }
  void Merge(const Global& g) {
    if (!token && !no_token) {
      token = g.token;
      no_token = g.no_token;
    }
    if (!endpoint) endpoint = g.endpoint;
    json = json || g.json;
    quiet = quiet || g.quiet;
    no_xet = no_xet || g.no_xet;
  }
  hubget::ConfigOverrides Overrides() const {
    hubget::ConfigOverrides o;
    o.endpoint = endpoint;
    o.token.explicit_token = token;
    o.token.no_token = no_token;
    o.cache_dir = cache_dir;
    o.no_xet = no_xet;
    if (max_workers > 0) o.max_workers = max_workers;
    return o;
  }
  hubget::RepoType Type() const { return *hubget::ParseRepoType(repo_type); }
};

int Fail(const Common& c, const hubget::Error& e) {
  if (c.json) {
    std::cout << Dump(ErrorJson(e)) << std::endl;
  } else {
    // The kind first, unless the message already begins with it
    // ("cancelled: download of ..." would read "cancelled: cancelled: ...").
    const std::string kind = hubget::KindName(e.kind);
    const std::string message = e.Message();
    const bool says_kind = message.rfind(kind + ":", 0) == 0 || message == kind;
    std::cerr << "hubget: " << (says_kind ? "" : kind + ": ") << message << std::endl;
  }
  return ExitCode(e.kind);
}

void PrintWarnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "hubget: warning: " << EscapeControls(w) << std::endl;
}

// After a failure: the error, then what the unfinished files kept (unless
// the bytes were thrown away as bad, or --quiet).
int FailDownload(const Common& c, const hubget::Error& e, hubget::cli::ProgressOutput& progress) {
  progress.Finish(false);
  const int rc = Fail(c, e);
  const std::string kept = progress.Kept();
  if (!c.quiet && !kept.empty() && e.kind != Kind::kIntegrity) {
    std::cerr << "hubget: " << kept << std::endl;
  }
  return rc;
}

std::uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(n);
}

// `hubget download`'s arguments, as parsed.
struct DownloadCmd {
  Common c;
  std::string repo;
  std::string revision = "main";
  std::string local_dir;
  std::vector<std::string> files, include, exclude;
  bool force = false;
  bool dry_run = false;
};

hubget::SnapshotOptions SnapshotOptionsFor(const DownloadCmd& d,
                                           const hubget::cli::DownloadPlan& plan) {
  hubget::SnapshotOptions o;
  o.repo_type = d.c.Type();
  o.revision = d.revision;
  o.include = plan.include;
  o.exclude = plan.exclude;
  o.local_dir = d.local_dir;
  o.max_workers = d.c.max_workers;
  o.force = d.force;
  return o;
}

// --dry-run: what would be fetched, with sizes; nothing is.
int DryRun(const DownloadCmd& d, const hubget::cli::DownloadPlan& plan,
           const hubget::SnapshotOptions& o) {
  hubget::Client client = hubget::Client::FromEnvironment(d.c.Overrides());
  auto r = client.DryRun(d.repo, o, plan.snapshot ? std::vector<std::string>{} : plan.files);
  if (!r) return Fail(d.c, r.error());
  std::uint64_t bytes = 0;
  int fetched = 0;
  json files = json::array();
  for (const auto& f : r->files) {
    if (!f.cached) bytes += f.size;
    fetched += f.cached ? 0 : 1;
    files.push_back({{"path", f.path}, {"size", f.size}, {"cached", f.cached}});
  }
  if (d.c.json) {
    std::cout << Dump(json(
                     {{"ok", true}, {"dry_run", true}, {"commit", r->commit}, {"files", files}}))
              << std::endl;
    return 0;
  }
  std::cout << "[dry-run] would download " << fetched << " of " << r->files.size() << " files, "
            << hubget::progress::FormatSize(bytes) << " (commit " << r->commit << ")\n";
  for (const auto& f : r->files) {
    std::cout << "  " << (f.cached ? "cached  " : "fetch   ") << EscapeControls(f.path) << "  "
              << hubget::progress::FormatSize(f.size) << "\n";
  }
  return 0;
}

int Download(const DownloadCmd& d) {
  const Common& c = d.c;
  hubget::cli::DownloadArgs args{d.files, d.include, d.exclude, !d.local_dir.empty(),
                                 c.cache_dir.has_value()};
  const hubget::cli::DownloadPlan plan = hubget::cli::PlanDownload(args);
  if (!plan.refusal.empty())
    return Fail(c, hubget::MakeError(Kind::kInvalidArgument, plan.refusal));
  PrintWarnings(plan.warnings);
  std::vector<std::string> warnings = plan.warnings;
  hubget::SnapshotOptions o = SnapshotOptionsFor(d, plan);
  if (d.dry_run) return DryRun(d, plan, o);

  hubget::ProcessEnvironment env;
  hubget::Client client = hubget::Client::FromEnvironment(c.Overrides());
  const auto display = hubget::cli::ChooseDisplay(
      c.quiet, c.json, hubget::IsTruthy(env.Get("HF_HUB_DISABLE_PROGRESS_BARS")),
      ::isatty(STDERR_FILENO) != 0, env.Get("TERM").value_or(""));
  const std::atomic<bool>* cancel = hubget::cli::CancelOnInterrupt();
  hubget::cli::ProgressOutput progress(display, !c.quiet);
  // A wait between retries is said, and Ctrl-C ends it at once (exit 130,
  // the partial files kept and reported).
  client.SetInterrupt(cancel);
  client.SetRetryWaitCallback([&progress](const hubget::RetryWaitNotice& n) {
    progress.Notice("hubget: " + EscapeControls(hubget::DescribeRetryWait(n)));
  });
  json out = {{"ok", true}};
  json paths = json::array();
  json xet_paths = json::array();  // the entries of `paths` fetched through Xet in this run
  std::vector<std::string> shown;  // stdout lines, printed once stderr is free again

  if (plan.snapshot) {
    o.progress = progress.Progress();
    o.plan = progress.Plan();
    o.file_done = progress.FileDone();
    o.cancel = cancel;
    auto r = client.Snapshot(d.repo, o);
    if (!r) return FailDownload(c, r.error(), progress);
    warnings.insert(warnings.end(), r->warnings.begin(), r->warnings.end());
    for (const auto& f : r->files) {
      paths.push_back(f.local);
      if (f.xet) xet_paths.push_back(f.local);
    }
    out["snapshot"] = r->folder;
    out["commit"] = r->commit;
    shown.push_back(r->folder);
  } else {
    std::string commit;
    if (plan.files.size() > 1) progress.Plan()(static_cast<int>(plan.files.size()), 0);
    for (const auto& f : plan.files) {
      hubget::DownloadOptions fo;
      fo.repo_type = c.Type();
      fo.revision = d.revision;
      fo.local_dir = d.local_dir;
      fo.force = d.force;
      fo.progress = progress.Progress();
      fo.cancel = cancel;
      auto r = client.Download(d.repo, f, fo);
      if (!r) return FailDownload(c, r.error(), progress);
      progress.FileDone()(f, FileSize(r->path), r->from_cache);
      for (const auto& w : r->warnings) warnings.push_back(w);
      paths.push_back(r->path);
      if (r->xet) xet_paths.push_back(r->path);
      if (!r->commit.empty()) commit = r->commit;
      shown.push_back(r->path);
    }
    out["commit"] = NullIfEmpty(commit);
  }
  progress.Finish(true);
  PrintWarnings(
      {warnings.begin() + static_cast<std::ptrdiff_t>(plan.warnings.size()), warnings.end()});
  if (!c.json) {
    for (const auto& p : shown) std::cout << EscapeControls(p) << std::endl;
  }
  out["paths"] = paths;
  out["xet"] = !xet_paths.empty();
  out["xet_paths"] = xet_paths;
  out["token_source"] = client.config().token.source.Name();
  out["warnings"] = warnings;
  if (c.json) std::cout << Dump(out) << std::endl;
  return 0;
}

// Outside a download (info, whoami) a wait is said on stderr, where
// nothing else is drawn.
void SayWaits(hubget::Client& client, const Common& c) {
  if (c.quiet) return;
  client.SetRetryWaitCallback([](const hubget::RetryWaitNotice& n) {
    std::cerr << "hubget: " << EscapeControls(hubget::DescribeRetryWait(n)) << std::endl;
  });
}

int Info(const Common& c, const std::string& repo, const std::string& revision) {
  hubget::Client client = hubget::Client::FromEnvironment(c.Overrides());
  SayWaits(client, c);
  auto r = client.Info(repo, c.Type(), revision);
  if (!r) return Fail(c, r.error());
  if (c.json) {
    const json out = {{"ok", true},
                      {"id", r->id},
                      {"sha", r->sha},
                      {"commit", r->sha},
                      {"private", r->is_private},
                      {"gated", r->gated.empty() ? json(false) : json(r->gated)},
                      {"disabled", r->disabled},
                      {"files", r->files},
                      {"token_source", client.config().token.source.Name()}};
    std::cout << Dump(out) << std::endl;
    return 0;
  }
  // Text from the server: shown, never obeyed by the terminal.
  std::cout << "id:      " << EscapeControls(r->id) << "\nsha:     " << EscapeControls(r->sha)
            << "\nprivate: " << (r->is_private ? "yes" : "no")
            << "\ngated:   " << (r->gated.empty() ? "no" : EscapeControls(r->gated))
            << "\nfiles:\n";
  for (const auto& f : r->files) std::cout << "  " << EscapeControls(f) << "\n";
  return 0;
}

int Whoami(const Common& c) {
  hubget::Client client = hubget::Client::FromEnvironment(c.Overrides());
  SayWaits(client, c);
  auto r = client.Whoami();
  if (!r) return Fail(c, r.error());
  const std::string source = client.config().token.source.Name();
  if (c.json) {
    std::cout << Dump(json({{"ok", true},
                            {"name", r->name},
                            {"orgs", r->orgs},
                            {"token_name", r->token_name},
                            {"token_role", r->token_role},
                            {"token_source", source}}))
              << std::endl;
    return 0;
  }
  std::cout << EscapeControls(r->name) << "\n";
  if (!r->orgs.empty()) {
    std::cout << "orgs:";
    for (const auto& o : r->orgs) std::cout << " " << EscapeControls(o);
    std::cout << "\n";
  }
  std::cout << "token: " << EscapeControls(r->token_name) << " (" << EscapeControls(r->token_role)
            << ") from " << client.config().token.source.Describe() << "\n";
  return 0;
}

int Doctor(const Common& c, const std::string& repo, const std::string& file) {
  hubget::ProcessEnvironment env;
  hubget::Client client = hubget::Client::FromEnvironment(c.Overrides());
  const hubget::DoctorReport report = client.Doctor(env, repo, c.Type(), file);
  if (c.json) {
    json findings = json::array();
    for (const auto& f : report.findings) {
      findings.push_back({{"level", hubget::LevelName(f.level)},
                          {"topic", f.topic},
                          {"text", EscapeControls(f.text)},
                          {"fix", NullIfEmpty(EscapeControls(f.fix))}});
    }
    std::cout << Dump(json({{"ok", report.ok()},
                            {"conclusion", EscapeControls(report.conclusion)},
                            {"conclusion_fix", NullIfEmpty(EscapeControls(report.conclusion_fix))},
                            {"findings", findings}}))
              << std::endl;
  } else {
    std::cout << hubget::cli::DoctorText(report, hubget::cli::DoctorWidth());
  }
  return report.ok() ? 0 : 1;
}

// For usage errors, which happen before CLI11 has set any flag.
bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--json") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hubget: download files and snapshots from the Hugging Face Hub into its cache"};
  app.set_version_flag("--version", "hubget " HUBGET_VERSION);
  app.require_subcommand(1);
  Global global;
  global.AddTo(&app);

  DownloadCmd dl_cmd;
  Common& dl_c = dl_cmd.c;
  auto* dl =
      app.add_subcommand("download", "Download files, folders or the whole snapshot of a repo");
  dl->add_option("repo", dl_cmd.repo, "Repo id, e.g. org/name")->required();
  dl->add_option("files", dl_cmd.files,
                 "Files to download, or folders ending in '/' (all files under them); none means "
                 "the whole snapshot");
  dl->add_option("--revision", dl_cmd.revision, "Branch, tag or commit (default: main)");
  dl->add_option("--include", dl_cmd.include,
                 "Glob of files to include (snapshot; repeat for more, e.g. --include '*.json')")
      ->allow_extra_args(false);  // `--include '*.json' config.json`: the file stays a file
  dl->add_option("--exclude", dl_cmd.exclude,
                 "Glob of files to exclude (snapshot; repeat for more)")
      ->allow_extra_args(false);
  dl->add_option("--local-dir", dl_cmd.local_dir,
                 "Place files in this folder instead of the cache (not with --cache-dir)");
  dl->add_option("--max-workers", dl_c.max_workers, "Files downloaded at once, 1-64 (default 8)")
      ->check(CLI::Range(1, 64));
  dl->add_flag("--force-download", dl_cmd.force, "Download even the files already cached");
  dl->add_flag("--dry-run", dl_cmd.dry_run,
               "Print what would be downloaded (sizes, cached or not); download nothing");
  dl_c.AddTo(dl, true);

  Common info_c;
  std::string info_repo, info_revision;
  auto* info = app.add_subcommand("info", "Show repo information");
  info->add_option("repo", info_repo, "Repo id, e.g. org/name")->required();
  info->add_option("--revision", info_revision, "Branch, tag or commit (default: the main branch)");
  info_c.AddTo(info, false);

  Common who_c;
  auto* who = app.add_subcommand("whoami", "Show which account the token belongs to");
  who_c.AddTo(who, false, false);

  Common doc_c;
  std::string doc_repo, doc_file;
  auto* doc = app.add_subcommand("doctor", "Diagnose token, endpoint, clock and access problems");
  doc->add_option("repo", doc_repo, "Repo id to check access to (optional)");
  doc->add_option("file", doc_file, "File of the repo to check (default: its first file)");
  doc_c.AddTo(doc, false);
  // Said once, under `hubget --help` (set last: subcommands copy the footer).
  app.footer(hubget::cli::kHelpFooter);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    if (rc == 0) return 0;
    if (WantsJson(argc, argv)) {
      hubget::Error err = hubget::MakeError(Kind::kInvalidArgument, e.what());
      std::cout << Dump(ErrorJson(err)) << std::endl;
    }
    return 2;
  }
  for (Common* c : {&dl_c, &info_c, &who_c, &doc_c}) c->Merge(global);
  if (*dl) return Download(dl_cmd);
  if (*info) return Info(info_c, info_repo, info_revision);
  if (*who) return Whoami(who_c);
  return Doctor(doc_c, doc_repo, doc_file);
}
