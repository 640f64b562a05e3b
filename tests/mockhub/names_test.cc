// The name rules of names.h, row by row: what the Hub and git accept passes,
// every way out of a folder or into a command line's options is refused, and
// no message repeats the name it refuses.
#include "mockhub/world/names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mockhub::names {
namespace {

using Check = Status (*)(std::string_view);

struct Row {
  std::string name;
  std::string why;  // "" = accepted; else a fragment of the reason
};

void ExpectRows(Check check, const char* rule, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    const Status st = check(r.name);
    if (r.why.empty()) {
      EXPECT_TRUE(st.ok()) << rule << " refused \"" << r.name << "\": " << st.message();
      continue;
    }
    EXPECT_FALSE(st.ok()) << rule << " accepted \"" << r.name << "\"";
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << r.name;
    EXPECT_NE(st.message().find(r.why), std::string::npos)
        << rule << " \"" << r.name << "\": \"" << st.message() << "\" lacks \"" << r.why << "\"";
  }
}

const std::string kNul("a\0b", 3);

TEST(NamesTest, RepoIdsAreWhatTheHubAllows) {
  ExpectRows(RepoId, "RepoId",
             {{"gpt2", ""},
              {"InvokeAI/ip_adapter_sd_image_encoder", ""},
              {"stabilityai/stable-diffusion-xl-base-1.0", ""},
              {"a_/_b", ""},
              {std::string(96, 'a') + "/" + std::string(96, 'b'), ""},
              {"", "is empty"},
              {"a/b/c", "more than one '/'"},
              {"../x", "\"..\""},
              {"a/..", "\"..\""},
              {"a..b/c", "\"..\""},
              {"-x/y", "beginning or ending with '-' or '.'"},
              {".x/y", "beginning or ending"},
              {"x/y-", "beginning or ending"},
              {"a--b/c", "\"--\""},
              {"a/b.git", ".git"},
              {"/abs", "empty owner or name"},
              {"a/", "empty owner or name"},
              {"a\\b", "only letters"},
              {"a b/c", "only letters"},
              {"a/" + kNul, "only letters"},
              {std::string(97, 'a'), "longer than 96"}});
}

TEST(NamesTest, RepoPathsStayInsideTheirFolderAndReadAsNoOption) {
  ExpectRows(RepoPath, "RepoPath",
             {{"config.json", ""},
              {"unet/diffusion_pytorch_model.safetensors", ""},
              {"a/-b", ""},
              {"weird name [1].bin", ""},
              {"", "is empty"},
              {"/etc/passwd", "begins with '/'"},
              {"--local-dir", "begins with '-'"},
              {"-x", "begins with '-'"},
              {"../x", "'..' component"},
              {"a/../b", "'..' component"},
              {"a/..", "'..' component"},
              {"./a", "'.' component"},
              {"a//b", "empty component"},
              {"a/", "empty component"},
              {"a\\b", "'\\'"},
              {"..\\x", "'\\'"},
              {kNul, "NUL"},
              {"a\nb", "control character"},
              {"a\x7f", "control character"},
              {std::string(256, 'a'), "longer than 255"},
              {std::string(4097, 'a'), "longer than 4096"}});
}

TEST(NamesTest, PatternsAreRepoPathsThatMayHoldGlobsAndNameAFolder) {
  ExpectRows(Pattern, "Pattern",
             {{"*.safetensors", ""},
              {"unet/*", ""},
              {"text_encoder/", ""},
              {"model-0000?-of-*.bin", ""},
              {"[abc].json", ""},
              {"**/*.json", ""},
              {"", "is empty"},
              {"/", "begins with '/'"},
              {"-x", "begins with '-'"},
              {"../*", "'..' component"},
              {"a//", "empty component"},
              {"a\\*", "'\\'"}});
}

TEST(NamesTest, RefNamesFollowGitCheckRefFormat) {
  ExpectRows(RefName, "RefName",
             {{"main", ""},
              {"v1.0", ""},
              {"feature/x", ""},
              {"refs/pr/1", ""},
              {"HEAD", ""},
              {"0123456789abcdef0123456789abcdef01234567", ""},
              {"", "is empty"},
              {"@", "is '@'"},
              {"-x", "begins with '-'"},
              {"/abs", "begins or ends with '/'"},
              {"a/", "begins or ends with '/'"},
              {"a.", "ends with '.'"},
              {"../../x", "\"..\""},
              {"a/../b", "\"..\""},
              {"refs/../../proc/self/environ", "\"..\""},
              {"a//b", "\"//\""},
              {"a@{1}", "\"@{\""},
              {"a b", "a space"},
              {"a~1", "'~'"},
              {"a^", "'^'"},
              {"a:b", "':'"},
              {"a?", "'?'"},
              {"a*", "'*'"},
              {"a[", "'['"},
              {"a\\b", "'\\'"},
              {kNul, "NUL"},
              {"a\tb", "control character"},
              {".hidden", "beginning with '.'"},
              {"a/.b", "beginning with '.'"},
              {"x.lock", "\".lock\""},
              {"x.lock/y", "\".lock\""},
              {std::string(1025, 'a'), "longer than 1024"}});
}

TEST(NamesTest, BranchNamesAreRefNamesThatNameNoCommitOrRef) {
  ExpectRows(BranchName, "BranchName",
             {{"main", ""},
              {"release/1.x", ""},
              {"refs/heads/main", "begins with \"refs/\""},
              {"0123456789abcdef0123456789abcdef01234567", "commit sha"},
              {"HEAD", "\"HEAD\""},
              {"../../x", "\"..\""},
              {"-x", "begins with '-'"}});
}

TEST(NamesTest, RevisionsAreRefNamesOrCommits) {
  ExpectRows(Revision, "Revision",
             {{"main", ""},
              {"refs/pr/3", ""},
              {"0123456789abcdef0123456789abcdef01234567", ""},
              {"abc1234", ""},
              {"--local-dir", "begins with '-'"},
              {"../x", "\"..\""},
              {"/x", "begins or ends with '/'"}});
}

TEST(NamesTest, NoMessageRepeatsTheNameItRefuses) {
  const std::string secret = "SECRETVALUE";
  for (Check check : {RepoId, RepoPath, Pattern, RefName, BranchName, Revision}) {
    for (const std::string& name :
         {"../" + secret, "-" + secret, secret + "\n", "/" + secret, secret + "\\x"}) {
      const Status st = check(name);
      ASSERT_FALSE(st.ok()) << name;
      EXPECT_EQ(st.message().find(secret), std::string::npos) << st.message();
    }
  }
}

TEST(NamesTest, FullShasAreFortyLowerCaseHexDigits) {
  EXPECT_TRUE(IsFullSha("0123456789abcdef0123456789abcdef01234567"));
  EXPECT_FALSE(IsFullSha("0123456789ABCDEF0123456789abcdef01234567"));
  EXPECT_FALSE(IsFullSha("0123456789abcdef0123456789abcdef0123456"));
  EXPECT_FALSE(IsFullSha("0123456789abcdef0123456789abcdef0123456g"));
}

}  // namespace
}  // namespace mockhub::names
