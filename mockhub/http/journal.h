// The request journal: what each server saw and answered, so tests and
// scenarios can assert wire behaviour (a token reached the CDN, a resume used
// Range: bytes=N-) independently of the client under test. Tokens are never
// stored whole: only their first 6 characters.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mockhub {

struct JournalEntry {
  std::uint64_t seq = 0;  // 1-based, shared by hub and cdn
  double time = 0;        // server clock at arrival, unix seconds (fractional)
  std::string server;     // the site that answered: a name of SiteNames()
  std::string method;
  std::string target;         // raw request target; signatures kept (they are not tokens)
  std::string authorization;  // "" or e.g. "Bearer hf_ali…" (redacted)
  std::string range;          // request Range header
  std::string if_range;
  std::string user_agent;
  std::string request_id;
  int status = 0;
  std::string location;
  std::string content_range;
  std::string error_code;        // X-Error-Code
  std::string error_message;     // X-Error-Message
  std::string retry_after;       // Retry-After
  std::uint64_t bytes_sent = 0;  // body bytes actually written
  double duration_ms = 0;
  std::uint64_t connection = 0;    // id of the TCP connection (peer port based)
  std::vector<std::string> flags;  // "token_leak", "fault:<verb>", "client_aborted"...

  bool HasFlag(const std::string& f) const;
};

// Redacts an Authorization header value: scheme kept, credential cut to its
// first 6 characters followed by "…".
std::string RedactAuthorization(const std::string& value);

class Journal {
 public:
  // A long-running `mockhub serve` under load must not grow without bound:
  // each text field is clipped (kMaxField bytes, the target kMaxTarget), and
  // beyond kMaxEntries entries or kMaxBytes in all (the default bound; see
  // SetBound) the oldest are dropped (and counted).
  static constexpr std::size_t kMaxEntries = 20000;
  static constexpr std::size_t kMaxBytes = 32u << 20;
  static constexpr std::size_t kMaxTarget = 4096;
  static constexpr std::size_t kMaxField = 1024;
  static constexpr std::size_t kMaxFlags = 16;

  // Where the journal stands: the last seq handed out and how many entries
  // were ever recorded (dropped and cleared ones included).
  struct Mark {
    std::uint64_t seq = 0;
    std::uint64_t recorded = 0;
  };
  // The requests that arrived after a Mark: the entries still held, in
  // order, and how many of theirs are gone (dropped by the bound, or
  // cleared). `missing` is exact when no response was in flight at the mark;
  // otherwise it is a lower bound.
  struct Since {
    std::vector<JournalEntry> entries;
    std::uint64_t missing = 0;
  };

  std::uint64_t NextSeq();
  void Add(JournalEntry e);
  Mark Now() const;
  Since EntriesSince(const Mark& mark) const;
  // Replaces the bound (kMaxEntries, kMaxBytes): tests lower it to show what
  // a reader does once the oldest entries are gone. Takes effect at the next
  // Add.
  void SetBound(std::size_t max_entries, std::size_t max_bytes);
  std::size_t max_entries() const;
  std::size_t max_bytes() const;
  std::vector<JournalEntry> Entries() const;
  // Up to `max` entries with a seq above `after`, in order: a reader pages
  // through a large journal without copying all of it.
  std::vector<JournalEntry> EntriesAfter(std::uint64_t after, std::size_t max) const;
  // An entry is added when its response has been written, a moment after the
  // client may have read it; waits until at least n entries are in, or the
  // timeout. Returns whether they are.
  [[nodiscard]] bool WaitForCount(std::size_t n, std::chrono::milliseconds timeout) const;
  // Waits until every request that has arrived has its entry (responses in
  // flight are done), or the timeout. Returns whether that happened.
  [[nodiscard]] bool WaitForIdle(std::chrono::milliseconds timeout) const;
  void Clear();
  nlohmann::json ToJson() const;
  std::uint64_t dropped() const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable added_;
  std::uint64_t seq_ = 0;       // requests that arrived
  std::uint64_t recorded_ = 0;  // entries added (never reset by Clear)
  std::deque<JournalEntry> entries_;
  std::size_t bytes_ = 0;  // sum of the entries' Footprint()
  std::uint64_t dropped_ = 0;
  std::size_t max_entries_ = kMaxEntries;
  std::size_t max_bytes_ = kMaxBytes;
};

nlohmann::json ToJson(const JournalEntry& e);
// The journal as a JSON array, one entry at a time: `write` gets pieces of
// text and returns false to stop.
bool WriteJournalJson(const Journal& journal, const std::function<bool(const std::string&)>& write);
// One compact line for the server log.
std::string LogLine(const JournalEntry& e);

}  // namespace mockhub
