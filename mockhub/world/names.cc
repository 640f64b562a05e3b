// See names.h. Each rule is a line of a table or an early return, and each
// message says what is wrong without quoting the name.
#include "mockhub/world/names.h"

#include <string>

namespace mockhub::names {

namespace {

bool IsControl(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c < 0x20 || c == 0x7f;
}

bool Contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Calls fn(component) for each '/'-separated component, stopping at the
// first that fn refuses.
template <typename Fn>
Status EachComponent(std::string_view s, Fn&& fn) {
  std::size_t begin = 0;
  while (begin <= s.size()) {
    std::size_t end = s.find('/', begin);
    if (end == std::string_view::npos) end = s.size();
    if (Status st = fn(s.substr(begin, end - begin)); !st.ok()) return st;
    begin = end + 1;
  }
  return Status::Ok();
}

Status Bad(const std::string& what) { return InvalidArgument(what); }

// The rules shared by paths and patterns; `folder_ok`: one trailing '/'.
Status PathRules(std::string_view p, bool folder_ok) {
  if (p.empty()) return Bad("is empty");
  if (p.size() > kMaxPath) return Bad("is longer than 4096 bytes");
  if (p.front() == '/') return Bad("begins with '/' (it must be relative)");
  if (p.front() == '-') return Bad("begins with '-' (it would read as an option)");
  for (char c : p) {
    if (c == '\\') return Bad("contains '\\'");
    if (c == '\0') return Bad("contains a NUL byte");
    if (IsControl(c)) return Bad("contains a control character");
  }
  if (folder_ok && p.back() == '/') p.remove_suffix(1);
  return EachComponent(p, [](std::string_view c) -> Status {
    if (c.empty()) return Bad("has an empty component ('//' or a trailing '/')");
    if (c == ".") return Bad("has a '.' component");
    if (c == "..") return Bad("has a '..' component");
    if (c.size() > kMaxComponent) return Bad("has a component longer than 255 bytes");
    return Status::Ok();
  });
}

Status RepoIdPart(std::string_view part) {
  if (part.empty()) return Bad("has an empty owner or name");
  if (part.size() > kMaxRepoIdPart) return Bad("has an owner or name longer than 96 characters");
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  for (char c : part) {
    if (!word(c) && c != '-' && c != '.')
      return Bad("may hold only letters, digits, '-', '_' and '.' (and one '/')");
  }
  if (!word(part.front()) || !word(part.back()))
    return Bad("has an owner or name beginning or ending with '-' or '.'");
  return Status::Ok();
}

}  // namespace

Status RepoId(std::string_view id) {
  if (id.empty()) return Bad("is empty");
  const std::size_t slash = id.find('/');
  if (slash != std::string_view::npos && Contains(id.substr(slash + 1), "/"))
    return Bad("has more than one '/' (it is \"owner/name\")");
  if (Contains(id, "--")) return Bad("contains \"--\"");
  if (Contains(id, "..")) return Bad("contains \"..\"");
  if (EndsWith(id, ".git")) return Bad("ends with \".git\"");
  if (slash == std::string_view::npos) return RepoIdPart(id);
  if (Status st = RepoIdPart(id.substr(0, slash)); !st.ok()) return st;
  return RepoIdPart(id.substr(slash + 1));
}

Status RepoPath(std::string_view path) { return PathRules(path, false); }

Status Pattern(std::string_view pattern) { return PathRules(pattern, true); }

Status RefName(std::string_view name) {
  if (name.empty()) return Bad("is empty");
  if (name.size() > kMaxRefName) return Bad("is longer than 1024 bytes");
  if (name == "@") return Bad("is '@'");
  if (name.front() == '-') return Bad("begins with '-' (it would read as an option)");
  if (name.front() == '/' || name.back() == '/') return Bad("begins or ends with '/'");
  if (name.back() == '.') return Bad("ends with '.'");
  for (const char* seq : {"..", "//", "@{"}) {
    if (Contains(name, seq)) return Bad(std::string("contains \"") + seq + "\"");
  }
  for (char c : name) {
    if (c == '\0') return Bad("contains a NUL byte");
    if (IsControl(c)) return Bad("contains a control character");
    if (Contains(" ~^:?*[\\", std::string_view(&c, 1)))
      return Bad(c == ' ' ? std::string("contains a space") : std::string("contains '") + c + "'");
  }
  return EachComponent(name, [](std::string_view c) -> Status {
    if (!c.empty() && c.front() == '.') return Bad("has a component beginning with '.'");
    if (EndsWith(c, ".lock")) return Bad("has a component ending with \".lock\"");
    return Status::Ok();
  });
}

Status BranchName(std::string_view name) {
  if (Status st = RefName(name); !st.ok()) return st;
  if (IsFullSha(name)) return Bad("is a commit sha (40 hex digits)");
  if (name.substr(0, 5) == "refs/") return Bad("begins with \"refs/\"");
  if (name == "HEAD") return Bad("is \"HEAD\" (which names the default branch)");
  return Status::Ok();
}

Status Revision(std::string_view rev) {
  if (IsFullSha(rev)) return Status::Ok();
  return RefName(rev);
}

bool IsFullSha(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace mockhub::names
