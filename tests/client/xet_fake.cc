// See xet_fake.h.
#include "xet_fake.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fakes.h"
#include "wait_for.h"

namespace hubget::testing {
namespace {

using nlohmann::json;

RouteReply Status(int status, const std::string& message = "") {
  RouteReply r;
  r.status = status;
  if (!message.empty()) r.headers.push_back({"X-Error-Message", message});
  return r;
}

RouteReply Json(const json& j) {
  RouteReply r;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = j.dump();
  return r;
}

// "bytes=S-E" or "bytes=S-": S and E (E = `open_end` when absent); false
// when it does not parse.
bool ParseRange(const std::string& h, std::uint64_t open_end, std::uint64_t* s, std::uint64_t* e) {
  if (h.rfind("bytes=", 0) != 0) return false;
  const auto dash = h.find('-', 6);
  if (dash == std::string::npos || dash == 6) return false;
  *s = std::stoull(h.substr(6, dash - 6));
  *e = dash + 1 == h.size() ? open_end : std::stoull(h.substr(dash + 1));
  return true;
}

}  // namespace

XetFake::XetFake(std::string data, XetFakeOptions options, TestClock& clock)
    : content(std::move(data)),
      sha256(Sha256Hex(content)),
      xet_hash(Sha256Hex("xet file " + content)),
      options_(std::move(options)),
      clock_(clock) {
  const std::size_t chunks = (content.size() + options_.chunk_size - 1) / options_.chunk_size;
  for (std::size_t c = 0; c < chunks; c += options_.chunks_per_xorb) {
    Xorb x;
    x.first_chunk = c;
    for (std::size_t k = c; k < std::min(chunks, c + options_.chunks_per_xorb); ++k) {
      x.offsets.push_back(x.bytes.size());
      const unsigned scheme = options_.schemes[k % options_.schemes.size()];
      x.bytes += EncodeChunk(content.substr(k * options_.chunk_size, options_.chunk_size), scheme);
    }
    x.offsets.push_back(x.bytes.size());
    x.hash = Sha256Hex("xorb " + std::to_string(xorbs_.size()) + x.bytes);
    xorbs_.push_back(std::move(x));
  }
  xorb_asked_.assign(xorbs_.size(), false);
  hub_ = std::make_unique<RouteServer>("127.0.0.1");
  cas_ = std::make_unique<RouteServer>("127.0.0.3");
  cdn_ = std::make_unique<RouteServer>("127.0.0.2");
  hub_->Start([this](const RouteRequest& r) { return Hub(r); });
  cas_->Start([this](const RouteRequest& r) { return Cas(r); });
  cdn_->Start([this](const RouteRequest& r) { return Cdn(r); });
}

std::string XetFake::TokenPath() const {
  return "/api/models/" + repo + "/xet-read-token/" + commit;
}

int XetFake::XorbIndex(const RouteRequest& r) const {
  for (std::size_t i = 0; i < xorbs_.size(); ++i) {
    if (r.Path() == "/xorbs/" + xorbs_[i].hash) return static_cast<int>(i);
  }
  return -1;
}

RouteReply XetFake::Hub(const RouteRequest& r) {
  const std::string resolve = "/" + repo + "/resolve/";
  const std::string file = "/" + path;
  if (r.Path().rfind(resolve, 0) == 0 && r.Path().size() > resolve.size() + file.size() &&
      r.Path().compare(r.Path().size() - file.size(), file.size(), file) == 0) {
    RouteReply reply = Status(302);
    reply.headers = {
        {"Location", cdn_->url() + "/xet-bridge/" + xet_hash + "?sig=bridge"},
        {"X-Repo-Commit", commit},
        {"X-Linked-Etag", "\"" + sha256 + "\""},
        {"ETag", "\"" + sha256 + "\""},
        {"X-Linked-Size", std::to_string(content.size())},
        {"X-Xet-Hash", xet_hash},
        {"Link", "<" + hub_->url() + TokenPath() + ">; rel=\"xet-auth\", <" + cas_->url() +
                     "/v1/reconstructions/" + xet_hash + ">; rel=\"xet-reconstruction-info\""}};
    return reply;
  }
  if (r.Path().rfind("/api/models/" + repo + "/tree/", 0) == 0) return TreePage(r);
  if (r.Path() != TokenPath()) return Status(404, "Repository not found");
  if (r.Header("authorization") != "Bearer " + hub_token) {
    return Status(401, "Invalid credentials in Authorization header");
  }
  std::lock_guard<std::mutex> lock(mu_);
  const std::int64_t exp = clock_.UnixNow() + options_.token_ttl;
  token_exp_.push_back(exp);
  ++tokens_issued;
  json token = {{"accessToken", "cas_tok_" + std::to_string(token_exp_.size() - 1)},
                {"exp", exp},
                {"casUrl", cas_->url()}};
  if (token_padding > 0) token["padding"] = std::string(token_padding, 'x');
  return Json(token);
}

bool XetFake::CasTokenValid(const std::string& authorization) {
  const std::string prefix = "Bearer cas_tok_";
  if (authorization.rfind(prefix, 0) != 0) return false;
  const std::size_t n = std::stoul(authorization.substr(prefix.size()));
  std::lock_guard<std::mutex> lock(mu_);
  return n < token_exp_.size() && token_exp_[n] > clock_.UnixNow();
}

RouteReply XetFake::TreePage(const RouteRequest& r) {
  const auto at = r.target.find("cursor=");
  const int page = at == std::string::npos ? 0 : std::stoi(r.target.substr(at + 7));
  json entries = json::array();
  if (page == 0) {
    const json lfs = {{"oid", sha256}, {"size", content.size()}, {"pointerSize", 134}};
    entries.push_back({{"type", "file"},
                       {"oid", "0000000000000000000000000000000000000001"},
                       {"size", content.size()},
                       {"lfs", lfs},
                       {"xetHash", xet_hash},
                       {"path", path}});
  }
  RouteReply reply = Json(entries);
  const std::string folder = R"({"type":"directory","oid":"0","size":0,"path":"d"})";
  reply.body.pop_back();  // the ']': folders are appended as text (a JSON tree of them is slow)
  for (int i = 0; i < tree_page_folders; ++i) {
    if (reply.body.size() > 1) reply.body += ',';
    reply.body += folder;
  }
  reply.body += ']';
  if (page + 1 < tree_pages) {
    reply.headers.push_back({"Link", "<" + hub_->url() + r.Path() + "?recursive=true&cursor=" +
                                         std::to_string(page + 1) + ">; rel=\"next\""});
  }
  return reply;
}

RouteReply XetFake::Cas(const RouteRequest& r) {
  if (r.Path() != "/v2/reconstructions/" + xet_hash) return Status(404);
  if (!CasTokenValid(r.Header("authorization"))) return Status(401);
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  const std::uint64_t size = content.size();
  if (!ParseRange(r.Header("range"), size - 1, &start, &end)) return Status(400);
  if (start >= size) return Status(416);
  RouteReply reply = Reconstruction(start, std::min(end, size - 1));
  clock_.Advance(std::chrono::seconds(clock_step.load()));
  return reply;
}

RouteReply XetFake::Reconstruction(std::uint64_t start, std::uint64_t end) {
  const std::size_t cs = start / options_.chunk_size;
  const std::size_t ce = end / options_.chunk_size;
  json terms = json::array();
  json fetch = json::object();
  for (const Xorb& x : xorbs_) {
    const std::size_t n = x.offsets.size() - 1;
    const std::size_t lo = std::max(cs, x.first_chunk);
    const std::size_t hi = std::min(ce + 1, x.first_chunk + n);
    if (lo >= hi) continue;
    const std::size_t a = lo - x.first_chunk;
    const std::size_t b = hi - x.first_chunk;
    const std::uint64_t unpacked =
        std::min<std::uint64_t>(hi * options_.chunk_size, content.size()) -
        lo * options_.chunk_size;
    terms.push_back({{"hash", x.hash},
                     {"unpacked_length", static_cast<long long>(unpacked) + unpacked_delta},
                     {"range", {{"start", a}, {"end", b}}}});
    const std::string url = cdn_->url() + "/xorbs/" + x.hash + "?chunks=" + std::to_string(a) +
                            "-" + std::to_string(b) + "&sig=ok";
    const json bytes = {{"start", x.offsets[a]}, {"end", x.offsets[b] - 1}};
    const json chunks = {{"start", a}, {"end", b}};
    fetch[x.hash] = json::array(
        {{{"url", url}, {"ranges", json::array({{{"chunks", chunks}, {"bytes", bytes}}})}}});
  }
  json body = {{"offset_into_first_range", start - cs * options_.chunk_size}, {"terms", terms}};
  body["xorbs"] = fetch;
  if (recon_padding > 0) body["padding"] = std::string(recon_padding, 'x');
  RouteReply reply = Json(body);
  reply.close_delimited = recon_unannounced;
  return reply;
}

XetFake::~XetFake() {
  for (RouteServer* server : {hub_.get(), cas_.get(), cdn_.get()}) {
    if (server) server->Stop();
  }
}

RouteReply XetFake::Cdn(const RouteRequest& r) {
  const int index = XorbIndex(r);
  if (index < 0) return Status(404);
  Hold(index);
  return ServeXorb(r, index);
}

void XetFake::Hold(int index) {
  std::unique_lock<std::mutex> lock(mu_);
  xorb_asked_[static_cast<std::size_t>(index)] = true;
  asked_.notify_all();
  const int until = hold_first_xorb.load();
  if (index != 0 || until <= 0) return;
  const bool others = asked_.wait_for(lock, testsupport::kWaitDefault, [&] {
    for (int i = 1; i <= until; ++i) {
      if (!xorb_asked_[static_cast<std::size_t>(i)]) return false;
    }
    return true;
  });
  held_until_others = others;
}

RouteReply XetFake::ServeXorb(const RouteRequest& r, int index) {
  const Xorb& x = xorbs_[static_cast<std::size_t>(index)];
  const std::string query = r.target.substr(r.target.find('?') + 1);
  const auto eq = query.find("chunks=");
  const auto dash = query.find('-', eq);
  const std::size_t a = std::stoul(query.substr(eq + 7, dash - eq - 7));
  const std::size_t b = std::stoul(query.substr(dash + 1));
  const std::size_t first = x.offsets[a];
  const std::size_t last = x.offsets[b] - 1;
  if (r.Header("range") != "bytes=" + std::to_string(first) + "-" + std::to_string(last)) {
    RouteReply denied = Status(403);
    denied.body = "<Error><Code>AccessDenied</Code><Message>Range not signed</Message></Error>";
    return denied;
  }
  if (xorb_retry_after > 0) {
    RouteReply limited = Status(429);
    limited.headers.push_back({"Retry-After", std::to_string(xorb_retry_after.load())});
    return limited;
  }
  if (whole_xorb_200) {  // Range ignored: the whole xorb, and what follows it
    RouteReply whole = Status(200);
    whole.body = x.bytes;
    whole.pad_bytes = xorb_pad;
    return whole;
  }
  RouteReply reply = Status(206);
  reply.headers.push_back({"Content-Range", "bytes " + std::to_string(first) + "-" +
                                                std::to_string(last) + "/" +
                                                std::to_string(x.bytes.size())});
  reply.body = x.bytes.substr(first, last - first + 1);
  if (endless_xorb_gets > 0) {
    --endless_xorb_gets;
    reply.pad_bytes = xorb_pad;
    reply.close_delimited = true;
  }
  return reply;
}

}  // namespace hubget::testing
