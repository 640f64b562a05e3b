// Journal entries from the glue's requests and answers: what is recorded of
// a request when it arrives (redacted, clipped by the journal), of its
// answer, and of a request refused before any route saw it. Plain functions,
// so server.cc keeps only the moving of bytes.
#pragma once

#include <cstdint>
#include <string>

#include "mockhub/http/http_types.h"
#include "mockhub/http/journal.h"

namespace mockhub {

// The X-Request-Id: the request's X-Amzn-Trace-Id when sent (and short),
// else one derived from the clock and the sequence number.
std::string RequestId(const HttpRequest& request, std::uint64_t seq, double now);

// `target` is the raw request target as sent (a hop's included).
JournalEntry StartEntry(const std::string& site, const HttpRequest& request,
                        const std::string& target, int remote_port, std::uint64_t seq, double now);

void RecordAnswer(const HttpResponse& response, JournalEntry& entry);

// A head refused by the wire layer (malformed, oversized, unknown method).
JournalEntry RefusalEntry(const std::string& site, const std::string& method,
                          const std::string& target, int status, const std::string& message,
                          int remote_port, std::uint64_t seq, double now);

}  // namespace mockhub
