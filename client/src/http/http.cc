// Case-insensitive header list.
#include "hubget/http.h"

#include <algorithm>
#include <cctype>

namespace hubget {
namespace {

bool IEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void Headers::Add(std::string name, std::string value) {
  items_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(const std::string& name, std::string value) {
  Remove(name);
  Add(name, std::move(value));
}

void Headers::Remove(const std::string& name) {
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const auto& kv) { return IEquals(kv.first, name); }),
               items_.end());
}

bool Headers::Has(const std::string& name) const {
  return std::any_of(items_.begin(), items_.end(),
                     [&](const auto& kv) { return IEquals(kv.first, name); });
}

std::string Headers::Get(const std::string& name) const {
  for (const auto& kv : items_) {
    if (IEquals(kv.first, name)) return kv.second;
  }
  return "";
}

}  // namespace hubget
