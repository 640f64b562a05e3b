// JSON in, structs out: the Hub API bodies hubget reads (repo info, tree
// pages, whoami, error bodies). nlohmann/json is included by api_json.cc
// only. Internal.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hubget/hub_answers.h"
#include "hubget/result.h"

namespace hubget {

Result<RepoInfo> ParseRepoInfo(const std::string& body);
// One /tree page: files only (directories dropped). `listed`, when given,
// gets the number of entries of any kind on the page.
Result<std::vector<TreeEntry>> ParseTreePage(const std::string& body,
                                             std::size_t* listed = nullptr);
// trees/<commit>.json as huggingface_hub >= 1.22 writes it:
// {"format_version":1,"files":{path:{size,blob_id[,lfs_sha256,lfs_size]}}}.
std::string TreeCacheJson(const std::vector<TreeEntry>& entries);
// nullopt when unreadable, another format version or a key of another type
// (then list again).
std::optional<std::vector<TreeEntry>> ParseTreeCache(const std::string& body);
Result<WhoAmI> ParseWhoami(const std::string& body);
// {"error": "..."} or {"error": [...]}; "" when not JSON or absent.
std::string ParseJsonErrorMessage(const std::string& body);

}  // namespace hubget
