// The HTTP glue: the only file that includes httplib.h. It starts one
// listener per site (site.h); each connection's request heads are read by
// mockhub itself (wire/request_head.h: bounded, strict, not rewritten), and
// httplib reads the body and writes the answer through a stream over that
// connection. It asks the fault plan once a request's head is read, turns
// the request into an HttpRequest value, asks the site's decision (the
// request flow) and writes the answer, streaming file content through the
// body writer; the fault verbs reach the connection through a FaultInjector
// over it. It also keeps the journal and dispatches the admin API under
// /_mockhub/ (admin.cc) on every site.
#include "mockhub/server/server.h"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "mockhub/base/dates.h"
#include "mockhub/base/digest.h"
#include "mockhub/faults/faults.h"
#include "mockhub/server/admin.h"
#include "mockhub/server/body_writer.h"
#include "mockhub/server/journal_entry.h"
#include "mockhub/server/request_flow.h"
#include "mockhub/server/site_binding.h"
#include "mockhub/server/sockets.h"
#include "mockhub/server/tls.h"
#include "mockhub/server/wire/head_reader.h"
#include "mockhub/server/wire/listener.h"
#include "mockhub/server/wire/request_head.h"
#include "mockhub/server/wire/transport.h"
#include "mockhub/server/wire_injector.h"
#include "mockhub/sites/site.h"

namespace mockhub {

namespace {

using std::chrono::milliseconds;

// The connection limits (documented in mockhub/README.md, "Connections").
constexpr milliseconds kIdleTimeout{2000};    // a kept-alive connection with no next request
constexpr milliseconds kReadTimeout{30000};   // a request body that stops arriving
constexpr milliseconds kWriteTimeout{30000};  // a client that stops reading
constexpr std::size_t kMaxRequestsPerConnection = 10000;
// A connection on a slot reserved for the admin API (ServerOptions::
// admin_connections) must send its head at once: an admin client does, and
// idle clients cannot sit on the reserve.
constexpr milliseconds kReservedHeadTimeout{2000};

// httplib's server, driven one request at a time by mockhub's connection
// loop instead of its own accept loop and thread pool.
class Front final : public httplib::Server {
 public:
  Front() { svr_sock_ = 0; }  // "not shutting down" for httplib's body writers
  bool ServeOne(httplib::Stream& strm, bool close, bool& closed,
                const std::function<void(httplib::Request&)>& setup) {
    return process_request(strm, close, closed, setup);
  }
  void Shutdown() { svr_sock_ = INVALID_SOCKET; }  // bodies being written stop
};

// httplib's view of one request on a connection: the head mockhub wrote for
// it, then the bytes already read past the real head (the body, pipelined
// requests), then the socket, until the body's deadline.
class WireStream final : public httplib::Stream {
 public:
  WireStream(Transport& t, Inbox& inbox, std::string shim, milliseconds body_timeout)
      : t_(t),
        inbox_(inbox),
        shim_(std::move(shim)),
        body_deadline_(std::chrono::steady_clock::now() + body_timeout) {}

  bool is_readable() const override {
    return shim_off_ < shim_.size() || inbox_.size() > 0 || t_.WaitReadable(BodyTimeLeft());
  }
  bool is_writable() const override { return t_.WaitWritable(kWriteTimeout); }
  ssize_t read(char* ptr, std::size_t size) override {
    if (shim_off_ < shim_.size())
      return Take(std::string_view(shim_).substr(shim_off_), ptr, size,
                  [&](std::size_t n) { shim_off_ += n; });
    if (inbox_.size() > 0)
      return Take(inbox_.view(), ptr, size, [&](std::size_t n) { inbox_.Consume(n); });
    // A body dripping a byte at a time gets no more than its deadline in
    // total; the connection loop then answers 408 (httplib's 400 for the
    // failed read goes nowhere).
    const milliseconds left = BodyTimeLeft();
    const ssize_t n = left.count() > 0 ? t_.Read(ptr, size, left) : -1;
    if (left.count() <= 0 || (n < 0 && errno == ETIMEDOUT)) {
      timed_out_ = true;
      errno = ETIMEDOUT;
      return -1;
    }
    return n;
  }
  ssize_t write(const char* ptr, std::size_t size) override {
    if (refusal_.refused || timed_out_)
      return static_cast<ssize_t>(size);  // the answer goes nowhere
    return t_.Write(ptr, size, kWriteTimeout);
  }
  // The body did not arrive by its deadline.
  bool timed_out() const { return timed_out_; }
  // The refuse fault: nothing of this answer reaches the wire, and the
  // connection loop drops the connection after it.
  Refusal& refusal() { return refusal_; }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = t_.remote_ip();
    port = t_.remote_port();
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = t_.local_ip();
    port = t_.local_port();
  }
  socket_t socket() const override { return t_.fd(); }

 private:
  template <typename Done>
  static ssize_t Take(std::string_view from, char* ptr, std::size_t size, Done done) {
    const std::size_t n = std::min(size, from.size());
    std::memcpy(ptr, from.data(), n);
    done(n);
    return static_cast<ssize_t>(n);
  }

  milliseconds BodyTimeLeft() const {
    const auto left =
        std::chrono::duration_cast<milliseconds>(body_deadline_ - std::chrono::steady_clock::now());
    return std::min(left, kReadTimeout);
  }

  Transport& t_;
  Inbox& inbox_;
  std::string shim_;
  std::size_t shim_off_ = 0;
  std::chrono::steady_clock::time_point body_deadline_;
  Refusal refusal_;
  bool timed_out_ = false;
};

// The head httplib parses: only what it needs to read the body and keep the
// connection; the real head is handed to the handler untouched.
std::string ShimHead(const RequestHead& head) {
  std::string shim = head.method + " / " + head.version + "\r\n";
  for (const char* name : {"Content-Length", "Transfer-Encoding", "Connection", "Expect"}) {
    if (const std::string* v = FindField(head, name))
      shim += std::string(name) + ": " + *v + "\r\n";
  }
  return shim + "\r\n";
}

// An answer's status and headers into httplib's response; returns its
// Content-Type (httplib sets it with the body).
std::string CopyHead(const HttpResponse& res, httplib::Response& hres) {
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
  return content_type;
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

std::string PathOf(const RequestHead& head) { return head.target.substr(0, head.target.find('?')); }

}  // namespace

struct MockServer::Impl {
  // One listening site.
  struct SiteServer {
    const Site* site = nullptr;
    std::unique_ptr<Front> front;
    std::unique_ptr<Listener> listener;
    std::shared_ptr<TlsAcceptor> tls;  // null: plain HTTP
    SiteAddress address;
    std::string url;
    ServedPaths served;
    Calls calls;
  };

  ServerOptions options;
  std::shared_ptr<FaultSet> faults;  // never null: the admin API adds to it
  HubState state;
  Journal journal;
  std::vector<std::unique_ptr<SiteServer>> listeners;  // in Sites() order
  std::map<std::string, std::string> urls;             // site name -> base URL
  std::string ca_file;
  std::string owned_tls_dir;  // created by us, removed on Stop()
  std::string signing_key;
  std::atomic<bool> stopped{false};
  RequestFlow flow{options, state, journal, urls, signing_key, stopped, *faults};

  Impl(World world, ServerOptions opts)
      : options(std::move(opts)),
        faults(options.faults ? options.faults : std::make_shared<FaultSet>()),
        state(std::move(world)) {}

  bool Admin(const SiteServer& l, const httplib::Request& hreq, httplib::Response& hres) {
    if (!IsAdminPath(hreq.path)) return false;
    const AdminSite site{options.tls ? "https" : "http", l.address.port, hreq.local_addr};
    AdminAnswer a = AnswerAdmin(ToRequest(hreq),
                                AdminContext{site, journal, *faults, state, options.step_handler});
    const std::string content_type = CopyHead(a.response, hres);
    if (!a.response.body.empty()) hres.set_content(a.response.body, content_type);
    if (!a.stream_journal) return true;
    // Streamed a page of entries at a time: a full journal is never one JSON
    // value in memory.
    hres.set_chunked_content_provider(content_type, [this](std::size_t, httplib::DataSink& sink) {
      if (WriteJournalJson(journal, [&sink](const std::string& text) {
            return sink.write(text.data(), text.size());
          }))
        sink.done();
      return true;
    });
    return true;
  }

  void Handle(SiteServer& l, const httplib::Request& hreq, httplib::Response& hres) {
    if (Admin(l, hreq, hres)) return;
    const auto started = std::chrono::steady_clock::now();
    const Call& call = l.calls.Find(&hreq);
    HttpRequest req = ToRequest(hreq);
    if (IsHop(req.target)) req.target = req.target.substr(std::string(kHopPrefix).size());
    JournalEntry entry = StartEntry(l.site->name, req, hreq.target, hreq.remote_port,
                                    journal.NextSeq(), state.Now());
    if (ApplyConnectionFaults(call.plan, *call.injector)) {
      entry.flags = call.plan.fired;  // status 0: nothing was answered
      flow.Finish(std::move(entry), 0, started);
      return;
    }
    HttpResponse res;
    try {
      res = flow.Decide(*l.site, l.served, req, call.plan, *call.injector, entry);
    } catch (const std::exception& e) {
      // Answered and journaled: the journal must not wait for an entry that
      // never comes.
      res = InternalErrorAnswer(e);
    }
    RecordAnswer(res, entry);
    Write(req, res, call, std::move(entry), started, hres);
  }

  // Moves the decided answer into httplib's response: headers, then an
  // inline body or a streamed one (the body writer applies byte faults).
  void Write(const HttpRequest& req, const HttpResponse& res, const Call& call, JournalEntry entry,
             std::chrono::steady_clock::time_point started, httplib::Response& hres) {
    const std::string content_type = CopyHead(res, hres);
    const bool head = req.method == "HEAD";
    if (!res.content || res.content_length == 0) {
      hres.set_content(res.body, content_type);
      flow.Finish(std::move(entry), head ? 0 : res.body.size(), started);
      return;
    }
    if (head) {
      // No body will be written, and httplib releases the provider only when
      // the connection moves on: record the HEAD now, as inline bodies are.
      flow.Finish(std::move(entry), 0, started);
      hres.set_content_provider(static_cast<std::size_t>(res.content_length), content_type,
                                [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
      return;
    }
    auto body = std::make_shared<BodyWriter>(res.content, res.content_offset, res.content_length,
                                             call.plan, call.injector);
    hres.set_content_provider(
        static_cast<std::size_t>(res.content_length), content_type,
        [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          return body->Write(offset, length, [&sink](const char* data, std::size_t n) {
            return sink.write(data, n);
          });
        },
        [this, body, entry = std::move(entry), started](bool success) mutable {
          if (!success) entry.flags.push_back("incomplete");
          flow.Finish(std::move(entry), body->sent(), started);
        });
  }

  // A request refused before it reached a route (a malformed or oversized
  // head, an unknown method, a head that never finished): answered, with
  // Connection: close, and journaled with what could be read of it.
  void Refuse(SiteServer& l, Transport& t, const HeadRead& read) {
    const auto now = static_cast<std::int64_t>(state.Now());
    WriteRefusal(t, read.refusal, FormatHttpDate(now), kWriteTimeout);
    // A head that never parsed may be anything; a parsed admin request is
    // not journaled (README, "Journal and admin API").
    if (read.kind == HeadRead::kHead && IsAdminPath(PathOf(read.head))) return;
    JournalEntry e =
        RefusalEntry(l.site->name, read.head.method, read.head.target, read.refusal.status,
                     read.refusal.message, t.remote_port(), journal.NextSeq(), state.Now());
    if (options.log) options.log(LogLine(e));
    journal.Add(std::move(e));
  }

  // One connection, request after request (pipelined ones too: the bytes
  // past a head stay in the inbox for the next). A connection on a reserved
  // slot (beyond max_connections) serves one admin request and nothing else.
  void ServeConnection(SiteServer& l, int fd, bool reserved) {
    const milliseconds head_timeout =
        reserved ? std::min(options.head_timeout, kReservedHeadTimeout) : options.head_timeout;
    std::unique_ptr<Transport> t = l.tls ? l.tls->Accept(fd, head_timeout) : PlainTransport(fd);
    if (!t) return;
    Inbox in;
    for (std::size_t n = 0; n < kMaxRequestsPerConnection && !stopped.load(); ++n) {
      HeadRead read =
          ReadRequestHead(*t, in, {n == 0 ? head_timeout : kIdleTimeout, head_timeout}, stopped);
      if (read.kind == HeadRead::kRefused) Refuse(l, *t, read);
      if (read.kind != HeadRead::kHead) return;
      const RequestHead& head = read.head;
      if (reserved && !IsAdminPath(PathOf(head))) {
        const auto now = static_cast<std::int64_t>(state.Now());
        WriteRefusal(*t, TooManyConnections(), FormatHttpDate(now), kWriteTimeout);
        return;
      }
      WireStream strm(*t, in, ShimHead(head), options.body_timeout);
      Call call{flow.PlanFor(*l.site, head.method, head.target,
                             HeaderList(head.fields.begin(), head.fields.end())),
                std::make_shared<WireInjector>(strm.refusal(), t->fd(), flow)};
      bool closed = false;
      const bool last = reserved || n + 1 == kMaxRequestsPerConnection || stopped.load();
      const httplib::Request* served = nullptr;
      const bool ok = l.front->ServeOne(strm, last, closed, [&](httplib::Request& r) {
        r.target = head.target;
        r.path = PathOf(head);
        r.params.clear();
        r.headers.clear();
        for (const auto& [name, value] : head.fields) r.headers.emplace(name, value);
        l.calls.Put(&r, &call);
        served = &r;
      });
      if (served) l.calls.Drop(served);
      if (strm.timed_out()) {
        read.refusal = {408, "the request body did not arrive within " +
                                 std::to_string(options.body_timeout.count()) + " ms"};
        Refuse(l, *t, read);
        return;
      }
      if (strm.refusal().refused && strm.refusal().reset) ResetNow(t->fd());
      if (!ok || closed || strm.refusal().refused) return;
    }
  }

  std::unique_ptr<Front> MakeServer(SiteServer& l) {
    auto srv = std::make_unique<Front>();
    srv->set_keep_alive_max_count(kMaxRequestsPerConnection);
    // Keep-Alive: timeout= says what the connection loop does (kIdleTimeout):
    // a client that trusts the hint (Node's agent keeps a socket until one
    // second before it) never reuses a connection the mock is closing; with
    // httplib's default of 5 s, @huggingface/hub's XetBlob met "socket hang
    // up" when it sent a request as the mock closed the idle connection.
    srv->set_keep_alive_timeout(
        std::chrono::duration_cast<std::chrono::seconds>(kIdleTimeout).count());
    srv->set_payload_max_length(1 << 20);
    auto handler = [this, &l](const httplib::Request& req, httplib::Response& res) {
      try {
        Handle(l, req, res);
      } catch (const std::exception& e) {  // a bug, answered rather than crashing the server
        const HttpResponse answer = InternalErrorAnswer(e);
        res.set_content(answer.body, CopyHead(answer, res));
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
    std::vector<std::string> hosts;
    for (const auto& l : listeners) hosts.push_back(l->address.host);
    if (Status st = SetUpSiteTls(options.tls_dir, hosts, tls, owned_tls_dir); !st.ok()) return st;
    ca_file = tls.ca_file;
    return Status::Ok();
  }

  Status Bind(SiteServer& l, const std::string& scheme) {
    l.listener =
        std::make_unique<Listener>(options.max_connections, options.admin_connections, !l.tls);
    StatusOr<std::string> url = BindSite(*l.listener, *l.site, l.address, scheme);
    if (!url.ok()) return url.status();
    l.url = *url;
    urls[l.site->name] = l.url;
    return Status::Ok();
  }

  Status StartAll() {
    for (const Site& site : Sites()) {
      auto l = std::make_unique<SiteServer>();
      l->site = &site;
      l->address = AddressOf(site, options);
      listeners.push_back(std::move(l));
    }
    TlsMaterial tls;
    if (options.tls) {
      if (Status st = SetUpTls(tls); !st.ok()) return st;
    }
    const std::string scheme = options.tls ? "https://" : "http://";
    for (auto& l : listeners) {
      l->front = MakeServer(*l);
      if (options.tls) {
        auto acceptor = TlsAcceptor::Load(tls.cert_file, tls.key_file);
        if (!acceptor.ok()) return acceptor.status();
        l->tls = *acceptor;
      }
      if (Status st = Bind(*l, scheme); !st.ok()) return st;
    }
    // Every socket is listening once bound: connections queue in the backlog,
    // so the sites are ready as soon as Start returns.
    for (auto& l : listeners) {
      SiteServer* raw = l.get();
      l->listener->Start(
          [this, raw](int fd, bool reserved) { ServeConnection(*raw, fd, reserved); });
    }
    return Status::Ok();
  }

  void StopAll() {
    for (auto& l : listeners) {
      if (l->front) l->front->Shutdown();
    }
    for (auto& l : listeners) {
      if (l->listener) l->listener->Stop();
    }
    RemoveTlsDir(owned_tls_dir);
  }
};

StatusOr<std::unique_ptr<MockServer>> MockServer::Start(World world, ServerOptions options) {
  // One source of truth for the flavour: the hub signs URLs for it and the
  // CDN checks them.
  if (options.cdn_flavour) world.options.cdn_flavour = *options.cdn_flavour;
  auto impl = std::make_unique<Impl>(std::move(world), std::move(options));
  impl->signing_key =
      impl->options.signing_key.empty() ? RandomHexKey(32) : impl->options.signing_key;
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
FaultSet& MockServer::faults() { return *impl_->faults; }
Journal& MockServer::journal() { return impl_->journal; }

}  // namespace mockhub
