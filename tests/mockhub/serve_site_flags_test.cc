// `mockhub serve`'s address flags come from the site table (site.h): each
// row gives its --{prefix}host and --{prefix}port, so a new site is one row
// and `serve --help` lists its flags in the table's order.
#include <gtest/gtest.h>

#include <string>

#include "bounded_run.h"
#include "mockhub/sites/site.h"

namespace {

TEST(ServeSiteFlagsTest, HelpListsEachSitesHostAndPortFlagsInTableOrder) {
  const testsupport::BoundedRun run = testsupport::RunBounded({MOCKHUB_BIN, "serve", "--help"});
  ASSERT_TRUE(testsupport::ExitedWith(run, 0));
  std::size_t last = 0;
  for (const mockhub::Site& site : mockhub::Sites()) {
    const std::string flag = std::string("--") + site.flags.prefix;
    const std::string label = site.flags.label;
    const auto host = run.out.find(flag + "host TEXT ");
    ASSERT_NE(host, std::string::npos) << site.name << "\n" << run.out;
    EXPECT_GE(host, last) << site.name << "'s flags are out of the table's order";
    EXPECT_NE(run.out.find(label + " address: " + site.flags.host_note, host), std::string::npos)
        << site.name;
    const auto port = run.out.find(flag + "port INT", host);
    ASSERT_NE(port, std::string::npos) << site.name << "\n" << run.out;
    EXPECT_NE(run.out.find(label + " port; 0 picks a free one", port), std::string::npos)
        << site.name;
    last = port;
  }
  // The hub's flags have no prefix, as they always had.
  EXPECT_EQ(std::string(mockhub::FindSite(mockhub::kHubSite)->flags.prefix), "");
}

}  // namespace
