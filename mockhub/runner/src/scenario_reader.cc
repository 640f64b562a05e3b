// The primitive readers and the client set-up (tokens, env, cache) of a
// scenario file. See scenario_reader.h.
#include "scenario_reader.h"

#include <map>
#include <set>

namespace mockhub::runner {

using nlohmann::json;

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

bool ScenarioReader::Env(const json& env, const std::string& ptr, ClientSetup& out) {
  if (!env.is_object()) return Fail(ptr, "expected an object of name -> value");
  for (auto it = env.begin(); it != env.end(); ++it) {
    const std::string eptr = ptr + "/" + PointerToken(it.key());
    if (!it.value().is_string()) return Fail(eptr, "must be a string");
    if (it.key() == "HF_ENDPOINT" || it.key() == "HF_HOME" || it.key() == "HF_HUB_CACHE") {
      return Fail(eptr, "set by the runner for every scenario");
    }
    if (it.key() == "HF_TOKEN" || it.key() == "HUGGING_FACE_HUB_TOKEN") {
      return Fail(eptr, "use \"token\": {\"source\": \"" + it.key() + "\", \"value\": ...}");
    }
    out.env[it.key()] = it.value().get<std::string>();
  }
  return true;
}

bool ScenarioReader::Cache(const json& cache, const std::string& ptr, ClientSetup& out) {
  if (!cache.is_array()) return Fail(ptr, "expected an array of cached files");
  for (std::size_t i = 0; i < cache.size(); ++i) {
    const std::string cptr = ptr + "/" + std::to_string(i);
    CachedFile f;
    if (!Keys(cache[i], cptr, {"repo", "type", "revision", "path", "partial_bytes"}) ||
        !Str(cache[i], cptr, "repo", f.repo, true) || !Type(cache[i], cptr, "type", f.type) ||
        !Str(cache[i], cptr, "revision", f.revision) ||
        !Str(cache[i], cptr, "path", f.path, true) ||
        !Uint(cache[i], cptr, "partial_bytes", f.partial_bytes)) {
      return false;
    }
    out.cache.push_back(f);
  }
  return true;
}

bool ScenarioReader::Client(const json& c, const std::string& ptr, ClientSetup& out, bool step) {
  std::set<std::string> keys = {"token", "env"};
  if (!step) keys.insert({"tls", "cdn", "cache"});
  if (!Keys(c, ptr, keys)) return false;
  if (c.contains("token")) {
    out.tokens_given = true;
    if (!Token(c.at("token"), ptr + "/token", out.tokens)) return false;
  }
  if (c.contains("env") && !Env(c.at("env"), ptr + "/env", out)) return false;
  if (!Bool(c, ptr, "tls", out.tls)) return false;
  if (c.contains("cdn")) {
    std::string f;
    if (!Str(c, ptr, "cdn", f)) return false;
    out.cdn = ParseCdnFlavour(f);
    if (!out.cdn) return Fail(ptr + "/cdn", "must be \"cloudfront\" or \"s3\"");
  }
  if (c.contains("cache") && !Cache(c.at("cache"), ptr + "/cache", out)) return false;
  return true;
}

}  // namespace mockhub::runner
