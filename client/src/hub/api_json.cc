// Parsing of Hub API JSON bodies, tolerant of missing optional keys.
#include "hub/api_json.h"

#include <nlohmann/json.hpp>

namespace hubget {
namespace {

using nlohmann::json;

Result<json> Parse(const std::string& body, const char* what) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return MakeError(Kind::kNotAHub, std::string("the ") + what + " response is not JSON");
  }
  return doc;
}

std::string StringOr(const json& obj, const char* key, const std::string& fallback = "") {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

// An optional key of the tree cache: absent leaves `*out` alone; present
// with another type is false (json::value() would throw, or cast a double
// out of range). Only unsigned integers for `std::uint64_t`.
bool Optional(const json& obj, const char* key, std::uint64_t* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (!it->is_number_unsigned()) return false;
  *out = it->get<std::uint64_t>();
  return true;
}
bool Optional(const json& obj, const char* key, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

}  // namespace

Result<RepoInfo> ParseRepoInfo(const std::string& body) {
  auto doc = Parse(body, "repo info");
  if (!doc) return doc.error();
  if (!doc->is_object()) return MakeError(Kind::kNotAHub, "the repo info is not a JSON object");
  RepoInfo info;
  info.id = StringOr(*doc, "id");
  info.sha = StringOr(*doc, "sha");
  if (auto it = doc->find("private"); it != doc->end() && it->is_boolean()) {
    info.is_private = it->get<bool>();
  }
  if (auto it = doc->find("gated"); it != doc->end() && it->is_string()) {
    info.gated = it->get<std::string>();
  }
  if (auto it = doc->find("disabled"); it != doc->end() && it->is_boolean()) {
    info.disabled = it->get<bool>();
  }
  if (auto it = doc->find("siblings"); it != doc->end() && it->is_array()) {
    for (const auto& s : *it) {
      if (s.is_object()) info.files.push_back(StringOr(s, "rfilename"));
    }
  }
  return info;
}

Result<std::vector<TreeEntry>> ParseTreePage(const std::string& body, std::size_t* listed) {
  auto doc = Parse(body, "tree listing");
  if (!doc) return doc.error();
  if (!doc->is_array()) return MakeError(Kind::kNotAHub, "the tree listing is not a JSON array");
  if (listed != nullptr) *listed = doc->size();
  std::vector<TreeEntry> out;
  for (const auto& e : *doc) {
    if (!e.is_object() || StringOr(e, "type") != "file") continue;
    TreeEntry t;
    t.path = StringOr(e, "path");
    if (auto it = e.find("size"); it != e.end() && it->is_number_unsigned()) {
      t.size = it->get<std::uint64_t>();
    }
    t.blob_id = StringOr(e, "oid");
    if (auto it = e.find("lfs"); it != e.end() && it->is_object()) {
      t.lfs_sha256 = StringOr(*it, "oid");
      if (auto s = it->find("size"); s != it->end() && s->is_number_unsigned()) {
        t.lfs_size = s->get<std::uint64_t>();
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string TreeCacheJson(const std::vector<TreeEntry>& entries) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& e : entries) {
    nlohmann::json f = {{"size", e.size}, {"blob_id", e.blob_id}};
    if (!e.lfs_sha256.empty()) {
      f["lfs_sha256"] = e.lfs_sha256;
      f["lfs_size"] = e.lfs_size;
    }
    files[e.path] = std::move(f);
  }
  return nlohmann::json{{"format_version", 1}, {"files", std::move(files)}}.dump();
}

std::optional<std::vector<TreeEntry>> ParseTreeCache(const std::string& body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  const auto version = doc.find("format_version");
  if (version == doc.end() || !version->is_number_integer() || *version != 1) return std::nullopt;
  const auto files = doc.find("files");
  if (files == doc.end() || !files->is_object()) return std::nullopt;
  std::vector<TreeEntry> out;
  for (const auto& [path, f] : files->items()) {
    if (!f.is_object()) return std::nullopt;
    TreeEntry t;
    t.path = path;
    if (!Optional(f, "size", &t.size) || !Optional(f, "blob_id", &t.blob_id) ||
        !Optional(f, "lfs_sha256", &t.lfs_sha256) || !Optional(f, "lfs_size", &t.lfs_size)) {
      return std::nullopt;  // not what we write: list again
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<WhoAmI> ParseWhoami(const std::string& body) {
  auto doc = Parse(body, "whoami");
  if (!doc) return doc.error();
  if (!doc->is_object()) return MakeError(Kind::kNotAHub, "the whoami answer is not a JSON object");
  WhoAmI w;
  w.name = StringOr(*doc, "name");
  w.type = StringOr(*doc, "type");
  if (auto it = doc->find("orgs"); it != doc->end() && it->is_array()) {
    for (const auto& o : *it) {
      if (o.is_object()) w.orgs.push_back(StringOr(o, "name"));
    }
  }
  if (auto a = doc->find("auth"); a != doc->end() && a->is_object()) {
    if (auto t = a->find("accessToken"); t != a->end() && t->is_object()) {
      w.token_name = StringOr(*t, "displayName");
      w.token_role = StringOr(*t, "role");
      if (auto fg = t->find("fineGrained"); fg != t->end() && fg->is_object()) {
        if (auto can = fg->find("canReadGatedRepos"); can != fg->end() && can->is_boolean()) {
          w.can_read_gated_repos = can->get<bool>();
        }
      }
    }
  }
  return w;
}

std::string ParseJsonErrorMessage(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return "";
  auto it = doc.find("error");
  if (it == doc.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array() && !it->empty() && (*it)[0].is_string()) return (*it)[0].get<std::string>();
  return "";
}

}  // namespace hubget
