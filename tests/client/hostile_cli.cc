// See hostile_cli.h.
#include "hostile_cli.h"

#include <algorithm>
#include <filesystem>

namespace hubget::testing {

namespace fs = std::filesystem;

std::string RawResponse(int status, const RawHeaders& headers, const std::string& body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    out += name + ": " + value + "\r\n";
    has_length = has_length || name == "Content-Length";
  }
  if (!has_length) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return out + "Connection: close\r\n\r\n" + body;
}

RawHeaders FileHeaders(const std::string& body) {
  return {{"X-Repo-Commit", kCommit},
          {"ETag", std::string("\"") + kGitEtag + "\""},
          {"Content-Length", std::to_string(body.size())}};
}

void HostileCliTest::SetUp() {
  for (const char* d : {"/home", "/hf", "/scratch"}) fs::create_directories(dir.path() + d);
}

Env HostileCliTest::BaseEnv(const std::string& endpoint) const {
  return {{"HOME", dir.path() + "/home"},
          {"HF_HOME", HfHome()},
          {"HF_HUB_CACHE", Cache()},
          {"HF_ENDPOINT", endpoint},
          {"HUBGET_RETRY_BASE_MS", "1"},
          {"HUBGET_MAX_RETRIES", "0"},
          {"HF_HUB_DISABLE_PROGRESS_BARS", "1"}};
}

ProcessResult HostileCliTest::Hubget(const std::string& endpoint, std::vector<std::string> args,
                                     const Env& extra) {
  Env env = BaseEnv(endpoint);
  for (const auto& [k, v] : extra) env[k] = v;
  args.insert(args.begin(), HUBGET_BINARY);
  return ::hubget::testing::Run(args, env, dir.path() + "/scratch");
}

ProcessResult HostileCliTest::HubgetWithFileSizeLimit(const std::string& endpoint,
                                                      std::vector<std::string> args,
                                                      long long max_file_bytes) {
  args.insert(args.begin(), HUBGET_BINARY);
  return RunWithFileSizeLimit(args, BaseEnv(endpoint), max_file_bytes);
}

nlohmann::json HostileCliTest::LastJson(const ProcessResult& r) {
  const auto j = nlohmann::json::parse(r.LastLine(), nullptr, false);
  EXPECT_TRUE(j.is_object()) << "last stdout line is not a JSON object: " << r.LastLine()
                             << "\nstderr: " << r.err;
  return j.is_object() ? j : nlohmann::json::object();
}

std::vector<std::string> HostileCliTest::FilesUnder(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
    out.push_back(it->path().lexically_relative(root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hubget::testing
