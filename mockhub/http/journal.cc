// The request journal (see journal.h).
#include "mockhub/http/journal.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace mockhub {

bool JournalEntry::HasFlag(const std::string& f) const {
  return std::find(flags.begin(), flags.end(), f) != flags.end();
}

// Only a known scheme ("Bearer", "Basic", any case) is kept verbatim; any
// other value is one credential, however many spaces it holds, so
// "hf_bob hf_alice" shows "hf_b…" and never a second token's start.
std::string RedactAuthorization(const std::string& value) {
  if (value.empty()) return "";
  std::string scheme, cred = value;
  const auto sp = value.find(' ');
  if (sp != std::string::npos) {
    std::string word = value.substr(0, sp);
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word == "bearer" || word == "basic") {
      scheme = value.substr(0, sp + 1);
      cred = value.substr(sp + 1);
    }
  }
  // At most 6 characters and never more than half of the credential, so a
  // short token is not shown whole; only printable ASCII, so the log stays
  // one line.
  std::string shown;
  for (char c : cred.substr(0, std::min<std::size_t>(6, cred.size() / 2))) {
    shown += (c >= 0x21 && c < 0x7f) ? c : '?';
  }
  return scheme + shown + "…";
}

namespace {

void Clip(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  s.resize(max);
  s += "…";
  s.shrink_to_fit();  // the byte bound counts capacity
}

// Bounds every text field an entry copies from a request or an answer.
void ClipEntry(JournalEntry& e) {
  Clip(e.target, Journal::kMaxTarget);
  Clip(e.location, Journal::kMaxTarget);
  for (std::string* f :
       {&e.server, &e.method, &e.authorization, &e.range, &e.if_range, &e.user_agent, &e.request_id,
        &e.content_range, &e.error_code, &e.error_message, &e.retry_after}) {
    Clip(*f, Journal::kMaxField);
  }
  if (e.flags.size() > Journal::kMaxFlags) e.flags.resize(Journal::kMaxFlags);
  for (auto& f : e.flags) Clip(f, 128);
}

// Roughly what an entry holds in memory.
std::size_t Footprint(const JournalEntry& e) {
  std::size_t n = sizeof(JournalEntry);
  for (const std::string* f : {&e.server, &e.method, &e.target, &e.authorization, &e.range,
                               &e.if_range, &e.user_agent, &e.request_id, &e.location,
                               &e.content_range, &e.error_code, &e.error_message, &e.retry_after})
    n += f->capacity();
  for (const auto& f : e.flags) n += sizeof(std::string) + f.capacity();
  return n;
}

// Request text may be invalid UTF-8: replaced in the JSON, never a throw.
std::string Dump(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::uint64_t Journal::NextSeq() {
  std::lock_guard<std::mutex> lock(mu_);
  return ++seq_;
}

void Journal::Add(JournalEntry e) {
  ClipEntry(e);
  std::lock_guard<std::mutex> lock(mu_);
  bytes_ += Footprint(e);
  // Entries arrive when responses finish; keep them in arrival order.
  auto it = std::upper_bound(entries_.begin(), entries_.end(), e.seq,
                             [](std::uint64_t s, const JournalEntry& x) { return s < x.seq; });
  entries_.insert(it, std::move(e));
  ++recorded_;
  while (entries_.size() > max_entries_ || (bytes_ > max_bytes_ && entries_.size() > 1)) {
    bytes_ -= Footprint(entries_.front());
    entries_.pop_front();
    ++dropped_;
  }
  added_.notify_all();
}

bool Journal::WaitForIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return added_.wait_for(lock, timeout, [&] { return recorded_ >= seq_; });
}

bool Journal::WaitForCount(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return added_.wait_for(lock, timeout, [&] { return entries_.size() >= n; });
}

std::vector<JournalEntry> Journal::Entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {entries_.begin(), entries_.end()};
}

std::vector<JournalEntry> Journal::EntriesAfter(std::uint64_t after, std::size_t max) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::upper_bound(entries_.begin(), entries_.end(), after,
                             [](std::uint64_t s, const JournalEntry& x) { return s < x.seq; });
  std::vector<JournalEntry> out;
  for (; it != entries_.end() && out.size() < max; ++it) out.push_back(*it);
  return out;
}

Journal::Mark Journal::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {seq_, recorded_};
}

// Every request gets a seq on arrival and exactly one entry when its answer
// is done, so the entries recorded since the mark, less those of the
// requests still in flight at the mark (which arrived before it), are this
// window's; whichever of them is not held any more was dropped or cleared.
Journal::Since Journal::EntriesSince(const Mark& mark) const {
  std::lock_guard<std::mutex> lock(mu_);
  Since out;
  auto it = std::upper_bound(entries_.begin(), entries_.end(), mark.seq,
                             [](std::uint64_t s, const JournalEntry& x) { return s < x.seq; });
  out.entries.assign(it, entries_.end());
  const std::uint64_t in_flight_then = mark.seq > mark.recorded ? mark.seq - mark.recorded : 0;
  const std::uint64_t recorded_since = recorded_ - mark.recorded;
  const std::uint64_t ours = recorded_since > in_flight_then ? recorded_since - in_flight_then : 0;
  if (ours > out.entries.size()) out.missing = ours - out.entries.size();
  return out;
}

void Journal::SetBound(std::size_t max_entries, std::size_t max_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  max_entries_ = std::max<std::size_t>(1, max_entries);
  max_bytes_ = max_bytes;
}

std::size_t Journal::max_entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_entries_;
}

std::size_t Journal::max_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_bytes_;
}

std::uint64_t Journal::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void Journal::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  bytes_ = 0;
}

nlohmann::json ToJson(const JournalEntry& e) {
  nlohmann::json j{{"seq", e.seq},
                   {"time", e.time},
                   {"server", e.server},
                   {"method", e.method},
                   {"target", e.target},
                   {"status", e.status},
                   {"bytes_sent", e.bytes_sent},
                   {"duration_ms", e.duration_ms},
                   {"connection", e.connection},
                   {"flags", e.flags}};
  nlohmann::json req = nlohmann::json::object();
  if (!e.authorization.empty()) req["authorization"] = e.authorization;
  if (!e.range.empty()) req["range"] = e.range;
  if (!e.if_range.empty()) req["if-range"] = e.if_range;
  if (!e.user_agent.empty()) req["user-agent"] = e.user_agent;
  j["request_headers"] = req;
  nlohmann::json res{{"x-request-id", e.request_id}};
  if (!e.location.empty()) res["location"] = e.location;
  if (!e.content_range.empty()) res["content-range"] = e.content_range;
  if (!e.error_code.empty()) res["x-error-code"] = e.error_code;
  if (!e.error_message.empty()) res["x-error-message"] = e.error_message;
  if (!e.retry_after.empty()) res["retry-after"] = e.retry_after;
  j["response_headers"] = res;
  return j;
}

nlohmann::json Journal::ToJson() const {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : Entries()) arr.push_back(mockhub::ToJson(e));
  return arr;
}

bool WriteJournalJson(const Journal& journal,
                      const std::function<bool(const std::string&)>& write) {
  std::uint64_t after = 0;
  bool first = true;
  if (!write("[")) return false;
  for (;;) {
    const auto page = journal.EntriesAfter(after, 256);
    if (page.empty()) break;
    std::string text;
    for (const auto& e : page) {
      text += first ? "\n" : ",\n";
      text += Dump(mockhub::ToJson(e));
      first = false;
    }
    if (!write(text)) return false;
    after = page.back().seq;
  }
  return write(first ? "]" : "\n]");
}

std::string LogLine(const JournalEntry& e) {
  char head[96];
  std::snprintf(head, sizeof head, "#%llu %s %s ", static_cast<unsigned long long>(e.seq),
                e.server.c_str(), e.method.c_str());
  std::string line = head;
  line += e.target.size() > 160 ? e.target.substr(0, 157) + "..." : e.target;
  line += " -> " + std::to_string(e.status);
  if (!e.error_code.empty()) line += " " + e.error_code;
  line += " " + std::to_string(e.bytes_sent) + "B";
  char ms[32];
  std::snprintf(ms, sizeof ms, " %.1fms", e.duration_ms);
  line += ms;
  if (!e.authorization.empty()) line += " auth=" + e.authorization;
  if (!e.range.empty()) line += " range=" + e.range;
  for (const auto& f : e.flags) line += " !" + f;
  if (e.HasFlag("token_leak")) line += " (a token reached the CDN)";
  return line;
}

}  // namespace mockhub
