// The HTTP glue: the only file that includes httplib.h. It turns httplib's
// requests into HttpRequest values, asks HandleHub/HandleCdn, and writes the
// answer, streaming file content in chunks. It also keeps the journal and
// serves the admin API under /_mockhub/.
#include "mockhub/server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "mockhub/cdn.h"
#include "mockhub/dates.h"
#include "mockhub/digest.h"
#include "mockhub/faults.h"
#include "mockhub/hub.h"
#include "mockhub/site.h"
#include "mockhub/tls.h"
#include "mockhub/world_json.h"

namespace mockhub {

namespace {

constexpr std::size_t kChunk = 256 * 1024;
constexpr std::size_t kWorkerThreads = 32;

enum class Role { kHub, kCdn };

std::string RandomHex(std::size_t bytes) {
  std::random_device rd;
  std::string raw;
  for (std::size_t i = 0; i < bytes; ++i) raw.push_back(static_cast<char>(rd() & 0xff));
  return ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

constexpr const char* kHopPrefix = "/_mockhub/hop";

// The socket of the connection a request arrived on, found by its addresses:
// httplib does not expose it, and only the reset and stall faults need it.
int FindSocket(const std::string& local_addr, int local_port, int remote_port) {
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  const int max_fd = static_cast<int>(std::min<rlim_t>(lim.rlim_cur, 65536));
  for (int fd = 3; fd < max_fd; ++fd) {
    sockaddr_in local{}, peer{};
    socklen_t len = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 ||
        local.sin_family != AF_INET)
      continue;
    len = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    char ip[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &local.sin_addr, ip, sizeof ip);
    if (ntohs(local.sin_port) == local_port && ntohs(peer.sin_port) == remote_port &&
        local_addr == ip) {
      return fd;
    }
  }
  return -1;
}

// Resets the connection now: on Linux, connect(AF_UNSPEC) on an established
// TCP socket disconnects it with an RST, before httplib's own shutdown() could
// send a FIN, and leaves the descriptor valid for httplib to close.
void ResetNow(int fd) {
  if (fd < 0) return;
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  ::connect(fd, &unspec, sizeof unspec);
}

bool PeerClosed(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mockhub-tls-XXXXXX";
  if (!::mkdtemp(tmpl.data())) return "";
  return tmpl;
}

}  // namespace

struct MockServer::Impl {
  ServerOptions options;
  HubState state;
  Journal journal;
  std::unique_ptr<httplib::Server> hub;
  std::unique_ptr<httplib::Server> cdn;
  std::thread hub_thread, cdn_thread;
  std::string hub_url, cdn_url, ca_file;
  std::string owned_tls_dir;  // created by us, removed on Stop()
  std::string signing_key;
  std::mutex warm_mu;
  std::set<std::string> warm;  // CDN objects served at least once
  std::atomic<bool> stopped{false};

  Impl(World world, ServerOptions opts) : options(std::move(opts)), state(std::move(world)) {}

  std::string RequestId(const HttpRequest& req, std::uint64_t seq) const {
    const std::string trace = req.Header("X-Amzn-Trace-Id");
    if (!trace.empty() && trace.size() <= 256) return trace;
    char buf[64];
    std::snprintf(buf, sizeof buf, "Root=1-%08llx-%024llx",
                  static_cast<unsigned long long>(state.Now()),
                  static_cast<unsigned long long>(seq));
    return buf;
  }

  bool Warm(const std::string& key) {
    std::lock_guard<std::mutex> lock(warm_mu);
    return !warm.insert(key).second;
  }

  // Sleeps up to ms, in slices, giving up early when the server stops or
  // `stop_early` says so. Returns false if the server is stopping.
  template <typename Pred>
  bool Wait(std::uint64_t ms, Pred stop_early) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
      if (stopped.load() || stop_early()) return !stopped.load();
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::uint64_t>(ms, 20)));
    }
    return true;
  }

  bool Admin(const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/_mockhub/", 0) != 0 ||
        req.path.rfind(std::string(kHopPrefix) + "/", 0) == 0) {
      return false;
    }
    if (req.path == "/_mockhub/health") {
      res.set_content("{\"status\":\"ok\"}", "application/json");
    } else if (req.path == "/_mockhub/requests" && req.method == "DELETE") {
      journal.Clear();
      res.status = 204;
    } else if (req.path == "/_mockhub/requests" && (req.method == "GET" || req.method == "HEAD")) {
      // A client that just read its last response may ask before that
      // response's entry is recorded: give in-flight responses a moment.
      journal.WaitForIdle(std::chrono::seconds(2));
      res.set_content(journal.ToJson().dump(1), "application/json");
    } else {
      res.status = 404;
      res.set_content("{\"error\":\"unknown admin route\"}", "application/json");
    }
    return true;
  }

  void Handle(Role role, const httplib::Request& hreq, httplib::Response& hres) {
    if (Admin(hreq, hres)) return;
    const auto started = std::chrono::steady_clock::now();
    HttpRequest req;
    req.method = hreq.method;
    req.target = hreq.target;
    req.body = hreq.body;
    for (const auto& [k, v] : hreq.headers) {
      // httplib adds these pseudo headers itself; they are not the client's.
      if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT")
        continue;
      req.headers.emplace_back(k, v);
    }
    // A hop of the relative_redirect fault is served as the original target,
    // and no fault applies to it again.
    const bool hop = role == Role::kHub && req.target.rfind(std::string(kHopPrefix) + "/", 0) == 0;
    if (hop) req.target = req.target.substr(std::string(kHopPrefix).size());
    FaultPlan plan;
    if (options.faults && !hop) {
      plan = options.faults->Plan(role == Role::kCdn, req.method,
                                  req.target.substr(0, req.target.find('?')));
    }
    if (plan.ignore_range) {
      req.headers.erase(std::remove_if(req.headers.begin(), req.headers.end(),
                                       [](const auto& h) {
                                         return HeaderNameEquals(h.first, "Range") ||
                                                HeaderNameEquals(h.first, "If-Range");
                                       }),
                        req.headers.end());
    }
    JournalEntry entry;
    entry.seq = journal.NextSeq();
    entry.time = state.Now();
    entry.server = role == Role::kHub ? "hub" : "cdn";
    entry.method = req.method;
    entry.target = hreq.target;
    entry.authorization = RedactAuthorization(req.Header("Authorization"));
    entry.range = hreq.get_header_value("Range");
    entry.if_range = hreq.get_header_value("If-Range");
    entry.user_agent = req.Header("User-Agent").substr(0, 200);
    entry.connection = static_cast<std::uint64_t>(hreq.remote_port);
    const std::string request_id = RequestId(req, entry.seq);
    entry.request_id = request_id;

    auto world = state.Snapshot();
    const auto now = static_cast<std::int64_t>(state.Now());
    if (plan.delay_ms) Wait(std::min(plan.delay_ms, kMaxStallMs), [] { return false; });
    HttpResponse res;
    if (plan.relative_redirect && role == Role::kHub) {
      res.status = 307;
      res.Set("Location", kHopPrefix + req.target);
      res.Set("Content-Type", "text/plain; charset=utf-8");
      res.body = "Temporary Redirect. Redirecting to " + res.Get("Location");
    } else if (plan.replace) {
      res = *plan.replace;
    } else if (role == Role::kHub) {
      res = HandleHub(req, *world, HubContext{hub_url, cdn_url, signing_key, now, request_id});
    } else {
      const std::string key = hreq.path;
      CdnContext ctx{signing_key, now, world->options.cdn_flavour, request_id, false};
      res = HandleCdn(req, *world, ctx);
      if (res.status / 100 == 2 && res.Get("X-Cache").rfind("Miss", 0) == 0 && Warm(key)) {
        res.Set("X-Cache", "Hit from cloudfront");
      }
    }
    if (!res.Has("X-Request-Id") && role == Role::kHub) res.Set("X-Request-Id", request_id);
    if (!res.Has("Date")) res.Set("Date", FormatHttpDate(now));
    for (const auto& h : plan.drop_headers) res.Remove(h);
    for (const auto& [k, v] : plan.set_headers) res.Set(k, v);
    res.flags.insert(res.flags.end(), plan.fired.begin(), plan.fired.end());
    if (plan.touches_body() && !res.content && !res.body.empty()) {
      res.content = Content::Inline(res.body);
      res.content_offset = 0;
      res.content_length = res.body.size();
    }
    entry.status = res.status;
    entry.location = res.Get("Location");
    entry.content_range = res.Get("Content-Range");
    entry.error_code = res.Get("X-Error-Code");
    entry.error_message = res.Get("X-Error-Message");
    entry.retry_after = res.Get("Retry-After");
    entry.flags = res.flags;

    // httplib would apply Range on its own; every range decision is already
    // made, so it must not see one. The Request object is a non-const local
    // of httplib's connection loop, so the cast is well-defined.
    const_cast<httplib::Request&>(hreq).ranges.clear();
    hres.status = res.status;
    std::string content_type = "application/octet-stream";
    for (const auto& [k, v] : res.headers) {
      if (HeaderNameEquals(k, "Content-Type")) {
        content_type = v;
        continue;
      }
      if (HeaderNameEquals(k, "Content-Length")) continue;
      hres.set_header(k, v);
    }
    const bool head = req.method == "HEAD";
    auto finish = [this, started](JournalEntry e, std::uint64_t sent) {
      e.bytes_sent = sent;
      e.duration_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      if (options.log) options.log(LogLine(e));
      journal.Add(std::move(e));
    };
    if (!res.content || res.content_length == 0) {
      hres.set_content(res.body, content_type);
      finish(std::move(entry), head ? 0 : res.body.size());
      return;
    }
    auto sent = std::make_shared<std::atomic<std::uint64_t>>(0);
    if (head) {
      // No body will be written, and httplib releases the provider only when
      // the connection moves on: record the HEAD now, as inline bodies are.
      finish(std::move(entry), 0);
      hres.set_content_provider(static_cast<std::size_t>(res.content_length), content_type,
                                [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
      return;
    }
    auto body = std::make_shared<BodyWriter>(this, res.content, res.content_offset,
                                             res.content_length, plan, hreq.local_addr,
                                             hreq.local_port, hreq.remote_port, sent);
    hres.set_content_provider(
        static_cast<std::size_t>(res.content_length), content_type,
        [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          return body->Write(offset, length, sink);
        },
        [finish, entry = std::move(entry), sent](bool success) mutable {
          if (!success) entry.flags.push_back("incomplete");
          finish(std::move(entry), sent->load());
        });
  }

  // Streams one response body in chunks, applying the body faults of its
  // plan: cut (close or reset), stall, throttle, corrupt.
  struct BodyWriter {
    Impl* impl;
    std::shared_ptr<const Content> content;
    std::uint64_t base, length;
    FaultPlan plan;
    std::string local_addr;
    int local_port, remote_port;
    std::shared_ptr<std::atomic<std::uint64_t>> sent;
    std::optional<std::uint64_t> cut_at;
    bool stalled = false;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    BodyWriter(Impl* i, std::shared_ptr<const Content> c, std::uint64_t b, std::uint64_t len,
               FaultPlan p, std::string la, int lp, int rp,
               std::shared_ptr<std::atomic<std::uint64_t>> s)
        : impl(i),
          content(std::move(c)),
          base(b),
          length(len),
          plan(std::move(p)),
          local_addr(std::move(la)),
          local_port(lp),
          remote_port(rp),
          sent(std::move(s)),
          cut_at(plan.CutAt(len)) {}

    int Socket() const { return FindSocket(local_addr, local_port, remote_port); }

    bool Write(std::uint64_t offset, std::uint64_t left, httplib::DataSink& sink) {
      if (cut_at && offset >= *cut_at) {
        if (plan.cut_reset) ResetNow(Socket());
        return false;  // httplib closes the connection short of Content-Length
      }
      if (plan.stall_after && offset >= *plan.stall_after && !stalled) {
        stalled = true;
        const int fd = Socket();
        const std::uint64_t ms = plan.stall_ms ? plan.stall_ms : kMaxStallMs;
        if (!impl->Wait(ms, [fd] { return PeerClosed(fd); }) || plan.stall_ms == 0 ||
            PeerClosed(fd)) {
          return false;
        }
      }
      std::uint64_t n = std::min<std::uint64_t>(left, kChunk);
      if (cut_at) n = std::min(n, *cut_at - offset);
      if (plan.stall_after && !stalled && *plan.stall_after > offset)
        n = std::min(n, *plan.stall_after - offset);
      if (plan.throttle_bps)
        n = std::min<std::uint64_t>(n, std::max<std::uint64_t>(1, plan.throttle_bps / 20));
      thread_local std::vector<char> buf(kChunk);
      content->Read(base + offset, buf.data(), static_cast<std::size_t>(n));
      for (const Corruption& k : plan.corrupt) {
        for (std::uint64_t i = std::max(k.offset, offset);
             i < std::min(k.offset + k.length, offset + n); ++i) {
          buf[static_cast<std::size_t>(i - offset)] =
              static_cast<char>(buf[static_cast<std::size_t>(i - offset)] ^ 0xff);
        }
      }
      if (!sink.write(buf.data(), static_cast<std::size_t>(n))) return false;
      *sent += n;
      if (plan.throttle_bps) {
        const auto due =
            started + std::chrono::microseconds((offset + n) * 1000000 / plan.throttle_bps);
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
            due - std::chrono::steady_clock::now());
        if (wait.count() > 0 &&
            !impl->Wait(static_cast<std::uint64_t>(wait.count()), [] { return false; })) {
          return false;
        }
      }
      return true;
    }
  };

  std::unique_ptr<httplib::Server> MakeServer(Role role, const TlsMaterial* tls) {
    std::unique_ptr<httplib::Server> srv;
    if (tls) {
      srv = std::make_unique<httplib::SSLServer>(tls->cert_file.c_str(), tls->key_file.c_str());
    } else {
      srv = std::make_unique<httplib::Server>();
    }
    srv->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
    // httplib writes headers and body in two send()s; without TCP_NODELAY the
    // body waits for the client's delayed ACK (40 ms per keep-alive GET).
    srv->set_tcp_nodelay(true);
    srv->set_keep_alive_max_count(10000);
    srv->set_keep_alive_timeout(2);  // Stop() waits for idle keep-alive connections
    srv->set_read_timeout(30, 0);
    srv->set_write_timeout(30, 0);
    srv->set_payload_max_length(1 << 20);
    auto handler = [this, role](const httplib::Request& req, httplib::Response& res) {
      try {
        Handle(role, req, res);
      } catch (const std::exception& e) {  // a bug, answered rather than crashing the server
        res.status = 500;
        res.set_content(
            nlohmann::json{{"error", std::string("mockhub internal error: ") + e.what()}}.dump(),
            "application/json");
      }
    };
    srv->Get(".*", handler);
    srv->Post(".*", handler);
    srv->Put(".*", handler);
    srv->Patch(".*", handler);
    srv->Delete(".*", handler);
    srv->Options(".*", handler);
    return srv;
  }
};

StatusOr<std::unique_ptr<MockServer>> MockServer::Start(World world, ServerOptions options) {
  // One source of truth for the flavour: the hub signs URLs for it and the
  // CDN checks them.
  if (options.cdn_flavour) world.options.cdn_flavour = *options.cdn_flavour;
  auto impl = std::make_unique<Impl>(std::move(world), std::move(options));
  Impl& s = *impl;
  s.signing_key = s.options.signing_key.empty() ? RandomHex(32) : s.options.signing_key;
  auto fail = [](const std::string& why) { return Unavailable(why); };
  TlsMaterial tls;
  if (s.options.tls) {
    std::string dir = s.options.tls_dir.empty() ? MakeTempDir() : s.options.tls_dir;
    if (dir.empty()) return fail("cannot create a directory for the TLS certificates");
    if (s.options.tls_dir.empty()) s.owned_tls_dir = dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (Status st = GenerateTls(dir, {"127.0.0.1", "127.0.0.2", "::1"}, {"localhost"}, tls);
        !st.ok()) {
      return st;
    }
    s.ca_file = tls.ca_file;
  }
  s.hub = s.MakeServer(Role::kHub, s.options.tls ? &tls : nullptr);
  s.cdn = s.MakeServer(Role::kCdn, s.options.tls ? &tls : nullptr);
  if (!s.hub->is_valid() || !s.cdn->is_valid()) return fail("TLS server setup failed");
  auto bind = [](httplib::Server& srv, const std::string& host, int port) {
    if (port == 0) return srv.bind_to_any_port(host.c_str());
    return srv.bind_to_port(host.c_str(), port) ? port : -1;
  };
  const int hub_port = bind(*s.hub, s.options.host, s.options.port);
  if (hub_port <= 0) {
    return fail("cannot bind the hub to " + s.options.host + ":" + std::to_string(s.options.port));
  }
  const int cdn_port = bind(*s.cdn, s.options.cdn_host, s.options.cdn_port);
  if (cdn_port <= 0) {
    return fail("cannot bind the CDN to " + s.options.cdn_host + ":" +
                std::to_string(s.options.cdn_port) +
                " (on Linux all of 127.0.0.0/8 is loopback; elsewhere add the address or use "
                "--cdn-host)");
  }
  const std::string scheme = s.options.tls ? "https://" : "http://";
  auto host_part = [](const std::string& h) {
    return h.find(':') != std::string::npos ? "[" + h + "]" : h;
  };
  s.hub_url = scheme + host_part(s.options.host) + ":" + std::to_string(hub_port);
  s.cdn_url = scheme + host_part(s.options.cdn_host) + ":" + std::to_string(cdn_port);
  // Both sockets are listening once bound: connections queue in the backlog,
  // so the servers are ready as soon as Start returns.
  s.hub_thread = std::thread([&s] { s.hub->listen_after_bind(); });
  s.cdn_thread = std::thread([&s] { s.cdn->listen_after_bind(); });
  // Stop() must not race the accept loops' start (httplib ignores a stop()
  // that comes before listen), so wait until both report running.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(s.hub->is_running() && s.cdn->is_running())) {
    if (std::chrono::steady_clock::now() > deadline)
      return fail("the servers did not start within 10 s");
    std::this_thread::yield();
  }
  return std::unique_ptr<MockServer>(new MockServer(std::move(impl)));
}

MockServer::MockServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MockServer::~MockServer() { Stop(); }

void MockServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->hub->stop();
  impl_->cdn->stop();
  if (impl_->hub_thread.joinable()) impl_->hub_thread.join();
  if (impl_->cdn_thread.joinable()) impl_->cdn_thread.join();
  if (!impl_->owned_tls_dir.empty()) {
    for (const char* f : {"/ca.pem", "/cert.pem", "/key.pem"})
      std::remove((impl_->owned_tls_dir + f).c_str());
    ::rmdir(impl_->owned_tls_dir.c_str());
  }
}

const std::string& MockServer::hub_url() const { return impl_->hub_url; }
const std::string& MockServer::cdn_url() const { return impl_->cdn_url; }
std::vector<std::pair<std::string, std::string>> MockServer::urls() const {
  return {{kHubSite, impl_->hub_url}, {kCdnSite, impl_->cdn_url}};
}
const std::string& MockServer::ca_file() const { return impl_->ca_file; }
HubState& MockServer::state() { return impl_->state; }
Journal& MockServer::journal() { return impl_->journal; }

}  // namespace mockhub
