// The live fault set: which faults a request selects (site, method, path,
// request headers, run, attempt), their counters, and the additions and
// removals the admin API makes while requests are served, all under one
// mutex; and how the verbs of the faults that fired combine into a plan.
// faults.cc parses faults; fault_plan.cc applies a plan.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "mockhub/faults/fault_verbs.h"
#include "mockhub/faults/faults.h"

namespace mockhub {

namespace {

bool HeadersMatch(const Fault& f, const HeaderList& headers) {
  for (const HeaderSelector& sel : f.headers) {
    bool present = false, matched = false;
    for (const auto& [name, value] : headers) {
      if (!HeaderNameEquals(name, sel.name)) continue;
      present = true;
      matched = matched || (sel.glob && GlobMatch(*sel.glob, value));
    }
    if (sel.glob ? !matched : present) return false;
  }
  return true;
}

bool InRun(const Fault& f, std::uint64_t run) {
  return f.runs.empty() || std::find(f.runs.begin(), f.runs.end(), run) != f.runs.end();
}

// Adds a fired fault's verb to the plan under its row's combination rule.
void AddVerb(FaultPlan& plan, const FaultVerb& v) {
  for (const FaultVerb& had : plan.verbs) {
    if (v.row->combine == Combine::kFirstOfVerb && had.row == v.row) return;
    if (v.row->combine == Combine::kFirstOfStage && had.row->combine == Combine::kFirstOfStage &&
        had.row->stage == v.row->stage)
      return;
  }
  plan.verbs.push_back(v);
}

// Within the body stage the verbs apply in table order (a cut before a
// stall at the same offset, as the body writer always did); elsewhere in
// fault order (header edits, in particular).
void OrderBodyVerbs(FaultPlan& plan) {
  const VerbRow* table = VerbTable().data();
  auto key = [table](const FaultVerb& v) {
    return v.row->stage == FaultStage::kBody ? v.row - table : 0;
  };
  std::stable_sort(plan.verbs.begin(), plan.verbs.end(),
                   [&](const FaultVerb& a, const FaultVerb& b) { return key(a) < key(b); });
}

bool Selected(const Fault& f, std::uint64_t attempt) {
  switch (f.when) {
    case Fault::When::kAlways:
      return true;
    case Fault::When::kFirst:
      return attempt <= f.when_n;
    case Fault::When::kOnly:
      return std::find(f.only.begin(), f.only.end(), attempt) != f.only.end();
    case Fault::When::kEvery:
      return attempt % f.when_n == 0;
    case Fault::When::kAfter:
      return attempt > f.when_n;
  }
  return false;
}

}  // namespace

Loaded<std::shared_ptr<FaultSet>> FaultSet::FromJson(const nlohmann::json& faults,
                                                     const std::string& file,
                                                     const std::string& pointer) {
  auto parsed = Parse(faults, file, pointer);
  if (!parsed) return parsed.error();
  auto set = std::make_shared<FaultSet>();
  set->Add(std::move(parsed.value()));  // an empty set takes what Parse allows
  return set;
}

void FaultSet::SetCap(std::size_t cap) {
  std::lock_guard<std::mutex> lock(mu_);
  cap_ = std::min(cap, kMaxFaults);
}

std::size_t FaultSet::cap() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cap_;
}

std::optional<std::vector<std::string>> FaultSet::Add(std::vector<Fault> faults) {
  std::lock_guard<std::mutex> lock(mu_);
  if (faults_.size() > cap_ || faults.size() > cap_ - faults_.size()) return std::nullopt;
  std::vector<std::string> ids;
  for (Fault& f : faults) {
    ids.push_back("f" + std::to_string(next_id_++));
    faults_.push_back({ids.back(), std::make_shared<const Fault>(std::move(f)), FaultState{}});
  }
  return ids;
}

bool FaultSet::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it =
      std::find_if(faults_.begin(), faults_.end(), [&](const Entry& e) { return e.id == id; });
  if (it == faults_.end()) return false;
  faults_.erase(it);
  return true;
}

void FaultSet::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

std::vector<ListedFault> FaultSet::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ListedFault> out;
  for (const Entry& e : faults_) {
    ListedFault l;
    static_cast<FaultState&>(l) = e.state;
    l.id = e.id;
    l.source = e.fault->source;
    l.fault = e.fault;
    out.push_back(std::move(l));
  }
  return out;
}

std::size_t FaultSet::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_.size();
}

void FaultSet::BeginRun(std::uint64_t run) {
  std::lock_guard<std::mutex> lock(mu_);
  run_ = run;
  for (Entry& e : faults_) {
    if (!e.fault->runs.empty()) e.state.attempts = 0;
  }
}

FaultPlan FaultSet::Plan(const std::string& site, const std::string& method,
                         const std::string& path, const HeaderList& headers) {
  FaultPlan plan;
  std::lock_guard<std::mutex> lock(mu_);
  for (Entry& e : faults_) {
    const Fault& f = *e.fault;
    if (!f.site.empty() && f.site != site) continue;
    if (!f.method.empty() && f.method != method) continue;
    if (!InRun(f, run_) || !GlobMatch(f.path, path) || !HeadersMatch(f, headers)) continue;
    if (!Selected(f, ++e.state.attempts)) continue;
    ++e.state.fired;
    AddVerb(plan, f.effect);
    plan.fired.push_back("fault:" + f.verb);
  }
  OrderBodyVerbs(plan);
  return plan;
}

}  // namespace mockhub
