// See cas_token.h.
#include "mockhub/sites/xet/cas_token.h"

#include <nlohmann/json.hpp>

#include "mockhub/base/digest.h"

namespace mockhub::xet {
namespace {

std::string Base64Url(std::string_view data) {
  std::string s = Base64Encode(data);
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

bool FromBase64Url(std::string s, std::string& out) {
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0) s.push_back('=');
  return Base64Decode(s, out);
}

const std::string& Header() {
  static const std::string kHeader = Base64Url(R"({"alg":"HS256","typ":"JWT"})");
  return kHeader;
}

}  // namespace

bool LooksLikeCasToken(const std::string& bearer) {
  return bearer.size() > Header().size() && bearer.compare(0, Header().size(), Header()) == 0 &&
         bearer[Header().size()] == '.';
}

std::string MakeCasToken(const CasGrant& g, const std::string& key) {
  const nlohmann::json payload = {{"iss", "mockhub"},
                                  {"repo", std::string(RepoTypeName(g.type)) + "/" + g.repo},
                                  {"exp", g.exp}};
  const std::string body = Header() + "." + Base64Url(payload.dump());
  return body + "." + Base64Url(HmacSha256Hex("cas-token " + key, body));
}

std::optional<CasGrant> ReadCasToken(const std::string& token, const std::string& key) {
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string::npos || token.substr(0, dot1) != Header()) return std::nullopt;
  const std::string body = token.substr(0, dot2);
  if (token.substr(dot2 + 1) != Base64Url(HmacSha256Hex("cas-token " + key, body)))
    return std::nullopt;
  std::string json_text;
  if (!FromBase64Url(token.substr(dot1 + 1, dot2 - dot1 - 1), json_text)) return std::nullopt;
  const auto payload = nlohmann::json::parse(json_text, nullptr, false);
  if (!payload.is_object() || !payload.contains("repo") || !payload["repo"].is_string() ||
      !payload.contains("exp") || !payload["exp"].is_number_integer()) {
    return std::nullopt;
  }
  const std::string repo = payload["repo"].get<std::string>();
  const auto slash = repo.find('/');
  auto type = ParseRepoType(repo.substr(0, slash));
  if (slash == std::string::npos || !type) return std::nullopt;
  return CasGrant{*type, repo.substr(slash + 1), payload["exp"].get<std::int64_t>()};
}

}  // namespace mockhub::xet
