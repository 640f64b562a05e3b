// Test doubles for hubget (see fakes.h).
#include "fakes.h"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace hubget::testing {

Result<HttpResponse> Play(const HttpRequest& req, const Canned& c) {
  HttpResponse head;
  head.status = c.status;
  head.headers = c.headers;
  head.effective_url = req.url;
  const bool stream = req.on_head ? req.on_head(head) : false;
  std::string body = c.body;
  const bool cut = c.cut_after.has_value() && *c.cut_after < body.size();
  if (cut) body.resize(*c.cut_after);
  if (req.method == "HEAD") body.clear();
  HttpResponse resp = head;
  if (stream && req.on_body) {
    // Deliver in small chunks, as a socket would.
    for (std::size_t i = 0; i < body.size(); i += 7) {
      const std::size_t n = std::min<std::size_t>(7, body.size() - i);
      if (!req.on_body(body.data() + i, n)) {
        Error e = MakeError(Kind::kCancelled, "aborted by the body callback");
        e.call.url = req.url;
        return e;
      }
    }
  } else {
    resp.body = body;
  }
  if (cut) {
    Error e = MakeError(Kind::kNetwork, "connection reset (simulated)");
    e.call.url = req.url;
    return e;
  }
  return resp;
}

void Routes::Add(const std::string& method, const std::string& url, Canned c) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[method + " " + url].push_back(std::move(c));
}

void Routes::Set(const std::string& method, const std::string& url, Canned c) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[method + " " + url] = {std::move(c)};
}

Result<HttpResponse> Routes::Handle(const HttpRequest& req) {
  Canned c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back({req.method, req.url, req.headers});
    auto it = routes_.find(req.method + " " + req.url);
    if (it == routes_.end() || it->second.empty()) {
      c.status = 599;
      c.body = "no route for " + req.method + " " + req.url;
    } else {
      c = it->second.front();
      if (it->second.size() > 1) it->second.erase(it->second.begin());
    }
  }
  return Play(req, c);
}

std::vector<Seen> Routes::seen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_;
}

int Routes::Count(const std::string& method, const std::string& url_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& s : seen_) {
    if (s.method == method && s.url.rfind(url_prefix, 0) == 0) ++n;
  }
  return n;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xF];
  }
  return out;
}

ClientConfig TestConfig(const std::string& cache_dir, std::optional<std::string> token) {
  ClientConfig c;
  c.endpoint = kEndpoint;
  c.cache_dir = cache_dir;
  if (token) {
    c.token.value = *token;
    c.token.source.where = TokenSource::Where::kHfToken;
  }
  return c;
}

}  // namespace hubget::testing
