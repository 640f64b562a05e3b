// Token resolution: explicit > HF_TOKEN > HUGGING_FACE_HUB_TOKEN > token file,
// stripped, empty meaning unset; --no-token and HF_HUB_DISABLE_IMPLICIT_TOKEN
// send none.
#include "hubget/token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hubget/environment.h"

namespace hubget {
namespace {

std::optional<std::string> NonEmpty(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  std::string s = StripWhitespace(*v);
  if (s.empty()) return std::nullopt;
  return s;
}

// A token file is a small regular file. Anything else is not read: a FIFO
// would block, /dev/zero or a huge file would never end or fill memory.
constexpr off_t kMaxTokenFile = off_t{64} * 1024;

std::optional<std::string> ReadTokenFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::string content;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxTokenFile) {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      content.append(buf, static_cast<std::size_t>(n));
      if (content.size() > static_cast<std::size_t>(kMaxTokenFile)) {
        content.clear();  // grew while read: not a token file, and no prefix of it
        break;
      }
    }
  }
  ::close(fd);
  return NonEmpty(content);
}

}  // namespace

std::string StripWhitespace(const std::string& s) {
  const char* ws = " \t\r\n\v\f";
  const auto begin = s.find_first_not_of(ws);
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(ws);
  return s.substr(begin, end - begin + 1);
}

std::string TokenHint(const std::string& token) {
  if (token.size() < 8) return "";
  return token.substr(token.size() - 4);
}

std::string ResolvedToken::Hint() const { return value ? TokenHint(*value) : ""; }

std::string TokenFilePath(const Environment& env, TokenSource* source) {
  TokenSource local;
  TokenSource& src = source != nullptr ? *source : local;
  if (auto p = NonEmpty(env.Get("HF_TOKEN_PATH"))) {
    src = {TokenSource::Where::kTokenPathFile, *p};
    return *p;
  }
  const HfHome home = ResolveHfHome(env);
  src = {home.from_hf_home ? TokenSource::Where::kHfHomeFile : TokenSource::Where::kDefaultFile,
         home.dir + "/token"};
  return src.file;
}

ResolvedToken ResolveToken(const Environment& env, const TokenOverrides& overrides) {
  ResolvedToken out;
  if (overrides.explicit_token) {
    if (auto t = NonEmpty(overrides.explicit_token)) {
      out.value = *t;
      out.source.where = TokenSource::Where::kExplicit;
      return out;
    }
  }
  // What would be found implicitly.
  ResolvedToken implicit;
  if (auto t = NonEmpty(env.Get("HF_TOKEN"))) {
    implicit.value = *t;
    implicit.source.where = TokenSource::Where::kHfToken;
  } else if (auto t2 = NonEmpty(env.Get("HUGGING_FACE_HUB_TOKEN"))) {
    implicit.value = *t2;
    implicit.source.where = TokenSource::Where::kHuggingFaceHubToken;
  } else {
    TokenSource src;
    const std::string path = TokenFilePath(env, &src);
    if (auto t3 = ReadTokenFile(path)) {
      implicit.value = *t3;
      implicit.source = src;
    }
  }
  if (overrides.no_token || IsTruthy(env.Get("HF_HUB_DISABLE_IMPLICIT_TOKEN"))) {
    out.suppressed = implicit.value.has_value();
    out.disabled = true;
    return out;
  }
  return implicit;
}

std::string TokenSource::Name() const {
  switch (where) {
    case Where::kNone:
      return "none";
    case Where::kExplicit:
      return "explicit";
    case Where::kHfToken:
      return "HF_TOKEN";
    case Where::kHuggingFaceHubToken:
      return "HUGGING_FACE_HUB_TOKEN";
    case Where::kTokenPathFile:
      return "HF_TOKEN_PATH";
    case Where::kHfHomeFile:
      return "HF_HOME";
    case Where::kDefaultFile:
      return "token_file";
  }
  return "none";
}

std::string TokenSource::Describe() const {
  switch (where) {
    case Where::kNone:
      return "no token";
    case Where::kExplicit:
      return "--token";
    case Where::kHfToken:
      return "the HF_TOKEN environment variable";
    case Where::kHuggingFaceHubToken:
      return "the HUGGING_FACE_HUB_TOKEN environment variable";
    case Where::kTokenPathFile:
      return "the token file " + file + " (named by HF_TOKEN_PATH)";
    case Where::kHfHomeFile:
      return "the token file " + file + " (under HF_HOME)";
    case Where::kDefaultFile:
      return "the stored token file " + file;
  }
  return "no token";
}

std::string TokenSource::Remedy() const {
  switch (where) {
    case Where::kNone:
      return "pass a token with --token or set HF_TOKEN";
    case Where::kExplicit:
      return "drop --token";
    case Where::kHfToken:
      return "unset HF_TOKEN";
    case Where::kHuggingFaceHubToken:
      return "unset HUGGING_FACE_HUB_TOKEN";
    case Where::kTokenPathFile:
    case Where::kHfHomeFile:
    case Where::kDefaultFile:
      return "delete " + file + " (hf auth logout) or pass --no-token";
  }
  return "";
}

}  // namespace hubget
