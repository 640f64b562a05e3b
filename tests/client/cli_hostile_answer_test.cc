// hubget against answers no Hub gives: a tree Link that leads back to a page
// already listed (it used to cost 100,001 requests, then blamed
// huggingface.co).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "canned_server.h"
#include "hostile_cli.h"

namespace hubget {
namespace {

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

}  // namespace
}  // namespace hubget
