// The process environment behind an interface, so configuration and token
// resolution are pure functions of what a test hands in: tests never read the
// real HF_TOKEN, HOME or HF_HUB_OFFLINE.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace hubget {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value, or nullopt when unset.
  virtual std::optional<std::string> Get(const std::string& name) const = 0;
};

// Reads getenv().
class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(const std::string& name) const override;
};

// A fixed map, for tests and for embedding.
class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  explicit MapEnvironment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  std::optional<std::string> Get(const std::string& name) const override;
  void Set(const std::string& name, const std::string& value) { vars_[name] = value; }
  void Unset(const std::string& name) { vars_.erase(name); }

 private:
  std::map<std::string, std::string> vars_;
};

// huggingface_hub's HF_HOME: $HF_HOME, else $XDG_CACHE_HOME/huggingface,
// else $HOME/.cache/huggingface; a variable set to "" counts as unset. The
// one place that reads them: the hub cache ($HF_HOME/hub) and the token file
// ($HF_HOME/token) are both found from here.
struct HfHome {
  std::string dir;
  bool from_hf_home = false;  // HF_HOME itself named it
};
HfHome ResolveHfHome(const Environment& env);

// huggingface_hub's truthy values: 1, ON, YES, TRUE (any case).
bool IsTruthy(const std::optional<std::string>& value);

}  // namespace hubget
