// The one file that talks to libcurl. It moves bytes and reports what came
// back; it never follows redirects nor decides anything about tokens, and
// it speaks http and https only (libcurl is told so for every transfer).
#include "hubget/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/idle_watch.h"
#include "http/system_ca.h"

namespace hubget {
namespace {

constexpr std::size_t kMaxCollectedBody = 64u << 20;

struct CallState {
  CallState(const HttpRequest* r, CURL* h, Clock* c)
      : request(r), handle(h), clock(c), idle(r->idle_timeout) {}
  const HttpRequest* request;
  CURL* handle;
  Clock* clock;
  IdleWatch idle;
  HttpResponse response;
  bool head_done = false;
  bool streaming = false;
  bool aborted = false;       // the body callback said stop
  bool idle_expired = false;  // no byte for request->idle_timeout
};

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t nitems, void* user) {
  auto* st = static_cast<CallState*>(user);
  const std::size_t n = size * nitems;
  st->idle.Activity(st->clock->Now());
  const std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after a 1xx): start over.
    st->response.headers = Headers();
    const auto sp = line.find(' ');
    st->response.status = sp == std::string::npos ? 0 : std::atoi(line.c_str() + sp + 1);
    return n;
  }
  const std::string trimmed = Trim(line);
  if (trimmed.empty()) {
    if (st->response.status >= 200 && !st->head_done) {
      st->head_done = true;
      if (st->request->on_head) st->streaming = st->request->on_head(st->response);
    }
    return n;
  }
  const auto colon = trimmed.find(':');
  if (colon != std::string::npos) {
    st->response.headers.Add(Trim(trimmed.substr(0, colon)), Trim(trimmed.substr(colon + 1)));
  }
  return n;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t nmemb, void* user) {
  auto* st = static_cast<CallState*>(user);
  const std::size_t n = size * nmemb;
  st->idle.Activity(st->clock->Now());
  if (st->streaming && st->request->on_body) {
    if (!st->request->on_body(data, n)) {
      st->aborted = true;
      return 0;  // CURLE_WRITE_ERROR
    }
    return n;
  }
  if (st->response.body.size() + n > kMaxCollectedBody) {
    st->aborted = true;
    return 0;
  }
  st->response.body.append(data, n);
  return n;
}

// Called by libcurl while the transfer runs: at least about once a second
// when nothing arrives, more often while data flows. Ends the transfer once
// it has been idle for the request's idle timeout.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* st = static_cast<CallState*>(user);
  const auto now = st->clock->Now();
  if (!st->idle.started()) {
    // Connected (and TLS done): from here on, silence is idleness.
    curl_off_t pretransfer = 0;
    if (curl_easy_getinfo(st->handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK &&
        pretransfer > 0) {
      st->idle.Start(now);
    }
  }
  if (st->idle.Expired(now)) {
    st->idle_expired = true;
    return 1;  // CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

std::string Duration(std::chrono::milliseconds d) {
  const long long ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// A header value with a line break would end the header early and start
// another (header injection); libcurl sends it as given. httpx refuses such a
// value, so does hubget, naming the header but never showing the value.
std::optional<Error> UnsendableHeader(const Headers& headers) {
  for (const auto& [name, value] : headers.items()) {
    const bool bad = std::any_of(value.begin(), value.end(),
                                 [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
    if (!bad) continue;
    std::string what = "refusing to send the " + name + " header: its value has a line break";
    if (name == "Authorization") {
      what += " inside the token (a Hub token is one line, like hf_...; check where it comes from)";
    }
    return MakeError(Kind::kInvalidArgument, what);
  }
  return std::nullopt;
}

// http and https only, for the request and (were libcurl to follow one) any
// redirect: libcurl speaks file, gopher, dict, ftp, smtp, ... too, and a URL
// from a server must never reach them. The resolver (url.h) refuses other
// schemes first; this refusal names the scheme of a URL that came from
// elsewhere (the endpoint).
std::optional<Error> UnspeakableScheme(const std::string& url) {
  const auto sep = url.find("://");
  std::string scheme = sep == std::string::npos ? url : url.substr(0, sep);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (sep != std::string::npos && (scheme == "http" || scheme == "https")) return std::nullopt;
  if (scheme.size() > 20) scheme = scheme.substr(0, 20) + "...";
  Error e = MakeError(Kind::kInvalidArgument,
                      "refusing '" + scheme + "' (" + url.substr(0, 200) +
                          "): hubget speaks only http and https; check HF_ENDPOINT");
  e.call.url = url;
  return e;
}

// Protocol limits that must hold; a libcurl that cannot set them is not used.
bool RestrictProtocols(CURL* h) {
  return curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
         curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
}

// Everything a transfer is told before it runs; false when the protocol
// limits cannot be set (the transfer must not run then).
bool SetOptions(CURL* h, const HttpRequest& request, CallState* st, curl_slist* hdrs,
                char* errbuf) {
  if (!RestrictProtocols(h)) return false;
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, st);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, st);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  if (request.total_timeout.count() > 0) {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  }
  // The idle (read) timeout is checked in OnProgress, not with
  // CURLOPT_LOW_SPEED_*, whose average over a window outlives a stall.
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, st);
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024L);
  // An explicit bundle (HUBGET_CA_FILE and friends), else the running system's.
  const std::string& ca = request.ca_file.empty() ? SystemCaBundle() : request.ca_file;
  if (!ca.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  return true;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(std::shared_ptr<Clock> clock) : clock_(std::move(clock)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }
  ~CurlTransport() override {
    for (CURL* h : pool_) curl_easy_cleanup(h);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    if (auto bad = UnsendableHeader(request.headers)) return *bad;
    if (auto bad = UnspeakableScheme(request.url)) return *bad;
    CURL* h = Take();
    if (h == nullptr) return MakeError(Kind::kNetwork, "curl_easy_init failed");
    CallState st(&request, h, clock_.get());
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_slist* hdrs = nullptr;
    for (const auto& [name, value] : request.headers.items()) {
      const std::string line = value.empty() ? name + ";" : name + ": " + value;
      hdrs = curl_slist_append(hdrs, line.c_str());
    }
    // libcurl adds "Expect:" and "Accept: */*" by itself; keep Accept, drop Expect.
    hdrs = curl_slist_append(hdrs, "Expect:");

    curl_easy_reset(h);
    if (!SetOptions(h, request, &st, hdrs, errbuf)) {
      curl_slist_free_all(hdrs);
      Give(h, false);
      return MakeError(Kind::kNetwork, "this libcurl cannot be limited to http and https");
    }
    const CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    if (rc != CURLE_OK) {
      const std::string text = errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(rc);
      Give(h, false);
      Error e;
      e.call.url = request.url;
      e.detail = text;
      if (st.idle_expired) {
        e.kind = Kind::kTimeout;
        e.detail = "no data received for " + Duration(request.idle_timeout);
      } else if (st.aborted) {
        e.kind = Kind::kCancelled;
      } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        e.kind = Kind::kTimeout;
      } else {
        e.kind = Kind::kNetwork;
        if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
            rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CERTPROBLEM) {
          e.cause = cause::Tls{};
          e.detail +=
              !request.ca_file.empty() ? " (checked against " + request.ca_file + ")"
              : SystemCaBundle().empty()
                  ? " (checked against the system's CA certificates)"
                  : " (checked against the system's CA certificates, " + SystemCaBundle() + ")";
        }
      }
      if (e.kind == Kind::kTimeout) e.cause = cause::TimeoutSetting{request.timeout_setting};
      e.reply.status = st.response.status;
      return e;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    st.response.status = static_cast<int>(status);
    st.response.effective_url = request.url;
    if (!st.head_done && request.on_head) request.on_head(st.response);
    Give(h, true);
    return std::move(st.response);
  }

 private:
  CURL* Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!pool_.empty()) {
        CURL* h = pool_.back();
        pool_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }

  // Healthy handles go back to the pool so their connections are reused.
  void Give(CURL* h, bool healthy) {
    if (!healthy) {
      curl_easy_cleanup(h);
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (pool_.size() < 32) {
      pool_.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }

  std::shared_ptr<Clock> clock_;
  std::mutex mu_;
  std::vector<CURL*> pool_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeCurlTransport(std::shared_ptr<Clock> clock) {
  if (!clock) clock = std::make_shared<SystemClock>();
  return std::make_shared<CurlTransport>(std::move(clock));
}

}  // namespace hubget
