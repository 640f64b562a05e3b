// The resumable, verified body GET: one attempt at a time into a
// PartialFile, each outcome classified by resume_rules.h. See blob_fetch.h.
#include "fetch/blob_fetch.h"

#include <cctype>
#include <optional>

#include "fetch/resume_rules.h"
#include "hubget/url.h"

namespace hubget {
namespace {

constexpr int kMaxAttempts = 200;

// hubget asks for identity (Accept-Encoding); bytes in any other encoding
// are not the file, whatever their length: the error for them, or none.
std::optional<Error> EncodingError(const HttpResponse& head) {
  std::string encoding = head.headers.Get("Content-Encoding");
  const auto b = encoding.find_first_not_of(" \t");
  if (b == std::string::npos) return std::nullopt;
  encoding = encoding.substr(b, encoding.find_last_not_of(" \t") - b + 1);
  std::string lower = encoding;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "identity") return std::nullopt;
  return MakeError(Kind::kNotAHub, "the " + std::to_string(head.status) +
                                       " answer to the file GET has Content-Encoding: " + encoding +
                                       " though hubget asked for identity; those bytes are not "
                                       "the file and were not stored");
}

// What hubget did about a CDN that refused the signed URL, and what is left.
std::string CdnRefusalDetail(int refreshes, std::uint64_t kept, const std::string& partial) {
  std::string d = refreshes > 0
                      ? "hubget asked the Hub for a fresh URL " + std::to_string(refreshes) +
                            (refreshes == 1 ? " time" : " times") + " and the CDN refused each one"
                      : "hubget could not ask the Hub for a fresh URL";
  if (kept > 0) {
    d += "; the " + std::to_string(kept) + " bytes already downloaded are kept in " + partial +
         " and the next run resumes from them";
  } else {
    d += "; nothing had been downloaded yet";
  }
  return d;
}

// One fetch: the partial file, where it is fetched from and what it cost.
class Fetch {
 public:
  Fetch(Session& session, PartialFile& file, const FetchTarget& target, const FetchHooks& hooks,
        const CallContext& ctx)
      : session_(session),
        file_(file),
        target_(target),
        hooks_(hooks),
        ctx_(ctx),
        url_(target.url) {}

  Result<FetchResult> Run();

 private:
  Attempt Send();
  Status Apply(const Verdict& v, const Attempt& a);
  Error Fail(Error e) const { return session_.Decorate(std::move(e), url_, ctx_); }
  // Errors of the local file are not the server's: they keep no URL.
  Error FailLocal(Error e) const { return e.kind == Kind::kIo ? e : Fail(std::move(e)); }
  void Report() const {
    if (hooks_.progress) hooks_.progress({ctx_.path, file_.size(), target_.size});
  }

  Session& session_;
  PartialFile& file_;
  const FetchTarget& target_;
  const FetchHooks& hooks_;
  const CallContext& ctx_;
  std::string url_;
  FetchBudget budget_;
  FetchResult out_;
  std::optional<Error> stop_;  // why this attempt's callbacks stopped the transfer
};

// One GET from the partial's size, its body appended as it arrives.
Attempt Fetch::Send() {
  Attempt a;
  a.url = url_;
  a.on_endpoint = SameOrigin(url_, session_.config().endpoint);
  a.can_refresh = static_cast<bool>(hooks_.refresh_location);
  a.expected = target_.size;
  a.offset = file_.size();
  HttpRequest req = session_.NewRequest("GET", url_);
  req.headers.Add("Accept-Encoding", "identity");
  if (a.offset > 0) {
    req.headers.Add("Range", "bytes=" + std::to_string(a.offset) + "-");
    req.headers.Add("If-Range", "\"" + target_.etag + "\"");
  }
  req.on_head = [&](const HttpResponse& head) {
    a.announced = PlainDecimal(head.headers.Get("Content-Length"));
    if (head.status == 200 || head.status == 206) {
      if (auto bad = EncodingError(head)) {
        stop_ = std::move(bad);
        return true;  // streamed to on_body, which stops at once
      }
    }
    if (head.status == 200) {
      // A full body: to a Range request it means "start over".
      if (file_.size() > 0) {
        if (auto s = file_.Restart(); !s) stop_ = s.error();
      }
      a.streamed = !stop_;
      return a.streamed;
    }
    if (head.status == 206) {
      a.range = ParseContentRange(head.headers.Get("Content-Range"));
      a.misplaced = a.range.start < 0 || static_cast<std::uint64_t>(a.range.start) != a.offset;
      a.streamed = true;
      return true;  // on_body aborts at once when misplaced
    }
    return false;  // an error page or a redirect: collect it
  };
  req.on_body = [&](const char* data, std::size_t n) {
    if (a.misplaced || stop_) return false;
    if (hooks_.cancel.cancelled()) {
      stop_ = MakeError(Kind::kCancelled, "download of " + ctx_.path);
      return false;
    }
    if (auto s = file_.Append(data, n); !s) {
      stop_ = s.error();
      return false;
    }
    out_.transferred += n;
    a.received += n;
    Report();
    return true;
  };
  a.result = session_.transport().Send(req);
  a.size = file_.size();
  a.unix_now = session_.clock().UnixNow();
  return a;
}

// Carries out a verdict that is not kFinish; an error ends the fetch.
Status Fetch::Apply(const Verdict& v, const Attempt& a) {
  budget_ = v.spent;
  switch (v.step) {
    case Step::kRestart:
      return file_.Restart();
    case Step::kRetry:
      // Ctrl-C (the session's interrupt) or this download's cancel flags end
      // the wait at once; the partial file keeps what it has.
      if (auto s = session_.WaitToRetry(v.wait, url_, a.result,
                                        [this] { return hooks_.cancel.cancelled(); });
          !s) {
        Error e = s.error();
        e.detail = "download of " + ctx_.path + ", " + e.detail;
        return Fail(std::move(e));
      }
      return OkStatus();
    case Step::kResume:
      if (!v.url.empty()) url_ = v.url;  // NewRequest decides the credential
      if (v.refresh) {
        auto fresh = hooks_.refresh_location();
        if (!fresh) return fresh.error();
        url_ = fresh.value();
      }
      return OkStatus();
    case Step::kFinish:
      return OkStatus();
    case Step::kFail:
      break;
  }
  if (v.discard) file_.Discard();
  if (v.error) return Fail(*v.error);
  const HttpResponse& r = a.result.value();
  Error e = session_.ErrorFor(r, url_, ctx_);
  if (r.status == 403 && !a.on_endpoint) {
    // The CDN, not the Hub, refused: say what hubget did about it.
    e.detail = CdnRefusalDetail(budget_.refreshes, file_.size(), file_.path());
  }
  return Fail(std::move(e));
}

Result<FetchResult> Fetch::Run() {
  const RetryPolicy& policy = session_.config().retry;
  Report();  // the resume point, before any byte: progress counts only what this run fetches
  for (int i = 0; target_.size > 0 && i < kMaxAttempts; ++i) {
    if (hooks_.cancel.cancelled())
      return Fail(MakeError(Kind::kCancelled, "download of " + ctx_.path));
    const Attempt a = Send();
    if (auto s = file_.Flush(); !s) return s.error();
    if (stop_) {
      if (stop_->kind == Kind::kIntegrity) file_.Discard();  // more bytes than the file has
      return FailLocal(*stop_);
    }
    const Verdict v = ClassifyAttempt(a, budget_, policy);
    if (v.step == Step::kFinish) break;
    if (auto s = Apply(v, a); !s) return s.error();
  }
  if (file_.size() != target_.size) {
    return Fail(MakeError(Kind::kNetwork, "gave up after too many attempts at " +
                                              std::to_string(file_.size()) + " of " +
                                              std::to_string(target_.size) + " bytes"));
  }
  auto digest = file_.Verify();
  if (!digest) return FailLocal(digest.error());
  out_.sha256 = digest.value();
  Report();
  return out_;
}

}  // namespace

Result<FetchResult> RunIntoPartial(const FetchTarget& target, const PartialRun& run) {
  const std::string sha = IsSha256Hex(target.etag) ? target.etag : "";
  auto file = PartialFile::Open(target.partial_path, {target.size, sha});
  if (!file) return file.error();
  auto out = run(**file);
  if (!out) {
    if (out.error().kind == Kind::kIntegrity) (*file)->Discard();
    return out;
  }
  const Status done = target.dest.empty() ? (*file)->Close() : (*file)->Finalize(target.dest);
  if (!done) return done.error();
  return out;
}

Result<FetchResult> FetchToPartial(Session& session, const FetchTarget& target,
                                   const FetchHooks& hooks, const CallContext& ctx) {
  return RunIntoPartial(
      target, [&](PartialFile& file) { return Fetch(session, file, target, hooks, ctx).Run(); });
}

}  // namespace hubget
