// Parsing of Hub API JSON bodies, tolerant of missing optional keys.
#include "api_json.h"

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

Result<std::vector<TreeEntry>> ParseTreePage(const std::string& body) {
  auto doc = Parse(body, "tree listing");
  if (!doc) return doc.error();
  if (!doc->is_array()) return MakeError(Kind::kNotAHub, "the tree listing is not a JSON array");
  std::vector<TreeEntry> out;
  for (const auto& e : *doc) {
    if (!e.is_object() || StringOr(e, "type") != "file") continue;
    TreeEntry t;
    t.path = StringOr(e, "path");
    if (auto it = e.find("size"); it != e.end() && it->is_number_unsigned()) {
      t.size = it->get<std::uint64_t>();
    }
    if (auto it = e.find("lfs"); it != e.end() && it->is_object()) {
      t.lfs_sha256 = StringOr(*it, "oid");
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
