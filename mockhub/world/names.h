// The one set of rules for every name a world or a scenario carries: repo
// ids, file paths in a repo, ref names, revisions, glob patterns and the keys
// of expectations. Every place a name enters the mock or the runner (the
// world loader, the scenario reader, hub-change steps by file or by the admin
// API, cache seeding, expectation checks) asks here, so a name that could
// climb out of a folder, pose as a command-line option or break a header is
// refused the same way everywhere.
//
// Each check returns ok or an InvalidArgument whose message says what is
// wrong ("contains a '..' component"), without repeating the name: callers
// add the file and JSON pointer, and a hostile name is never echoed raw.
//
// hubget has rules of its own (client/src/base/repo.cc) on purpose: the mock and
// the reference client share no code, so one cannot hide the other's bug.
#pragma once

#include <cstddef>
#include <string_view>

#include "mockhub/base/status.h"

namespace mockhub::names {

inline constexpr std::size_t kMaxRepoIdPart = 96;  // huggingface_hub's REPO_ID_REGEX
inline constexpr std::size_t kMaxPath = 4096;      // Linux PATH_MAX
inline constexpr std::size_t kMaxComponent = 255;  // Linux NAME_MAX
inline constexpr std::size_t kMaxRefName = 1024;

// "name" or "owner/name" as the Hub allows: each part 1 to 96 of
// [A-Za-z0-9_.-], beginning and ending with a letter, digit or '_' (so no
// leading '-' or '.'); no "--" (the cache folder's separator) or "..", and
// not ending in ".git". Without the type prefix ("datasets/").
Status RepoId(std::string_view id);

// A file's path in a repo: relative, '/'-separated, no empty, '.' or '..'
// component, no '\', NUL or other control character, no leading '-' (it
// would read as an option) or '/', at most 4096 bytes and 255 per component.
Status RepoPath(std::string_view path);

// A glob pattern (include/exclude): a repo path that may also hold '*', '?'
// and '[...]' (they are allowed in paths anyway) and end in '/' (a folder,
// as huggingface_hub reads "folder/").
Status Pattern(std::string_view pattern);

// A ref name as `git check-ref-format` has it (so "refs/pr/1" and "HEAD"
// are ref names): no "..", "//" or "@{", not "@", no component beginning
// with '.' or ending in ".lock", no control character, space or any of
// ~^:?*[\, no leading '-' or '/', no trailing '/' or '.'; at most 1024 bytes.
Status RefName(std::string_view name);

// A branch or tag of a world (or a moved branch): a ref name that is not a
// 40-hex commit, not "HEAD" (the default branch's alias) and does not begin
// with "refs/" (pull requests are "prs").
Status BranchName(std::string_view name);

// What a client may be asked to download at: a ref name (which covers
// "refs/pr/N" and short shas) or a 40-hex commit.
Status Revision(std::string_view rev);

// Forty lower-case hex digits.
bool IsFullSha(std::string_view s);

}  // namespace mockhub::names
