// The xorb range GET with its retries. See xet_xorb_fetch.h.
#include "xet/xet_xorb_fetch.h"

#include <cctype>
#include <optional>

#include "http/redirects.h"

namespace hubget {
namespace {

bool Set(const std::atomic<bool>* flag) { return flag != nullptr && flag->load(); }

Verdict Finished(const FetchBudget& spent) {
  Verdict v;
  v.step = Step::kFinish;
  v.spent = spent;
  return v;
}

Verdict Failed(const FetchBudget& spent, std::optional<Error> error) {
  Verdict v;
  v.spent = spent;
  v.error = std::move(error);
  return v;
}

// hubget asks for identity: encoded bytes are not the chunk stream.
std::optional<Error> EncodingError(const HttpResponse& head) {
  std::string encoding = head.headers.Get("Content-Encoding");
  for (char& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto b = encoding.find_first_not_of(" \t");
  if (b == std::string::npos ||
      encoding.substr(b, encoding.find_last_not_of(" \t") - b + 1) == "identity") {
    return std::nullopt;
  }
  return MakeError(Kind::kNotAHub, "the " + std::to_string(head.status) +
                                       " answer to a xorb range GET has Content-Encoding: " +
                                       head.headers.Get("Content-Encoding") +
                                       " though hubget asked for identity");
}

class XorbGet {
 public:
  XorbGet(Session& session, const XetUnit& unit, const EmitBytes& emit, const UnitControl& control,
          const CallContext& ctx)
      : session_(session),
        unit_(unit),
        emit_(emit),
        control_(control),
        ctx_(ctx),
        url_(unit.fetch->url) {}

  Result<UnitOutcome> Run();

 private:
  struct Sent {
    Result<HttpResponse> result{Error{}};
    bool streamed = false;       // a 200 or a placed 206: the body went to the decoder
    bool misplaced = false;      // a 206 that does not start where asked
    std::optional<Error> error;  // the decoder's or emit's, or a range that ran over
  };
  Sent Send(TermDecoder& decoder);
  XorbAttempt Seen(const Sent& s, const TermDecoder& decoder, std::uint64_t before) const;
  // Carries out a verdict: an outcome, or nullopt to send again.
  std::optional<Result<UnitOutcome>> Apply(const XorbVerdict& v, const Sent& s);
  bool Cancelled() const { return control_.cancel.cancelled(); }
  Error Fail(Error e) const {
    if (e.kind == Kind::kIo) return e;  // the local file's, not the server's
    e = session_.Decorate(std::move(e), url_, ctx_);
    e.step = "Xet xorb download";
    return e;
  }

  Session& session_;
  const XetUnit& unit_;
  const EmitBytes& emit_;
  const UnitControl& control_;
  const CallContext& ctx_;
  std::string url_;
  std::uint64_t delivered_ = 0;  // kept bytes emitted so far
  FetchBudget budget_;
};

XorbGet::Sent XorbGet::Send(TermDecoder& decoder) {
  Sent s;
  const XetRange& bytes = unit_.fetch->bytes;
  HttpRequest req = session_.NewRequest("GET", url_);
  req.headers.Remove("Authorization");  // presigned: never a token
  req.headers.Add("Accept-Encoding", "identity");
  req.headers.Add("Range",
                  "bytes=" + std::to_string(bytes.start) + "-" + std::to_string(bytes.end));
  std::uint64_t skip = 0;  // a 200 is the whole xorb: drop what precedes the range
  // The range's own bytes: a body is read until the term is whole or the
  // range is exhausted, never to its end (an endless 206, a 200 that is the
  // whole xorb). Leaving early costs the connection, not the bytes.
  const std::uint64_t length = bytes.end - bytes.start + 1;
  std::uint64_t received = 0;
  req.on_head = [&](const HttpResponse& head) {
    if (head.status == 200 || head.status == 206) s.error = EncodingError(head);
    if (s.error) return true;  // refused by on_body at once
    if (head.status == 206) {
      const ContentRange cr = ParseContentRange(head.headers.Get("Content-Range"));
      s.misplaced = cr.start < 0 || static_cast<std::uint64_t>(cr.start) != bytes.start;
      s.streamed = !s.misplaced;
      return true;  // a misplaced body is refused by on_body at once
    }
    if (head.status != 200) return false;  // an error page or a redirect: collect it
    skip = bytes.start;
    s.streamed = true;
    return true;
  };
  req.on_body = [&](const char* data, std::size_t n) {
    if (s.error || s.misplaced || Set(control_.stop) || Cancelled()) return false;
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(skip, n));
    skip -= k;
    if (n == k) return true;
    const std::size_t use =
        static_cast<std::size_t>(std::min<std::uint64_t>(n - k, length - received));
    if (auto fed = decoder.Feed(data + k, use); !fed) {
      s.error = fed.error();
      return false;
    }
    received += use;
    if (decoder.complete()) return false;  // the term is whole: the rest stays unread
    if (use < n - k) {
      s.error = MakeError(
          Kind::kIntegrity,
          "the answer to a xorb range GET went on past the " + std::to_string(length) +
              " bytes asked for (bytes=" + std::to_string(bytes.start) + "-" +
              std::to_string(bytes.end) + ") without completing the term (chunks " +
              std::to_string(unit_.slice.first) + "-" + std::to_string(unit_.slice.end - 1) + ")");
      return false;
    }
    return true;
  };
  s.result = session_.transport().Send(req);
  return s;
}

XorbAttempt XorbGet::Seen(const Sent& s, const TermDecoder& decoder, std::uint64_t before) const {
  XorbAttempt a;
  a.url = url_;
  a.path = ctx_.path;
  a.result = s.result;
  a.error = s.error;
  if (s.streamed && !decoder.complete()) a.unfinished = decoder.Finish().error();
  a.complete = decoder.complete();
  a.cancelled = Cancelled();
  a.stopped = Set(control_.stop);
  a.misplaced = s.misplaced;
  a.progressed = delivered_ > before;
  a.unix_now = session_.clock().UnixNow();
  return a;
}

std::optional<Result<UnitOutcome>> XorbGet::Apply(const XorbVerdict& v, const Sent& s) {
  budget_ = v.next.spent;
  switch (v.next.step) {
    case Step::kRetry:
      // Said and ended by Ctrl-C as every other wait between retries.
      if (auto w = session_.WaitToRetry(v.next.wait, url_, s.result); !w) {
        return Result<UnitOutcome>(Fail(w.error()));
      }
      return std::nullopt;
    case Step::kResume:
      url_ = v.next.url;
      return std::nullopt;
    case Step::kFinish:
      if (v.end != UnitEnd::kExpired) return Result<UnitOutcome>(UnitOutcome{v.end, {}});
      return Result<UnitOutcome>(
          UnitOutcome{UnitEnd::kExpired, Fail(session_.ErrorFor(s.result.value(), url_, ctx_))});
    case Step::kRestart:
    case Step::kFail:
      break;
  }
  if (v.next.error) return Result<UnitOutcome>(Fail(*v.next.error));
  Error e = session_.ErrorFor(s.result.value(), url_, ctx_);
  if (e.kind == Kind::kEntryNotFound || e.kind == Kind::kRepoNotFound) {
    e.kind = Kind::kHttp;
    e.detail = "the CDN has no such xorb range";
  }
  return Result<UnitOutcome>(Fail(std::move(e)));
}

Result<UnitOutcome> XorbGet::Run() {
  const EmitBytes counted = [this](const char* data, std::size_t n) {
    auto s = emit_(data, n);
    if (s) delivered_ += n;
    return s;
  };
  for (;;) {
    if (Cancelled()) return Fail(MakeError(Kind::kCancelled, "download of " + ctx_.path));
    if (Set(control_.stop)) return UnitOutcome{UnitEnd::kStopped, {}};
    TermSlice slice = unit_.slice;  // again from the range's start, minus what was emitted
    slice.skip += delivered_;
    slice.take -= delivered_;
    TermDecoder decoder(std::move(slice), counted);
    const std::uint64_t before = delivered_;
    const Sent sent = Send(decoder);
    const XorbVerdict v =
        ClassifyXorbAttempt(Seen(sent, decoder, before), budget_, session_.config().retry);
    if (auto outcome = Apply(v, sent)) return std::move(*outcome);
  }
}

}  // namespace

XorbVerdict ClassifyXorbAttempt(const XorbAttempt& a, const FetchBudget& spent,
                                const RetryPolicy& policy) {
  auto fail = [&](std::optional<Error> e) { return XorbVerdict{Failed(spent, std::move(e))}; };
  if (a.error) return fail(a.error);
  if (a.complete) return XorbVerdict{Finished(spent), UnitEnd::kDone};
  if (a.cancelled) return fail(MakeError(Kind::kCancelled, "download of " + a.path));
  if (a.stopped) return XorbVerdict{Finished(spent), UnitEnd::kStopped};
  if (a.misplaced) {
    return fail(MakeError(Kind::kHttp,
                          "the CDN answered a Range request for a xorb with a Content-Range at "
                          "the wrong offset"));
  }
  if (!a.result) {
    const Kind kind = a.result.error().kind;
    if (kind != Kind::kNetwork && kind != Kind::kTimeout) return fail(a.result.error());
    return XorbVerdict{ClassifyDrop(a.result.error(), a.progressed, spent, policy)};
  }
  if (a.unfinished) return fail(a.unfinished);
  const HttpResponse& r = a.result.value();
  if (IsRedirectStatus(r.status)) return XorbVerdict{ClassifyRedirect(a.url, r, spent)};
  // The presigned URL has expired: the round asks the CAS for fresh ones.
  if (r.status == 403) return XorbVerdict{Finished(spent), UnitEnd::kExpired};
  if (auto transient = ClassifyTransient(r, spent, policy, a.unix_now)) {
    return XorbVerdict{*transient};
  }
  return fail(std::nullopt);
}

Result<UnitOutcome> FetchUnit(Session& session, const XetUnit& unit, const EmitBytes& emit,
                              const UnitControl& control, const CallContext& ctx) {
  return XorbGet(session, unit, emit, control, ctx).Run();
}

}  // namespace hubget
