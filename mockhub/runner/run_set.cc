// A set of scenario files through the runner: which files a run selects
// (--filter, --shard), the preflight of the client, and running them `jobs`
// at a time with the results kept in the order of the files. A file that
// does not load is a result too (an error naming the file and the JSON
// pointer), so CI reporters count it instead of losing it.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "mockhub/faults/faults.h"
#include "mockhub/runner/run_set.h"
#include "mockhub/runner/runner.h"
#include "process.h"

namespace mockhub {

namespace {

std::string Stem(const std::string& file) { return std::filesystem::path(file).stem().string(); }

ScenarioResult LoadAndRun(const std::string& file, const RunOptions& options) {
  auto scenario = LoadScenario(file);
  if (!scenario) return LoadFailure(scenario.error());
  return RunScenario(scenario.value(), options);
}

}  // namespace

ScenarioResult LoadFailure(const LoadError& error) {
  ScenarioResult r;
  r.name = Stem(error.file);
  r.file = error.file;
  r.status = ScenarioResult::Status::kError;
  r.did_not_load = true;
  r.reason = "does not load: " + error.ToString();
  return r;
}

std::vector<std::string> SelectScenarioFiles(const std::vector<std::string>& files,
                                             const std::string& filter, int shard, int shards) {
  std::vector<std::string> out;
  std::size_t index = 0;
  for (const auto& f : files) {
    if (!filter.empty() && !GlobMatch(filter, Stem(f))) continue;
    if (shards > 1 && static_cast<int>(index++ % static_cast<std::size_t>(shards)) != shard - 1)
      continue;
    out.push_back(f);
  }
  return out;
}

Status CheckClient(const Adapter& adapter) {
  if (adapter.command.empty()) return InvalidArgument("empty client command");
  std::map<std::string, std::string> env;
  if (const char* path = std::getenv("PATH")) env["PATH"] = path;
  return runner::CheckRunnable(adapter.command[0], env);
}

// Workers take the next file by index; whoever finishes the file that is
// next in order reports it and every finished one after it, under the lock,
// so `on_result` sees the input order one call at a time.
std::vector<ScenarioResult> RunScenarioFiles(
    const std::vector<std::string>& files, const RunOptions& options, int jobs,
    const std::function<void(const ScenarioResult&)>& on_result) {
  std::vector<ScenarioResult> results(files.size());
  std::vector<bool> done(files.size(), false);
  std::mutex mu;
  std::size_t next_report = 0;
  std::atomic<std::size_t> next_file{0};
  auto work = [&] {
    for (std::size_t i = next_file++; i < files.size(); i = next_file++) {
      ScenarioResult r = LoadAndRun(files[i], options);
      std::lock_guard<std::mutex> lock(mu);
      results[i] = std::move(r);
      done[i] = true;
      for (; next_report < files.size() && done[next_report]; ++next_report) {
        if (on_result) on_result(results[next_report]);
      }
    }
  };
  if (jobs <= 0) jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::size_t threads = std::min<std::size_t>(files.size(), static_cast<std::size_t>(jobs));
  if (threads <= 1) {
    work();
    return results;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace mockhub
