// Token resolution, in huggingface_hub's order (explicit, HF_TOKEN,
// HUGGING_FACE_HUB_TOKEN, the token file), with the source recorded so error
// messages can say which token the Hub rejected and how to get rid of it.
#pragma once

#include <optional>
#include <string>

namespace hubget {

class Environment;

struct TokenSource {
  enum class Where {
    kNone,                 // no token is sent
    kExplicit,             // --token / API argument
    kHfToken,              // HF_TOKEN
    kHuggingFaceHubToken,  // HUGGING_FACE_HUB_TOKEN
    kTokenPathFile,        // file named by HF_TOKEN_PATH
    kHfHomeFile,           // $HF_HOME/token
    kDefaultFile,          // ~/.cache/huggingface/token (or $XDG_CACHE_HOME/huggingface/token)
  };
  Where where = Where::kNone;
  std::string file;  // for the file sources

  // Stable short name for JSON: "none", "explicit", "HF_TOKEN", ...
  std::string Name() const;
  // For sentences: "the HF_TOKEN environment variable", "the token file /x".
  std::string Describe() const;
  // How to stop sending it: "unset HF_TOKEN", "delete /x (hf auth logout)".
  std::string Remedy() const;
};

struct ResolvedToken {
  std::optional<std::string> value;  // stripped; nullopt when none is sent
  TokenSource source;
  // Set when HF_HUB_DISABLE_IMPLICIT_TOKEN or --no-token suppressed a token
  // that would otherwise have been found; for doctor's explanations.
  bool suppressed = false;
  // Set when --no-token or HF_HUB_DISABLE_IMPLICIT_TOKEN keeps any implicit
  // token from being sent, found or not (whoami says so instead of "none").
  bool disabled = false;

  // Last 4 characters when the token is long enough to keep that safe.
  std::string Hint() const;
};

struct TokenOverrides {
  std::optional<std::string> explicit_token;  // --token
  bool no_token = false;                      // --no-token
};

// Whitespace (spaces, tabs, CR, LF) removed at both ends.
std::string StripWhitespace(const std::string& s);

// The token file huggingface_hub would read: HF_TOKEN_PATH, else
// $HF_HOME/token, else $XDG_CACHE_HOME/huggingface/token, else
// $HOME/.cache/huggingface/token.
std::string TokenFilePath(const Environment& env, TokenSource* source = nullptr);

ResolvedToken ResolveToken(const Environment& env, const TokenOverrides& overrides);

// Last 4 characters of a token of 8 characters or more, else "".
std::string TokenHint(const std::string& token);

}  // namespace hubget
