// A revision that is no git ref name ("../x", "../../../evil") used to be
// written as refs/<revision>, outside refs/ and even outside the cache, on a
// hub's 404 EntryNotFound that carries X-Repo-Commit. hubget now refuses it
// before any request, for a file and for a snapshot.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "canned_server.h"
#include "hostile_cli.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::RawResponse;

const std::string kRepo = "org/model";

// An EntryNotFound that carries a commit: hubget writes .no_exist and
// refs/<revision> from it (as huggingface_hub does).
std::string EntryNotFound(const std::string& commit) {
  return RawResponse(404, {{"X-Error-Code", "EntryNotFound"},
                           {"X-Error-Message", "Entry not found"},
                           {"X-Repo-Commit", commit}});
}

struct RefCase {
  std::string name;
  std::string revision;
  std::string commit;  // X-Repo-Commit of the 404
};
void PrintTo(const RefCase& c, std::ostream* os) { *os << c.name; }

class CliRefNameTest : public testing::HostileCliTest,
                       public ::testing::WithParamInterface<RefCase> {};

// The revision is refused before any request: nothing is written, in the
// cache or next to it.
TEST_P(CliRefNameTest, RevisionThatIsNotARefNameIsRefusedBeforeAnyRequest) {
  testing::CannedServer hub(EntryNotFound(GetParam().commit));
  const ProcessResult file =
      Hubget(hub.url(), {"--json", "download", kRepo, "f.txt", "--revision", GetParam().revision});
  const ProcessResult snapshot =
      Hubget(hub.url(), {"--json", "download", kRepo, "--revision", GetParam().revision});
  EXPECT_EQ(hub.served(), 0);
  for (const ProcessResult* r : {&file, &snapshot}) {
    EXPECT_EQ(r->exit_code, 2) << r->out << r->err;
    const auto j = LastJson(*r);
    EXPECT_EQ(j.value("error", ""), "invalid_argument") << j.dump();
    EXPECT_THAT(j.value("message", ""), HasSubstr("'" + GetParam().revision + "'"));
  }
  EXPECT_THAT(FilesUnder(dir.path() + "/hf"), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Revisions, CliRefNameTest,
    ::testing::Values(RefCase{"ParentOfRefs", "../x", testing::kCommit},
                      RefCase{"OutOfTheCache", "../../../evil", testing::kCommit},
                      RefCase{"InsideThenOut", "refs/../../../../evil", testing::kCommit},
                      RefCase{"HostileCommitToo", "../x", "../../evil"}),
    [](const ::testing::TestParamInfo<RefCase>& p) { return p.param.name; });

}  // namespace
}  // namespace hubget
