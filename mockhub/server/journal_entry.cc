// What the glue records of each request and answer (see journal_entry.h).
#include "mockhub/server/journal_entry.h"

#include <cstdio>

namespace mockhub {

std::string RequestId(const HttpRequest& req, std::uint64_t seq, double now) {
  std::string trace = req.Header("X-Amzn-Trace-Id");
  if (!trace.empty() && trace.size() <= 256) return trace;
  char buf[64];
  std::snprintf(buf, sizeof buf, "Root=1-%08llx-%024llx", static_cast<unsigned long long>(now),
                static_cast<unsigned long long>(seq));
  return buf;
}

JournalEntry StartEntry(const std::string& site, const HttpRequest& req, const std::string& target,
                        int remote_port, std::uint64_t seq, double now) {
  JournalEntry entry;
  entry.seq = seq;
  entry.time = now;
  entry.server = site;
  entry.method = req.method;
  entry.target = target;
  entry.authorization = RedactAuthorization(req.Header("Authorization"));
  entry.range = req.Header("Range");
  entry.if_range = req.Header("If-Range");
  entry.user_agent = req.Header("User-Agent").substr(0, 200);
  entry.connection = static_cast<std::uint64_t>(remote_port);
  entry.request_id = RequestId(req, seq, now);
  return entry;
}

void RecordAnswer(const HttpResponse& res, JournalEntry& entry) {
  entry.status = res.status;
  entry.location = res.Get("Location");
  entry.content_range = res.Get("Content-Range");
  entry.error_code = res.Get("X-Error-Code");
  entry.error_message = res.Get("X-Error-Message");
  entry.retry_after = res.Get("Retry-After");
  entry.flags = res.flags;
}

JournalEntry RefusalEntry(const std::string& site, const std::string& method,
                          const std::string& target, int status, const std::string& message,
                          int remote_port, std::uint64_t seq, double now) {
  JournalEntry e;
  e.seq = seq;
  e.time = now;
  e.server = site;
  e.method = method;
  e.target = target;
  e.status = status;
  e.error_message = message;
  e.connection = static_cast<std::uint64_t>(remote_port);
  e.flags.push_back(status == 405 ? "unknown_method" : "malformed");
  return e;
}

}  // namespace mockhub
