// The primitive readers and the client set-up (tokens, env, cache) of a
// scenario file. See scenario_reader.h.
#include "scenario_reader.h"

#include <algorithm>
#include <map>
#include <set>

#include "env_values.h"

namespace mockhub::runner {

using nlohmann::json;

std::vector<LoadError> ScenarioReader::Errors() const {
  std::vector<LoadError> all = errors_;
  if (failed()) all.push_back(error());
  return all;
}

bool ScenarioReader::Keys(const json& obj, const std::string& ptr,
                          const std::set<std::string>& allowed) {
  if (!obj.is_object()) return Fail(ptr, "expected an object");
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  bool known = true;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (allowed.count(it.key())) continue;
    Add(LoadError{file_, ptr + "/" + PointerToken(it.key()),
                  "unknown key \"" + it.key() + "\" (expected one of: " + list + ")"});
    known = false;
  }
  return known;
}

bool ScenarioReader::Strs(const json& o, const std::string& ptr, const char* key,
                          std::vector<std::string>& out) {
  if (!o.contains(key)) return true;
  const json& v = o.at(key);
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
    return true;
  }
  if (!v.is_array()) return Fail(ptr + "/" + key, "must be a string or an array of strings");
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string())
      return Fail(ptr + "/" + key + "/" + std::to_string(i), "must be a string");
    out.push_back(v[i].get<std::string>());
  }
  return true;
}

bool ScenarioReader::Uint(const json& o, const std::string& ptr, const char* key,
                          std::optional<std::uint64_t>& out) {
  if (!o.contains(key)) return true;
  if (!o.at(key).is_number_unsigned())
    return Fail(ptr + "/" + key, "must be a non-negative integer");
  out = o.at(key).get<std::uint64_t>();
  return true;
}

bool ScenarioReader::Type(const json& o, const std::string& ptr, const char* key, RepoType& out) {
  std::string t = RepoTypeName(out);
  if (!Str(o, ptr, key, t)) return false;
  auto parsed = ParseRepoType(t);
  if (!parsed) return Fail(ptr + "/" + key, "must be \"model\", \"dataset\" or \"space\"");
  out = *parsed;
  return true;
}

bool ScenarioReader::NamedStrs(const json& o, const std::string& ptr, const char* key,
                               NameRule rule, const char* what, std::vector<std::string>& out) {
  const std::size_t first = out.size();
  if (!Strs(o, ptr, key, out)) return false;
  const bool one = o.contains(key) && o.at(key).is_string();
  for (std::size_t i = first; i < out.size(); ++i) {
    const std::string at = ptr + "/" + key + (one ? "" : "/" + std::to_string(i - first));
    if (!Name(rule, what, out[i], at)) return false;
  }
  return true;
}

bool ScenarioReader::Token(const json& v, const std::string& ptr, std::vector<TokenSetup>& out) {
  out.clear();
  if (v.is_string() && v == "none") return true;
  if (v.is_array()) {
    std::set<int> sources;
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::vector<TokenSetup> one;
      if (!Token(v[i], ptr + "/" + std::to_string(i), one)) return false;
      for (const auto& t : one) {
        if (!sources.insert(static_cast<int>(t.source)).second) {
          return Fail(ptr + "/" + std::to_string(i), "each source appears once");
        }
        out.push_back(t);
      }
    }
    return true;
  }
  TokenSetup t;
  if (!Keys(v, ptr, {"source", "value"})) return false;
  std::string source;
  if (!Str(v, ptr, "source", source, true) || !Str(v, ptr, "value", t.value)) return false;
  static const std::map<std::string, TokenSetup::Source> kSources = {
      {"none", TokenSetup::Source::kNone},
      {"HF_TOKEN", TokenSetup::Source::kHfToken},
      {"HUGGING_FACE_HUB_TOKEN", TokenSetup::Source::kHuggingFaceHubToken},
      {"token_file", TokenSetup::Source::kTokenFile},
      {"HF_TOKEN_PATH", TokenSetup::Source::kTokenPath},
      {"argument", TokenSetup::Source::kArgument}};
  auto it = kSources.find(source);
  if (it == kSources.end()) {
    return Fail(ptr + "/source",
                "must be one of: none, HF_TOKEN, HUGGING_FACE_HUB_TOKEN, token_file, "
                "HF_TOKEN_PATH, argument");
  }
  t.source = it->second;
  if (t.source != TokenSetup::Source::kNone && !v.contains("value")) {
    return Fail(ptr, "a token source needs a \"value\"");
  }
  if (t.source != TokenSetup::Source::kNone) out.push_back(t);
  return true;
}

namespace {

// CA bundles: their paths follow env_values.h's rule, not LeavesTheTempDir.
const std::set<std::string>& CaFileVariables() {
  static const std::set<std::string> kNames = {"CURL_CA_BUNDLE",      "SSL_CERT_FILE",
                                               "SSL_CERT_DIR",        "REQUESTS_CA_BUNDLE",
                                               "NODE_EXTRA_CA_CERTS", "HUBGET_CA_FILE"};
  return kNames;
}

// The variables a downloader is meant to see (scenarios/README.md, "env"):
// HF_*, HUBGET_*, TRANSFORMERS_OFFLINE, the proxies and the CA bundles.
// Anything else (LD_PRELOAD, NODE_OPTIONS, PATH, HOME, ...) could make the
// client run code the scenario ships or write outside its temporary folder.
bool DownloaderVariable(const std::string& name) {
  static const std::set<std::string> kNames = {
      "TRANSFORMERS_OFFLINE", "HTTP_PROXY",  "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
      "http_proxy",           "https_proxy", "no_proxy",    "all_proxy"};
  if (kNames.count(name) || CaFileVariables().count(name)) return true;
  for (const char* prefix : {"HF_", "HUBGET_"}) {
    const std::string p = prefix;
    if (name.size() <= p.size() || name.compare(0, p.size(), p) != 0) continue;
    return std::all_of(
        name.begin() + static_cast<std::ptrdiff_t>(p.size()), name.end(),
        [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
  }
  return false;
}

// A value naming a place outside the client's working directory (the
// scenario's temporary folder): absolute, from home, or climbing out.
bool LeavesTheTempDir(const std::string& v) {
  if (!v.empty() && (v[0] == '/' || v[0] == '~')) return true;
  for (std::size_t at = v.find(".."); at != std::string::npos; at = v.find("..", at + 1)) {
    const bool starts = at == 0 || v[at - 1] == '/';
    const bool ends = at + 2 == v.size() || v[at + 2] == '/';
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

bool ScenarioReader::Env(const json& env, const std::string& ptr, ClientSetup& out) {
  if (!env.is_object()) return Fail(ptr, "expected an object of name -> value");
  bool ok = true;
  for (auto it = env.begin(); it != env.end(); ++it) {
    const std::string eptr = ptr + "/" + PointerToken(it.key());
    ok = Part(eptr, [&](ScenarioReader& r) { return r.EnvVariable(it.key(), *it, eptr, out); }) &&
         ok;
  }
  return ok;
}

bool ScenarioReader::EnvVariable(const std::string& name, const json& v, const std::string& eptr,
                                 ClientSetup& out) {
  if (!v.is_string()) return Fail(eptr, "must be a string");
  if (name == "HF_ENDPOINT" || name == "HF_HOME" || name == "HF_HUB_CACHE")
    return Fail(eptr, "set by the runner for every scenario");
  if (name == "HF_TOKEN" || name == "HUGGING_FACE_HUB_TOKEN" || name == "HF_TOKEN_PATH")
    return Fail(eptr, "use \"token\": {\"source\": \"" + name + "\", \"value\": ...}");
  if (!DownloaderVariable(name)) {
    return Fail(eptr,
                "not a variable for a downloader: only HF_*, HUBGET_*, TRANSFORMERS_OFFLINE, "
                "the proxy variables and the CA bundle variables may be set");
  }
  const std::string value = v.get<std::string>();
  if (const std::string why = EnvValueProblem(name, value); !why.empty()) return Fail(eptr, why);
  if (!CaFileVariables().count(name) && LeavesTheTempDir(value)) {
    return Fail(eptr, "names a path outside the scenario's temporary folder (absolute, ~ or ..)");
  }
  out.env[name] = value;
  return true;
}

bool ScenarioReader::Cache(const json& cache, const std::string& ptr, ClientSetup& out) {
  if (!cache.is_array()) return Fail(ptr, "expected an array of cached files");
  bool ok = true;
  for (std::size_t i = 0; i < cache.size(); ++i) {
    const std::string cptr = ptr + "/" + std::to_string(i);
    ok =
        Part(
            cptr,
            [&](ScenarioReader& r) {
              CachedFile f;
              if (!r.Keys(cache[i], cptr, {"repo", "type", "revision", "path", "partial_bytes"}) ||
                  !r.NamedStr(cache[i], cptr, "repo", names::RepoId, "repo id", f.repo, true) ||
                  !r.Type(cache[i], cptr, "type", f.type) ||
                  !r.NamedStr(cache[i], cptr, "revision", names::Revision, "revision",
                              f.revision) ||
                  !r.NamedStr(cache[i], cptr, "path", names::RepoPath, "file path", f.path, true) ||
                  !r.Uint(cache[i], cptr, "partial_bytes", f.partial_bytes)) {
                return false;
              }
              out.cache.push_back(f);
              return true;
            }) &&
        ok;
  }
  return ok;
}

// Each setting is a part: a bad token does not hide a bad env variable.
bool ScenarioReader::Client(const json& c, const std::string& ptr, ClientSetup& out, bool step) {
  std::set<std::string> keys = {"token", "env"};
  if (!step) keys.insert({"tls", "cdn", "cache"});
  if (!c.is_object()) return Fail(ptr, "expected an object");
  bool ok = Keys(c, ptr, keys);
  if (c.contains("token")) {
    out.tokens_given = true;
    ok = Part(ptr + "/token",
              [&](ScenarioReader& r) {
                return r.Token(c.at("token"), ptr + "/token", out.tokens);
              }) &&
         ok;
  }
  if (c.contains("env")) {
    ok = Part(ptr + "/env",
              [&](ScenarioReader& r) { return r.Env(c.at("env"), ptr + "/env", out); }) &&
         ok;
  }
  if (!step) {
    ok =
        Part(ptr + "/tls", [&](ScenarioReader& r) { return r.Bool(c, ptr, "tls", out.tls); }) && ok;
    ok = Part(ptr + "/cdn", [&](ScenarioReader& r) { return r.Cdn(c, ptr, out); }) && ok;
  }
  if (c.contains("cache")) {
    ok = Part(ptr + "/cache",
              [&](ScenarioReader& r) { return r.Cache(c.at("cache"), ptr + "/cache", out); }) &&
         ok;
  }
  return ok;
}

bool ScenarioReader::Cdn(const json& c, const std::string& ptr, ClientSetup& out) {
  if (!c.contains("cdn")) return true;
  std::string f;
  if (!Str(c, ptr, "cdn", f)) return false;
  out.cdn = ParseCdnFlavour(f);
  if (!out.cdn) return Fail(ptr + "/cdn", "must be \"cloudfront\" or \"s3\"");
  return true;
}

}  // namespace mockhub::runner
