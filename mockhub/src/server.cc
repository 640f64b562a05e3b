// The HTTP glue: the only file that includes httplib.h. It starts one
// listener per site (site.h), turns httplib's requests into HttpRequest
// values, asks the fault plan and the site's decision, and writes the answer,
// streaming file content through the body writer. It also keeps the journal
// and serves the admin API under /_mockhub/ on every site.
#include "mockhub/server.h"

#include <httplib.h>
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

#include "body_writer.h"
#include "mockhub/dates.h"
#include "mockhub/digest.h"
#include "mockhub/faults.h"
#include "mockhub/site.h"
#include "mockhub/tls.h"

namespace mockhub {

namespace {

constexpr std::size_t kWorkerThreads = 32;

std::string RandomHex(std::size_t bytes) {
  std::random_device rd;
  std::string raw;
  for (std::size_t i = 0; i < bytes; ++i) raw.push_back(static_cast<char>(rd() & 0xff));
  return ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mockhub-tls-XXXXXX";
  if (!::mkdtemp(tmpl.data())) return "";
  return tmpl;
}

HttpRequest ToRequest(const httplib::Request& hreq) {
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
  return req;
}

std::string HostPart(const std::string& h) {
  return h.find(':') != std::string::npos ? "[" + h + "]" : h;
}

bool LooksLikeIp(const std::string& h) {
  return !h.empty() && (h.find(':') != std::string::npos ||
                        h.find_first_not_of("0123456789.") == std::string::npos);
}

}  // namespace

struct MockServer::Impl {
  // One listening site.
  struct Listener {
    const Site* site = nullptr;
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    std::string host, url;
    int port = 0;
    std::mutex served_mu;
    std::set<std::string> served;  // paths answered with a 2xx at least once
  };

  ServerOptions options;
  HubState state;
  Journal journal;
  std::vector<std::unique_ptr<Listener>> listeners;  // in Sites() order
  std::map<std::string, std::string> urls;           // site name -> base URL
  std::string ca_file;
  std::string owned_tls_dir;  // created by us, removed on Stop()
  std::string signing_key;
  std::atomic<bool> stopped{false};

  Impl(World world, ServerOptions opts) : options(std::move(opts)), state(std::move(world)) {}

  std::string RequestId(const HttpRequest& req, std::uint64_t seq) const {
    std::string trace = req.Header("X-Amzn-Trace-Id");
    if (!trace.empty() && trace.size() <= 256) return trace;
    char buf[64];
    std::snprintf(buf, sizeof buf, "Root=1-%08llx-%024llx",
                  static_cast<unsigned long long>(state.Now()),
                  static_cast<unsigned long long>(seq));
    return buf;
  }

  static bool ServedBefore(Listener& l, const std::string& path) {
    std::lock_guard<std::mutex> lock(l.served_mu);
    return l.served.count(path) > 0;
  }
  static void MarkServed(Listener& l, const std::string& path) {
    std::lock_guard<std::mutex> lock(l.served_mu);
    l.served.insert(path);
  }

  // Sleeps up to ms, in slices, giving up early when the server stops or
  // `stop_early` says so. Returns false if the server is stopping.
  bool Wait(std::uint64_t ms, const std::function<bool()>& stop_early) {
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
      // response's entry is recorded: give in-flight responses a moment,
      // and say whether some were still in flight.
      const bool idle = journal.WaitForIdle(std::chrono::seconds(2));
      res.set_header("X-Mockhub-Journal", idle ? "complete" : "in-flight");
      res.set_content(journal.ToJson().dump(1), "application/json");
    } else {
      res.status = 404;
      res.set_content("{\"error\":\"unknown admin route\"}", "application/json");
    }
    return true;
  }

  JournalEntry StartEntry(const Listener& l, const httplib::Request& hreq, const HttpRequest& req) {
    JournalEntry entry;
    entry.seq = journal.NextSeq();
    entry.time = state.Now();
    entry.server = l.site->name;
    entry.method = req.method;
    entry.target = hreq.target;
    entry.authorization = RedactAuthorization(req.Header("Authorization"));
    entry.range = hreq.get_header_value("Range");
    entry.if_range = hreq.get_header_value("If-Range");
    entry.user_agent = req.Header("User-Agent").substr(0, 200);
    entry.connection = static_cast<std::uint64_t>(hreq.remote_port);
    entry.request_id = RequestId(req, entry.seq);
    return entry;
  }

  static void RecordAnswer(const HttpResponse& res, JournalEntry& entry) {
    entry.status = res.status;
    entry.location = res.Get("Location");
    entry.content_range = res.Get("Content-Range");
    entry.error_code = res.Get("X-Error-Code");
    entry.error_message = res.Get("X-Error-Message");
    entry.retry_after = res.Get("Retry-After");
    entry.flags = res.flags;
  }

  // The fault plan, the site's (or the fault's) answer, and the header-level
  // effects: every decision about this request, before any byte is written.
  HttpResponse Decide(Listener& l, HttpRequest& req, const FaultPlan& plan,
                      const JournalEntry& entry) {
    ApplyFaultPlanToRequest(plan, req);
    auto world = state.Snapshot();
    const auto now = static_cast<std::int64_t>(state.Now());
    if (plan.delay_ms) Wait(std::min(plan.delay_ms, kMaxStallMs), [] { return false; });
    const std::string path = req.target.substr(0, req.target.find('?'));
    HttpResponse res;
    if (auto replaced = FaultAnswer(plan, req)) {
      res = std::move(*replaced);
    } else {
      SiteContext ctx{urls, signing_key, now, entry.request_id, ServedBefore(l, path)};
      res = AnswerAt(*l.site, req, *world, ctx);
      if (res.status / 100 == 2) MarkServed(l, path);
    }
    if (l.site->stamps_request_id && !res.Has("X-Request-Id"))
      res.Set("X-Request-Id", entry.request_id);
    if (!res.Has("Date")) res.Set("Date", FormatHttpDate(now));
    ApplyFaultPlan(plan, res);
    return res;
  }

  void Handle(Listener& l, const httplib::Request& hreq, httplib::Response& hres) {
    if (Admin(hreq, hres)) return;
    const auto started = std::chrono::steady_clock::now();
    HttpRequest req = ToRequest(hreq);
    // A hop of the relative_redirect fault is served as the original target,
    // and no fault applies to it again.
    const bool hop = req.target.rfind(std::string(kHopPrefix) + "/", 0) == 0;
    if (hop) req.target = req.target.substr(std::string(kHopPrefix).size());
    FaultPlan plan;
    if (options.faults && !hop) {
      plan = options.faults->Plan(l.site->name, req.method,
                                  req.target.substr(0, req.target.find('?')));
    }
    JournalEntry entry = StartEntry(l, hreq, req);
    HttpResponse res = Decide(l, req, plan, entry);
    RecordAnswer(res, entry);
    Write(hreq, req, res, plan, std::move(entry), started, hres);
  }

  void Finish(JournalEntry e, std::uint64_t sent, std::chrono::steady_clock::time_point started) {
    e.bytes_sent = sent;
    e.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (options.log) options.log(LogLine(e));
    journal.Add(std::move(e));
  }

  // Moves the decided answer into httplib's response: headers, then an
  // inline body or a streamed one (the body writer applies byte faults).
  void Write(const httplib::Request& hreq, const HttpRequest& req, const HttpResponse& res,
             const FaultPlan& plan, JournalEntry entry,
             std::chrono::steady_clock::time_point started, httplib::Response& hres) {
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
    if (!res.content || res.content_length == 0) {
      hres.set_content(res.body, content_type);
      Finish(std::move(entry), head ? 0 : res.body.size(), started);
      return;
    }
    if (head) {
      // No body will be written, and httplib releases the provider only when
      // the connection moves on: record the HEAD now, as inline bodies are.
      Finish(std::move(entry), 0, started);
      hres.set_content_provider(static_cast<std::size_t>(res.content_length), content_type,
                                [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
      return;
    }
    auto body = std::make_shared<BodyWriter>(
        res.content, res.content_offset, res.content_length, plan,
        Connection{hreq.local_addr, hreq.local_port, hreq.remote_port},
        [this](std::uint64_t ms, const std::function<bool()>& stop_early) {
          return Wait(ms, stop_early);
        });
    hres.set_content_provider(
        static_cast<std::size_t>(res.content_length), content_type,
        [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          return body->Write(offset, length, [&sink](const char* data, std::size_t n) {
            return sink.write(data, n);
          });
        },
        [this, body, entry = std::move(entry), started](bool success) mutable {
          if (!success) entry.flags.push_back("incomplete");
          Finish(std::move(entry), body->sent(), started);
        });
  }

  std::unique_ptr<httplib::Server> MakeServer(Listener& l, const TlsMaterial* tls) {
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
    auto handler = [this, &l](const httplib::Request& req, httplib::Response& res) {
      try {
        Handle(l, req, res);
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

  // The CA and leaf certificate for every site's address.
  Status SetUpTls(TlsMaterial& tls) {
    std::string dir = options.tls_dir.empty() ? MakeTempDir() : options.tls_dir;
    if (dir.empty())
      return FailedPrecondition("cannot create a directory for the TLS certificates");
    if (options.tls_dir.empty()) owned_tls_dir = dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::vector<std::string> ips = {"127.0.0.1", "::1"}, names = {"localhost"};
    for (const auto& l : listeners) {
      auto& list = LooksLikeIp(l->host) ? ips : names;
      if (std::find(list.begin(), list.end(), l->host) == list.end()) list.push_back(l->host);
    }
    if (Status st = GenerateTls(dir, ips, names, tls); !st.ok()) return st;
    ca_file = tls.ca_file;
    return Status::Ok();
  }

  Status Bind(Listener& l, const std::string& scheme) {
    const int port = l.port == 0 ? l.server->bind_to_any_port(l.host.c_str())
                     : l.server->bind_to_port(l.host.c_str(), l.port) ? l.port
                                                                      : -1;
    if (port <= 0) {
      return Unavailable("cannot bind the " + l.site->name + " site to " + l.host + ":" +
                         std::to_string(l.port) +
                         (l.site->default_host != "127.0.0.1"
                              ? " (on Linux all of 127.0.0.0/8 is loopback; elsewhere add the "
                                "address or pass another host)"
                              : ""));
    }
    l.port = port;
    l.url = scheme + HostPart(l.host) + ":" + std::to_string(port);
    urls[l.site->name] = l.url;
    return Status::Ok();
  }

  Status StartAll() {
    for (const Site& site : Sites()) {
      auto l = std::make_unique<Listener>();
      l->site = &site;
      const auto b = options.bind.find(site.name);
      l->host =
          b != options.bind.end() && !b->second.host.empty() ? b->second.host : site.default_host;
      l->port = b != options.bind.end() ? b->second.port : 0;
      listeners.push_back(std::move(l));
    }
    TlsMaterial tls;
    if (options.tls) {
      if (Status st = SetUpTls(tls); !st.ok()) return st;
    }
    const std::string scheme = options.tls ? "https://" : "http://";
    for (auto& l : listeners) {
      l->server = MakeServer(*l, options.tls ? &tls : nullptr);
      if (!l->server->is_valid()) return Internal("TLS server setup failed");
      if (Status st = Bind(*l, scheme); !st.ok()) return st;
    }
    // Every socket is listening once bound: connections queue in the backlog,
    // so the sites are ready as soon as Start returns.
    for (auto& l : listeners) {
      Listener* raw = l.get();
      l->thread = std::thread([raw] { raw->server->listen_after_bind(); });
    }
    // Stop() must not race the accept loops' start (httplib ignores a stop()
    // that comes before listen), so wait until all report running.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (auto& l : listeners) {
      while (!l->server->is_running()) {
        if (std::chrono::steady_clock::now() > deadline)
          return Unavailable("the servers did not start within 10 s");
        std::this_thread::yield();
      }
    }
    return Status::Ok();
  }

  void StopAll() {
    for (auto& l : listeners) {
      if (l->server) l->server->stop();
    }
    for (auto& l : listeners) {
      if (l->thread.joinable()) l->thread.join();
    }
    if (!owned_tls_dir.empty()) {
      for (const char* f : {"/ca.pem", "/cert.pem", "/key.pem"})
        std::remove((owned_tls_dir + f).c_str());
      ::rmdir(owned_tls_dir.c_str());
      owned_tls_dir.clear();
    }
  }
};

StatusOr<std::unique_ptr<MockServer>> MockServer::Start(World world, ServerOptions options) {
  // One source of truth for the flavour: the hub signs URLs for it and the
  // CDN checks them.
  if (options.cdn_flavour) world.options.cdn_flavour = *options.cdn_flavour;
  auto impl = std::make_unique<Impl>(std::move(world), std::move(options));
  impl->signing_key = impl->options.signing_key.empty() ? RandomHex(32) : impl->options.signing_key;
  if (Status st = impl->StartAll(); !st.ok()) {
    impl->stopped = true;
    impl->StopAll();
    return st;
  }
  return std::unique_ptr<MockServer>(new MockServer(std::move(impl)));
}

MockServer::MockServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MockServer::~MockServer() { Stop(); }

void MockServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->StopAll();
}

const std::string& MockServer::url(const std::string& site) const {
  static const std::string kNone;
  auto it = impl_->urls.find(site);
  return it == impl_->urls.end() ? kNone : it->second;
}
const std::string& MockServer::hub_url() const { return url(kHubSite); }
const std::string& MockServer::cdn_url() const { return url(kCdnSite); }
std::vector<std::pair<std::string, std::string>> MockServer::urls() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& l : impl_->listeners) out.emplace_back(l->site->name, l->url);
  return out;
}
const std::string& MockServer::ca_file() const { return impl_->ca_file; }
HubState& MockServer::state() { return impl_->state; }
Journal& MockServer::journal() { return impl_->journal; }

}  // namespace mockhub
