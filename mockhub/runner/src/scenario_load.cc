// Scenario files -> Scenario. Strict: every unknown key is an error with its
// JSON pointer, and references (repos, files, tokens, commits, users) are
// checked against the scenario's own world before anything runs.
#include <filesystem>
#include <set>

#include "json_checker.h"
#include "mockhub/runner/scenario.h"
#include "mockhub/world_json.h"

namespace mockhub {

using nlohmann::json;

const char* TokenSourceName(TokenSetup::Source s) {
  switch (s) {
    case TokenSetup::Source::kNone:
      return "none";
    case TokenSetup::Source::kHfToken:
      return "HF_TOKEN";
    case TokenSetup::Source::kHuggingFaceHubToken:
      return "HUGGING_FACE_HUB_TOKEN";
    case TokenSetup::Source::kTokenFile:
      return "token_file";
    case TokenSetup::Source::kTokenPath:
      return "HF_TOKEN_PATH";
    case TokenSetup::Source::kArgument:
      return "argument";
  }
  return "none";
}

const std::vector<std::string>& ErrorKinds() {
  static const std::vector<std::string> kKinds = {"invalid_token",
                                                  "token_expired",
                                                  "auth_required",
                                                  "gated_auth_required",
                                                  "gated_not_authorized",
                                                  "forbidden",
                                                  "disabled",
                                                  "repo_not_found",
                                                  "revision_not_found",
                                                  "entry_not_found",
                                                  "rate_limited",
                                                  "server_error",
                                                  "network",
                                                  "timeout",
                                                  "integrity",
                                                  "not_a_hub",
                                                  "offline_not_cached",
                                                  "invalid_argument"};
  return kKinds;
}

namespace {

// The strict reader plus the scenario-specific readers.
class Reader : public JsonChecker {
 public:
  using JsonChecker::JsonChecker;
  using JsonChecker::Uint;

  bool Strs(const json& o, const std::string& ptr, const char* key, std::vector<std::string>& out) {
    if (!o.contains(key)) return true;
    const json& v = o.at(key);
    if (v.is_string()) {  // a single string is a one-element list, as in huggingface_hub
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
  // An optional unsigned member.
  bool Uint(const json& o, const std::string& ptr, const char* key,
            std::optional<std::uint64_t>& out) {
    if (!o.contains(key)) return true;
    if (!o.at(key).is_number_unsigned())
      return Fail(ptr + "/" + key, "must be a non-negative integer");
    out = o.at(key).get<std::uint64_t>();
    return true;
  }
  bool Type(const json& o, const std::string& ptr, const char* key, RepoType& out) {
    std::string t = RepoTypeName(out);
    if (!Str(o, ptr, key, t)) return false;
    auto parsed = ParseRepoType(t);
    if (!parsed) return Fail(ptr + "/" + key, "must be \"model\", \"dataset\" or \"space\"");
    out = *parsed;
    return true;
  }

  bool Token(const json& v, const std::string& ptr, std::vector<TokenSetup>& out) {
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

  bool Client(const json& c, const std::string& ptr, ClientSetup& out, bool step) {
    std::set<std::string> keys = {"token", "env"};
    if (!step) keys.insert({"tls", "cdn", "cache"});
    if (!Keys(c, ptr, keys)) return false;
    if (c.contains("token")) {
      out.tokens_given = true;
      if (!Token(c.at("token"), ptr + "/token", out.tokens)) return false;
    }
    if (c.contains("env")) {
      const json& env = c.at("env");
      if (!env.is_object()) return Fail(ptr + "/env", "expected an object of name -> value");
      for (auto it = env.begin(); it != env.end(); ++it) {
        const std::string eptr = ptr + "/env/" + PointerToken(it.key());
        if (!it.value().is_string()) return Fail(eptr, "must be a string");
        if (it.key() == "HF_ENDPOINT" || it.key() == "HF_HOME" || it.key() == "HF_HUB_CACHE") {
          return Fail(eptr, "set by the runner for every scenario");
        }
        if (it.key() == "HF_TOKEN" || it.key() == "HUGGING_FACE_HUB_TOKEN") {
          return Fail(eptr, "use \"token\": {\"source\": \"" + it.key() + "\", \"value\": ...}");
        }
        out.env[it.key()] = it.value().get<std::string>();
      }
    }
    if (!Bool(c, ptr, "tls", out.tls)) return false;
    if (c.contains("cdn")) {
      std::string f;
      if (!Str(c, ptr, "cdn", f)) return false;
      out.cdn = ParseCdnFlavour(f);
      if (!out.cdn) return Fail(ptr + "/cdn", "must be \"cloudfront\" or \"s3\"");
    }
    if (c.contains("cache")) {
      const json& cache = c.at("cache");
      if (!cache.is_array()) return Fail(ptr + "/cache", "expected an array of cached files");
      for (std::size_t i = 0; i < cache.size(); ++i) {
        const std::string cptr = ptr + "/cache/" + std::to_string(i);
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
    }
    return true;
  }

  bool Expect(const json& e, const std::string& ptr, Expectation& out) {
    if (!Keys(e, ptr, {"outcome", "files", "message", "cache", "wire"})) return false;
    if (e.contains("outcome")) {
      std::string o;
      if (!Str(e, ptr, "outcome", o)) return false;
      const auto& kinds = ErrorKinds();
      if (o != "ok" && std::find(kinds.begin(), kinds.end(), o) == kinds.end()) {
        return Fail(ptr + "/outcome", "unknown outcome \"" + o +
                                          "\": \"ok\" or an error kind of scenarios/README.md");
      }
      out.outcome = o;
    }
    if (e.contains("files")) {
      const json& f = e.at("files");
      if (!f.is_object())
        return Fail(ptr + "/files", "expected an object of path -> \"hub\" or \"sha256:<hex>\"");
      for (auto it = f.begin(); it != f.end(); ++it) {
        const std::string fptr = ptr + "/files/" + PointerToken(it.key());
        FileExpectation fe;
        fe.path = it.key();
        const std::string v = it.value().is_string() ? it.value().get<std::string>() : "";
        if (v == "hub") {
          fe.from_hub = true;
        } else if (v.rfind("sha256:", 0) == 0 && v.size() == 71) {
          fe.sha256 = v.substr(7);
        } else {
          return Fail(fptr, "must be \"hub\" (the hub's content) or \"sha256:<64 hex>\"");
        }
        out.files.push_back(fe);
      }
    }
    if (!Strs(e, ptr, "message", out.message)) return false;
    if (e.contains("cache")) {
      const json& c = e.at("cache");
      const std::string cptr = ptr + "/cache";
      CacheExpectation ce;
      if (!Keys(c, cptr, {"blobs", "no_incomplete", "refs", "snapshot", "absent"}) ||
          !Uint(c, cptr, "blobs", ce.blobs) || !Bool(c, cptr, "no_incomplete", ce.no_incomplete) ||
          !Strs(c, cptr, "snapshot", ce.snapshot) || !Strs(c, cptr, "absent", ce.absent)) {
        return false;
      }
      if (c.contains("refs")) {
        if (!c.at("refs").is_object())
          return Fail(cptr + "/refs", "expected an object of revision -> sha or \"hub\"");
        for (auto it = c.at("refs").begin(); it != c.at("refs").end(); ++it) {
          if (!it.value().is_string())
            return Fail(cptr + "/refs/" + PointerToken(it.key()), "must be a string");
          ce.refs[it.key()] = it.value().get<std::string>();
        }
      }
      out.cache = ce;
    }
    if (e.contains("wire")) {
      const json& w = e.at("wire");
      const std::string wptr = ptr + "/wire";
      WireExpectation we;
      if (!Keys(w, wptr,
                {"token_to_cdn", "token_to_hub", "requests", "ranges", "no_range_twice",
                 "retry_after_respected", "head_before_get", "max_connections"})) {
        return false;
      }
      for (const char* k : {"token_to_cdn", "token_to_hub"}) {
        if (w.contains(k)) {
          bool b = false;
          if (!Bool(w, wptr, k, b)) return false;
          (std::string(k) == "token_to_cdn" ? we.token_to_cdn : we.token_to_hub) = b;
        }
      }
      if (!Strs(w, wptr, "ranges", we.ranges) ||
          !Bool(w, wptr, "no_range_twice", we.no_range_twice) ||
          !Bool(w, wptr, "retry_after_respected", we.retry_after_respected) ||
          !Bool(w, wptr, "head_before_get", we.head_before_get) ||
          !Uint(w, wptr, "max_connections", we.max_connections)) {
        return false;
      }
      if (w.contains("requests")) {
        const json& r = w.at("requests");
        if (!r.is_array()) return Fail(wptr + "/requests", "expected an array of request counts");
        for (std::size_t i = 0; i < r.size(); ++i) {
          const std::string rptr = wptr + "/requests/" + std::to_string(i);
          CountExpectation ce;
          ce.pointer = rptr;
          std::optional<std::uint64_t> status;
          if (!Keys(r[i], rptr,
                    {"server", "method", "path", "status", "count", "at_least", "at_most"}) ||
              !Str(r[i], rptr, "server", ce.server) || !Str(r[i], rptr, "method", ce.method) ||
              !Str(r[i], rptr, "path", ce.path) || !Uint(r[i], rptr, "status", status) ||
              !Uint(r[i], rptr, "count", ce.exactly) ||
              !Uint(r[i], rptr, "at_least", ce.at_least) ||
              !Uint(r[i], rptr, "at_most", ce.at_most)) {
            return false;
          }
          if (!ce.server.empty() && ce.server != "hub" && ce.server != "cdn") {
            return Fail(rptr + "/server", "must be \"hub\" or \"cdn\"");
          }
          if (status) ce.status = static_cast<int>(*status);
          if (!ce.exactly && !ce.at_least && !ce.at_most) {
            return Fail(rptr, "needs \"count\", \"at_least\" or \"at_most\"");
          }
          we.requests.push_back(ce);
        }
      }
      out.wire = we;
    }
    return true;
  }

  bool ParseStep(const json& s, const std::string& ptr, Step& out) {
    static const std::map<std::string, Step::Kind> kActions = {
        {"download", Step::Kind::kDownload},
        {"info", Step::Kind::kInfo},
        {"whoami", Step::Kind::kWhoami},
        {"advance_clock", Step::Kind::kAdvanceClock},
        {"revoke_token", Step::Kind::kRevokeToken},
        {"expire_token", Step::Kind::kExpireToken},
        {"move_branch", Step::Kind::kMoveBranch},
        {"approve", Step::Kind::kApprove},
        {"rename", Step::Kind::kRename},
        {"client", Step::Kind::kClient}};
    if (!s.is_object()) return Fail(ptr, "expected an object");
    std::string action;
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (it.key() == "name" || it.key() == "expect") continue;
      if (!kActions.count(it.key())) {
        return Fail(ptr + "/" + PointerToken(it.key()),
                    "unknown step \"" + it.key() +
                        "\" (download, info, whoami, advance_clock, revoke_token, "
                        "expire_token, move_branch, approve, rename, client)");
      }
      if (!action.empty())
        return Fail(ptr,
                    "a step has one action; found \"" + action + "\" and \"" + it.key() + "\"");
      action = it.key();
    }
    if (action.empty()) return Fail(ptr, "a step needs an action");
    out.kind = kActions.at(action);
    out.pointer = ptr;
    out.name = action;
    if (!Str(s, ptr, "name", out.name)) return false;
    const json& a = s.at(action);
    const std::string aptr = ptr + "/" + action;
    switch (out.kind) {
      case Step::Kind::kDownload:
        if (!Keys(a, aptr, {"repo", "type", "revision", "files", "include", "exclude"}) ||
            !Str(a, aptr, "repo", out.repo, true) || !Type(a, aptr, "type", out.type) ||
            !Str(a, aptr, "revision", out.revision) || !Strs(a, aptr, "files", out.files) ||
            !Strs(a, aptr, "include", out.include) || !Strs(a, aptr, "exclude", out.exclude)) {
          return false;
        }
        break;
      case Step::Kind::kInfo:
        if (!Keys(a, aptr, {"repo", "type", "revision"}) || !Str(a, aptr, "repo", out.repo, true) ||
            !Type(a, aptr, "type", out.type) || !Str(a, aptr, "revision", out.revision)) {
          return false;
        }
        break;
      case Step::Kind::kWhoami:
        if (!Keys(a, aptr, {})) return false;
        break;
      case Step::Kind::kAdvanceClock:
        if (!a.is_number() || a.get<double>() < 0)
          return Fail(aptr, "seconds to advance the server clock (>= 0)");
        out.seconds = a.get<double>();
        break;
      case Step::Kind::kRevokeToken:
      case Step::Kind::kExpireToken:
        if (!a.is_string()) return Fail(aptr, "the token's value");
        out.token = a.get<std::string>();
        break;
      case Step::Kind::kMoveBranch:
        if (!Keys(a, aptr, {"repo", "type", "branch", "to"}) ||
            !Str(a, aptr, "repo", out.repo, true) || !Type(a, aptr, "type", out.type) ||
            !Str(a, aptr, "branch", out.branch, true) || !Str(a, aptr, "to", out.to, true)) {
          return false;
        }
        break;
      case Step::Kind::kApprove:
        if (!Keys(a, aptr, {"repo", "type", "user"}) || !Str(a, aptr, "repo", out.repo, true) ||
            !Type(a, aptr, "type", out.type) || !Str(a, aptr, "user", out.user, true)) {
          return false;
        }
        break;
      case Step::Kind::kRename:
        if (!Keys(a, aptr, {"repo", "type", "to"}) || !Str(a, aptr, "repo", out.repo, true) ||
            !Type(a, aptr, "type", out.type) || !Str(a, aptr, "to", out.to, true)) {
          return false;
        }
        break;
      case Step::Kind::kClient:
        out.client.emplace();
        if (!Client(a, aptr, *out.client, true)) return false;
        break;
    }
    if (s.contains("expect")) {
      if (!out.IsClientAction())
        return Fail(ptr + "/expect",
                    "only client actions (download, info, whoami) have expectations");
      out.expect.emplace();
      if (!Expect(s.at("expect"), ptr + "/expect", *out.expect)) return false;
    }
    return true;
  }
};

// The meaning checks: what a step names must exist where it must.
bool CheckReferences(Reader& r, Scenario& sc) {
  World& w = sc.world;
  auto repo_known = [&](RepoType t, const std::string& id) {
    return w.FindRepo(t, id) != nullptr || w.RenamedTo(t, id) != nullptr;
  };
  auto resolve = [&](RepoType t, const std::string& id) -> const Repo* {
    return w.FindRepoFollowingRenames(t, id);
  };
  for (std::size_t i = 0; i < sc.client.cache.size(); ++i) {
    const CachedFile& f = sc.client.cache[i];
    const std::string ptr = "/client/cache/" + std::to_string(i);
    const Repo* repo = resolve(f.type, f.repo);
    if (!repo) return r.Fail(ptr + "/repo", "no repo \"" + f.repo + "\" in this scenario's world");
    const Commit* c = repo->Resolve(f.revision);
    if (!c) return r.Fail(ptr + "/revision", "no revision \"" + f.revision + "\" in " + f.repo);
    auto file = c->files.find(f.path);
    if (file == c->files.end())
      return r.Fail(ptr + "/path", "no file \"" + f.path + "\" at " + f.revision);
    if (f.partial_bytes && *f.partial_bytes > file->second.content->size()) {
      return r.Fail(
          ptr + "/partial_bytes",
          "larger than the file (" + std::to_string(file->second.content->size()) + " bytes)");
    }
  }
  bool branches_move = false;
  for (const Step& s : sc.steps) branches_move = branches_move || s.kind == Step::Kind::kMoveBranch;
  for (const Step& s : sc.steps) {
    const bool expects_ok = s.expect && s.expect->outcome == std::string("ok");
    switch (s.kind) {
      case Step::Kind::kDownload:
      case Step::Kind::kInfo: {
        const Repo* repo = resolve(s.type, s.repo);
        if (!repo) {
          if (expects_ok)
            return r.Fail(
                s.pointer + "/" + (s.kind == Step::Kind::kInfo ? "info" : "download") + "/repo",
                "\"ok\" is impossible: no repo \"" + s.repo + "\" in this world");
          break;
        }
        const std::string rev = s.revision.empty() ? "main" : s.revision;
        const Commit* c = repo->Resolve(rev);
        if (!c && expects_ok && !branches_move) {
          return r.Fail(s.pointer + "/download/revision",
                        "\"ok\" is impossible: no revision \"" + rev + "\"");
        }
        if (c && expects_ok) {
          for (std::size_t k = 0; k < s.files.size(); ++k) {
            if (!c->files.count(s.files[k]) && !branches_move) {
              return r.Fail(s.pointer + "/download/files/" + std::to_string(k),
                            "\"ok\" is impossible: no file \"" + s.files[k] + "\" at " + rev);
            }
          }
        }
        if (s.expect) {
          for (const auto& f : s.expect->files) {
            if (f.from_hub && c && !c->files.count(f.path) && !branches_move) {
              return r.Fail(s.pointer + "/expect/files/" + PointerToken(f.path),
                            "no such file at " + rev + " to compare with");
            }
          }
        }
        break;
      }
      case Step::Kind::kRevokeToken:
      case Step::Kind::kExpireToken:
        if (!w.FindToken(s.token))
          return r.Fail(s.pointer, "no token \"" + s.token + "\" under /hub tokens");
        break;
      case Step::Kind::kMoveBranch: {
        const Repo* repo = w.FindRepo(s.type, s.repo);
        if (!repo) return r.Fail(s.pointer + "/move_branch/repo", "no repo \"" + s.repo + "\"");
        if (!repo->commit_labels.count(s.to) && !repo->commits.count(s.to)) {
          return r.Fail(s.pointer + "/move_branch/to",
                        "no commit labelled \"" + s.to + "\" in " + s.repo);
        }
        break;
      }
      case Step::Kind::kApprove:
        if (!w.FindRepo(s.type, s.repo))
          return r.Fail(s.pointer + "/approve/repo", "no repo \"" + s.repo + "\"");
        if (!w.FindUser(s.user))
          return r.Fail(s.pointer + "/approve/user", "no user \"" + s.user + "\"");
        break;
      case Step::Kind::kRename:
        if (!repo_known(s.type, s.repo))
          return r.Fail(s.pointer + "/rename/repo", "no repo \"" + s.repo + "\"");
        break;
      default:
        break;
    }
  }
  return true;
}

}  // namespace

Loaded<Scenario> LoadScenarioChecked(const std::string& path);

// No JSON type error may escape as an exception: bad input is a LoadError.
Loaded<Scenario> LoadScenario(const std::string& path) {
  try {
    return LoadScenarioChecked(path);
  } catch (const std::exception& e) {
    return LoadError{path, "", std::string("malformed scenario: ") + e.what()};
  }
}

Loaded<Scenario> LoadScenarioChecked(const std::string& path) {
  auto doc = ReadJsonFile(path);
  if (!doc) return doc.error();
  Reader r(path);
  Scenario sc;
  sc.file = path;
  sc.name = std::filesystem::path(path).stem().string();
  const json& d = *doc;
  if (!r.Keys(d, "", {"$schema", "version", "about", "hub", "client", "faults", "steps"}))
    return r.error();
  if (d.contains("version") && d["version"] != 1)
    return LoadError{path, "/version", "unsupported version (this mockhub reads 1)"};
  if (!d.contains("about"))
    return LoadError{path, "", "missing \"about\" (description, tags, reproduces)"};
  const json& about = d.at("about");
  if (!r.Keys(about, "/about", {"description", "tags", "reproduces"}) ||
      !r.Str(about, "/about", "description", sc.description, true) ||
      !r.Strs(about, "/about", "tags", sc.tags) ||
      !r.Strs(about, "/about", "reproduces", sc.reproduces)) {
    return r.error();
  }
  // The world: a base (the demo world by default), changed by an RFC 7386
  // merge patch, or given whole.
  json world = ParseJsonText(DemoWorldJson(), "<demo world>").value();
  std::string world_ptr = "/hub";
  if (d.contains("hub")) {
    const json& h = d.at("hub");
    if (!r.Keys(h, "/hub", {"base", "patch", "world"})) return r.error();
    std::string base = h.contains("world") ? "empty" : "demo";
    if (!r.Str(h, "/hub", "base", base)) return r.error();
    if (base == "empty")
      world = json::object();
    else if (base != "demo")
      return LoadError{path, "/hub/base", "must be \"demo\" or \"empty\""};
    if (h.contains("world")) {
      if (h.contains("patch"))
        return LoadError{path, "/hub", "use \"world\" or \"patch\", not both"};
      world.merge_patch(h.at("world"));
      world_ptr = "/hub/world";
    }
    if (h.contains("patch")) {
      world.merge_patch(h.at("patch"));
      world_ptr = "/hub/patch";
    }
  }
  auto w = WorldFromJson(world, path);
  if (!w) {
    LoadError e = w.error();
    e.pointer = world_ptr + e.pointer;  // points into the patch (or whole world)
    return e;
  }
  sc.world_doc = world;
  sc.world = std::move(w.value());
  if (d.contains("client") && !r.Client(d.at("client"), "/client", sc.client, false))
    return r.error();
  sc.faults_doc = d.value("faults", json::array());
  auto faults = FaultSet::FromJson(sc.faults_doc, path, "/faults");
  if (!faults) return faults.error();
  sc.faults = faults.value();
  if (!d.contains("steps") || !d.at("steps").is_array() || d.at("steps").empty()) {
    return LoadError{path, "/steps", "expected a non-empty array of steps"};
  }
  for (std::size_t i = 0; i < d.at("steps").size(); ++i) {
    Step s;
    if (!r.ParseStep(d.at("steps")[i], "/steps/" + std::to_string(i), s)) return r.error();
    sc.steps.push_back(std::move(s));
  }
  if (!CheckReferences(r, sc)) return r.error();
  return sc;
}

}  // namespace mockhub
