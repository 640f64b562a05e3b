// The fault verbs: one table whose rows each carry a verb's name, one-line
// doc, stage, combination rule, parser and apply function. A new verb is
// one row here, its parse and apply functions beside it, and its tests
// (plus its line in schema.json and in the README's verb table, which
// tests/mockhub/fault_verbs_test.cc ties to this table).
#include "mockhub/faults/fault_verbs.h"

#include <algorithm>

#include "mockhub/base/digest.h"

namespace mockhub {

using nlohmann::json;

bool FaultReader::Headers(const json& o, const std::string& ptr, HeaderList& out) {
  if (!o.is_object()) return Fail(ptr, "expected an object of header -> value");
  for (auto it = o.begin(); it != o.end(); ++it) {
    if (!it.value().is_string())
      return Fail(ptr + "/" + PointerToken(it.key()), "must be a string");
    const std::string& k = it.key();
    if (k.empty() || k.find_first_of(" :\r\n") != std::string::npos) {
      return Fail(ptr + "/" + PointerToken(k), "invalid header name");
    }
    if (it.value().get<std::string>().find_first_of("\r\n") != std::string::npos) {
      return Fail(ptr + "/" + PointerToken(k), "a header value cannot contain a line break");
    }
    out.emplace_back(k, it.value().get<std::string>());
  }
  return true;
}

namespace {

template <typename T>
const T& As(const std::any& params) {
  return *std::any_cast<T>(&params);
}

// --- status: replaces the site's answer ---------------------------------------

// {"code": 429, "headers": {"Retry-After": "2"}, "body": "text" | "body_base64": "..."}
bool ParseStatus(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  if (!c.Keys(p, ptr, {"code", "headers", "body", "body_base64"})) return false;
  std::uint64_t code = 0;
  if (!c.Uint(p, ptr, "code", code, true)) return false;
  // A 1xx is an interim answer: the response it stands for never comes, and
  // clients wait for it (or treat 101 as a protocol switch).
  if (code < 200 || code > 599)
    return c.Fail(ptr + "/code", "must be a final HTTP status (200-599): 1xx is an interim answer");
  HttpResponse res;
  res.status = static_cast<int>(code);
  if (p.contains("headers") && !c.Headers(p.at("headers"), ptr + "/headers", res.headers))
    return false;
  if (p.contains("body")) {
    if (!p.at("body").is_string()) return c.Fail(ptr + "/body", "must be a string");
    res.body = p.at("body").get<std::string>();
  }
  if (p.contains("body_base64")) {
    if (!p.at("body_base64").is_string() ||
        !Base64Decode(p.at("body_base64").get<std::string>(), res.body)) {
      return c.Fail(ptr + "/body_base64", "must be base64");
    }
  }
  if (!res.Has("Content-Type")) res.Set("Content-Type", "text/plain; charset=utf-8");
  params = std::move(res);
  return true;
}

void ApplyStatus(const std::any& params, StageCall& call) {
  *call.answer = As<HttpResponse>(params);
}

// --- relative_redirect: a relative 307 through the hop ------------------------

bool ParseNothing(FaultReader& c, const json& p, const std::string& ptr, std::any&) {
  return c.Keys(p, ptr, {});
}

void ApplyRelativeRedirect(const std::any&, StageCall& call) {
  HttpResponse res;
  res.status = 307;
  res.Set("Location", kHopPrefix + call.asked->target);
  res.Set("Content-Type", "text/plain; charset=utf-8");
  res.body = "Temporary Redirect. Redirecting to " + res.Get("Location");
  *call.answer = std::move(res);
}

// --- request stage --------------------------------------------------------------

// {"ms": 500}; as long as a stall at most
bool ParseDelay(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  std::uint64_t ms = 0;
  if (!c.Keys(p, ptr, {"ms"}) || !c.Uint(p, ptr, "ms", ms, true)) return false;
  params = ms;
  return ms <= kMaxStallMs || c.Fail(ptr + "/ms", "at most 120000");
}

// Delays add up, to kMaxStallMs in all.
void ApplyDelay(const std::any& params, StageCall& call) {
  const std::uint64_t ms = std::min(As<std::uint64_t>(params), kMaxStallMs - call.delayed_ms);
  call.delayed_ms += ms;
  if (ms) call.injector->Pause(ms);  // a server stopping answers all the same
}

void ApplyIgnoreRange(const std::any&, StageCall& call) {
  auto& h = call.request->headers;
  h.erase(std::remove_if(h.begin(), h.end(),
                         [](const auto& f) {
                           return HeaderNameEquals(f.first, "Range") ||
                                  HeaderNameEquals(f.first, "If-Range");
                         }),
          h.end());
}

// {"advance_clock": 3600} or any other hub change of a scenario step.
bool ParseStep(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  HubChange change;
  if (!ParseHubChange(c, p, ptr, change)) return false;
  params = std::move(change);
  return true;
}

void ApplyStep(const std::any& params, StageCall& call) {
  call.changes->push_back(As<HubChange>(params));
}

// --- headers stage --------------------------------------------------------------

struct HeaderEdit {
  std::string name;
  std::optional<std::string> value;  // nullopt: drop
};
using HeaderEdits = std::vector<HeaderEdit>;

bool ParseDropHeaders(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  if (!p.is_array() || p.empty()) return c.Fail(ptr, "expected a non-empty array of header names");
  HeaderEdits edits;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p[i].is_string()) return c.Fail(ptr + "/" + std::to_string(i), "must be a header name");
    edits.push_back({p[i].get<std::string>(), std::nullopt});
  }
  params = std::move(edits);
  return true;
}

bool ParseSetHeaders(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  HeaderList set;
  if (!c.Headers(p, ptr, set)) return false;  // {"X-Foo": "bar"}
  HeaderEdits edits;
  for (auto& [k, v] : set) edits.push_back({k, v});
  params = std::move(edits);
  return true;
}

// A value sets the header (replacing it), none drops it.
void ApplyHeaderEdits(const std::any& params, StageCall& call) {
  for (const HeaderEdit& edit : As<HeaderEdits>(params)) {
    if (edit.value)
      call.response->Set(edit.name, *edit.value);
    else
      call.response->Remove(edit.name);
  }
}

// --- body stage -------------------------------------------------------------------

struct Cut {
  std::optional<std::uint64_t> after;  // bytes
  std::optional<double> fraction;      // of the body length
  bool reset = false;
};

// {"after_bytes": N} | {"after_percent": P}, "mode": "close" | "reset"
bool ParseCut(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  if (!c.Keys(p, ptr, {"after_bytes", "after_percent", "mode"})) return false;
  if (p.contains("after_bytes") == p.contains("after_percent")) {
    return c.Fail(ptr, "needs exactly one of \"after_bytes\" or \"after_percent\"");
  }
  Cut cut;
  if (p.contains("after_bytes")) {
    std::uint64_t n = 0;
    if (!c.Uint(p, ptr, "after_bytes", n, true)) return false;
    cut.after = n;
  } else {
    const json& v = p.at("after_percent");
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() >= 100) {
      return c.Fail(ptr + "/after_percent", "must be a number in [0, 100)");
    }
    cut.fraction = v.get<double>() / 100.0;
  }
  std::string mode = "close";
  if (p.contains("mode")) {
    if (!p.at("mode").is_string()) return c.Fail(ptr + "/mode", "must be \"close\" or \"reset\"");
    mode = p.at("mode").get<std::string>();
  }
  if (mode != "close" && mode != "reset")
    return c.Fail(ptr + "/mode", "must be \"close\" or \"reset\"");
  cut.reset = mode == "reset";
  params = cut;
  return true;
}

// The connection closes (or is reset) short of Content-Length.
void ApplyCut(const std::any& params, StageCall& call) {
  BodyChunk& b = *call.chunk;
  if (b.phase != BodyChunk::Phase::kBefore) return;
  const Cut& cut = As<Cut>(params);
  const std::uint64_t at =
      cut.after ? *cut.after
                : static_cast<std::uint64_t>(*cut.fraction * static_cast<double>(b.body_length));
  if (b.offset < at) {
    b.n = std::min(b.n, at - b.offset);
    return;
  }
  if (cut.reset) call.injector->Reset();
  b.end = true;
}

struct Stall {
  std::uint64_t after = 0;
  std::uint64_t ms = 0;  // 0: until the client gives up (bounded by kMaxStallMs)
};

// {"after_bytes": N, "ms": M}; no "ms": until the client gives up
bool ParseStall(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  Stall s;
  if (!c.Keys(p, ptr, {"after_bytes", "ms"}) || !c.Uint(p, ptr, "after_bytes", s.after, true) ||
      !c.Uint(p, ptr, "ms", s.ms, false))
    return false;
  if (s.ms > kMaxStallMs) return c.Fail(ptr + "/ms", "at most 120000");
  params = s;
  return true;
}

// The first time the stall offset is reached, the body is held.
void ApplyStall(const std::any& params, StageCall& call) {
  BodyChunk& b = *call.chunk;
  if (b.phase != BodyChunk::Phase::kBefore || b.stalled) return;
  const Stall& s = As<Stall>(params);
  if (b.offset < s.after) {
    b.n = std::min(b.n, s.after - b.offset);
    return;
  }
  b.stalled = true;
  b.end = !call.injector->Stall(s.ms);
}

bool ParseThrottle(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  std::uint64_t bps = 0;
  if (!c.Keys(p, ptr, {"bytes_per_second"}) || !c.Uint(p, ptr, "bytes_per_second", bps, true))
    return false;
  params = bps;
  return bps > 0 || c.Fail(ptr + "/bytes_per_second", "must be at least 1");
}

// Small chunks, each sent when the rate says it is due.
void ApplyThrottle(const std::any& params, StageCall& call) {
  BodyChunk& b = *call.chunk;
  const std::uint64_t bps = As<std::uint64_t>(params);
  if (b.phase == BodyChunk::Phase::kBefore) {
    b.n = std::min<std::uint64_t>(b.n, std::max<std::uint64_t>(1, bps / 20));
    return;
  }
  if (b.phase != BodyChunk::Phase::kSent) return;
  const auto due = b.started + std::chrono::microseconds((b.offset + b.n) * 1000000 / bps);
  const auto wait =
      std::chrono::duration_cast<std::chrono::milliseconds>(due - std::chrono::steady_clock::now());
  if (wait.count() > 0) b.end = !call.injector->Pause(static_cast<std::uint64_t>(wait.count()));
}

struct Corruption {
  std::uint64_t offset = 0;  // in this response's body
  std::uint64_t length = 1;
};

bool ParseCorrupt(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  Corruption k;  // {"offset": N, "length": 1}
  if (!c.Keys(p, ptr, {"offset", "length"}) || !c.Uint(p, ptr, "offset", k.offset, true) ||
      !c.Uint(p, ptr, "length", k.length, false)) {
    return false;
  }
  if (k.length == 0) return c.Fail(ptr + "/length", "must be at least 1");
  params = k;
  return true;
}

void ApplyCorrupt(const std::any& params, StageCall& call) {
  BodyChunk& b = *call.chunk;
  if (b.phase != BodyChunk::Phase::kBytes) return;
  const Corruption& k = As<Corruption>(params);
  for (std::uint64_t i = std::max(k.offset, b.offset);
       i < std::min(k.offset + k.length, b.offset + b.n); ++i) {
    char& byte = b.data[i - b.offset];
    byte = static_cast<char>(byte ^ 0xff);
  }
}

// --- connection stage -------------------------------------------------------------

// {} | {"mode": "reset" (default) | "close"}
bool ParseRefuse(FaultReader& c, const json& p, const std::string& ptr, std::any& params) {
  if (!c.Keys(p, ptr, {"mode"})) return false;
  std::string mode = "reset";
  if (!c.Str(p, ptr, "mode", mode)) return false;
  if (mode != "close" && mode != "reset")
    return c.Fail(ptr + "/mode", "must be \"reset\" or \"close\"");
  params = mode == "reset";
  return true;
}

void ApplyRefuse(const std::any& params, StageCall& call) {
  call.injector->Refuse(As<bool>(params));
  call.taken = true;
}

}  // namespace

// Every fault verb: the one table that knows them. How several matching
// faults combine (scenarios/README.md, "Faults"): the first status (or
// relative_redirect) replaces the answer; delays add up; header edits,
// corruptions and steps accumulate in fault order; for cut, stall, throttle
// and refuse the first matching fault wins.
const std::vector<VerbRow>& VerbTable() {
  using S = FaultStage;
  using C = Combine;
  static const std::vector<VerbRow> kTable = {
      {"status", "answer with this status, headers and body instead of the site", S::kAnswer,
       C::kFirstOfStage, &ParseStatus, &ApplyStatus},
      {"delay", "wait before sending the response headers", S::kRequest, C::kEach, &ParseDelay,
       &ApplyDelay},
      {"throttle", "send the body at most this many bytes per second", S::kBody, C::kFirstOfVerb,
       &ParseThrottle, &ApplyThrottle},
      {"cut", "end the body after N bytes or a percentage: clean close or TCP reset", S::kBody,
       C::kFirstOfVerb, &ParseCut, &ApplyCut},
      {"stall", "stop sending after N bytes for a while (or until the client gives up)", S::kBody,
       C::kFirstOfVerb, &ParseStall, &ApplyStall},
      {"corrupt", "flip bytes of the body at an offset", S::kBody, C::kEach, &ParseCorrupt,
       &ApplyCorrupt},
      {"ignore_range", "ignore Range/If-Range: send 200 with the whole body", S::kRequest, C::kEach,
       &ParseNothing, &ApplyIgnoreRange},
      {"drop_headers", "remove response headers (a proxy that strips X-Repo-Commit)", S::kHeaders,
       C::kEach, &ParseDropHeaders, &ApplyHeaderEdits},
      {"set_headers", "add or replace response headers", S::kHeaders, C::kEach, &ParseSetHeaders,
       &ApplyHeaderEdits},
      {"relative_redirect",
       "answer a relative 307 to the same resource through /_mockhub/hop/, a hop without the "
       "metadata headers",
       S::kAnswer, C::kFirstOfStage, &ParseNothing, &ApplyRelativeRedirect},
      {"refuse",
       "no answer: the connection is reset (or closed) once the request is read, as a host that "
       "is down or a dropped connection",
       S::kConnection, C::kFirstOfVerb, &ParseRefuse, &ApplyRefuse},
      {"step",
       "apply a hub change (a scenario step such as advance_clock) once the request's answer is "
       "decided",
       S::kRequest, C::kEach, &ParseStep, &ApplyStep},
  };
  return kTable;
}

const HubChange* StepOf(const FaultVerb& effect) {
  if (!effect.row || effect.row->apply != &ApplyStep) return nullptr;
  return std::any_cast<HubChange>(effect.params.get());
}

const VerbRow* FindVerb(const std::string& name) {
  for (const VerbRow& v : VerbTable()) {
    if (name == v.name) return &v;
  }
  return nullptr;
}

}  // namespace mockhub
