// hubget against answers no Hub gives: a tree Link that leads back to a page
// already listed (it used to cost 100,001 requests, then blamed
// huggingface.co), and a file body sent gzip-encoded though identity was
// asked for (it used to be stored as the file).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "canned_server.h"
#include "hostile_cli.h"

namespace hubget {
namespace {

using testing::FileHeaders;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessResult;
using testing::RawResponse;

const std::string kRepo = "org/model";

class CliTreeLinkTest : public testing::HostileCliTest {};

// A next page that is always the same page: one request for it, not
// 100,000, and the error names the endpoint that sent it.
TEST_F(CliTreeLinkTest, LinkToAPageAlreadyListedEndsTheListing) {
  testing::CannedServer hub(
      RawResponse(200, {{"Link", "</api/models/org/model/tree/page2>; rel=\"next\""}}, "[]"), 50);
  const ProcessResult r =
      Hubget(hub.url(), {"--json", "download", kRepo, "--revision", testing::kCommit},
             {{"HF_HUB_ETAG_TIMEOUT", "1"}});
  EXPECT_LE(hub.served(), 2);
  const auto j = LastJson(r);
  EXPECT_EQ(j.value("error", ""), "not_a_hub") << j.dump();
  EXPECT_THAT(j.value("message", ""), HasSubstr(hub.url()));
  EXPECT_THAT(j.value("message", ""), Not(HasSubstr("huggingface.co")));
}

class CliContentEncodingTest : public testing::HostileCliTest {};

// Asked for identity, sent gzip: the bytes are not the file, whatever their
// length. Nothing lands in blobs/.
TEST_F(CliContentEncodingTest, GzipEncodedBodyIsNotStoredAsTheFile) {
  const std::string gzip("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00",
                         17);
  auto headers = FileHeaders(gzip);
  headers.emplace_back("Content-Encoding", "gzip");
  testing::CannedServer hub(RawResponse(200, headers, gzip));
  const ProcessResult r = Hubget(hub.url(), {"--json", "download", kRepo, "f.txt"});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  const auto j = LastJson(r);
  EXPECT_EQ(j.value("error", ""), "not_a_hub") << j.dump();
  EXPECT_THAT(j.value("message", ""), HasSubstr("Content-Encoding: gzip"));
  EXPECT_THAT(FilesUnder(Cache()), Not(::testing::Contains(HasSubstr("blobs/"))));
}

}  // namespace
}  // namespace hubget
