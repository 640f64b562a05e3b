// A `status` fault answers with a final status (issue 25, I2): a 1xx is an
// interim answer whose response never comes (101 even switches protocols),
// so `mockhub validate` refuses 100-199 with the file and the pointer.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "bounded_run.h"
#include "temp_dir_test.h"

namespace {

class StatusFaultTest : public testsupport::TempDirTest {
 protected:
  std::string WithCode(int code) {
    const std::string path = dir_ + "/status-" + std::to_string(code) + ".json";
    std::ofstream(path) << R"({"about": {"description": "d"},
      "faults": [{"server": "hub", "do": {"status": {"code": )"
                        << code << R"(}}}], "steps": [{"whoami": {}}]})";
    return path;
  }
};

TEST_F(StatusFaultTest, InterimStatusesAreRefusedAtTheirPointer) {
  for (int code : {100, 101, 103, 199, 600}) {
    const std::string path = WithCode(code);
    const testsupport::BoundedRun r = testsupport::RunBounded({MOCKHUB_BIN, "validate", path});
    EXPECT_TRUE(testsupport::ExitedWith(r, 2)) << code;
    EXPECT_NE(
        r.out.find(path + ": /faults/0/do/status/code: must be a final HTTP status (200-599)"),
        std::string::npos)
        << r.Describe();
  }
}

TEST_F(StatusFaultTest, FinalStatusesAreAccepted) {
  for (int code : {200, 204, 429, 599}) {
    const testsupport::BoundedRun r =
        testsupport::RunBounded({MOCKHUB_BIN, "validate", WithCode(code)});
    EXPECT_TRUE(testsupport::ExitedWith(r, 0)) << code;
  }
}

}  // namespace
