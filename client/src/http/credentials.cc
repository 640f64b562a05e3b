// The per-origin credential table. See credentials.h.
#include "http/credentials.h"

#include "hubget/url.h"

namespace hubget {

bool CredentialTable::Add(const std::string& origin_url, std::string authorization,
                          std::string name) {
  const auto u = ParseUrl(origin_url);
  if (!u) return false;
  std::lock_guard<std::mutex> lock(mu_);
  by_origin_[u->Origin()] = Entry{std::move(authorization), std::move(name)};
  return true;
}

const CredentialTable::Entry* CredentialTable::Find(const std::string& url) const {
  if (by_origin_.empty()) return nullptr;
  const auto u = ParseUrl(url);
  if (!u) return nullptr;
  const auto it = by_origin_.find(u->Origin());
  return it == by_origin_.end() ? nullptr : &it->second;
}

std::optional<std::string> CredentialTable::For(const std::string& url) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Entry* e = Find(url);
  if (e == nullptr) return std::nullopt;
  return e->authorization;
}

bool CredentialTable::Sends(const std::string& url, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Entry* e = Find(url);
  return e != nullptr && e->name == name;
}

}  // namespace hubget
