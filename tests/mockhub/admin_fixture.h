// The fixture of the admin API's socket tests (admin_test.cc,
// admin_guard_test.cc, admin_step_names_test.cc): the demo world served with
// the step handler `mockhub serve` installs, and requests as a well-behaved
// admin client sends them (a loopback Host, a JSON content type).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mockhub/runner/step_request.h"
#include "mockhub/server/server.h"
#include "mockhub/world/world_json.h"
#include "raw_http.h"

namespace mockhub {

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions opts;
    opts.step_handler = AnswerStepRequest;
    auto started = MockServer::Start(DemoWorld(), opts);
    ASSERT_TRUE(started) << started.status().message();
    server_ = std::move(*started);
  }
  const std::string& hub() { return server_->hub_url(); }
  // "127.0.0.1:PORT"
  std::string Authority() { return hub().substr(std::string("http://").size()); }
  // A JSON POST with a loopback Host.
  testsupport::RawResponse Post(const std::string& target, const std::string& body) {
    return testsupport::SendRaw(hub(), "POST " + target + " HTTP/1.1\r\nHost: " + Authority() +
                                           "\r\nConnection: close\r\n" +
                                           "Content-Type: application/json\r\nContent-Length: " +
                                           std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  // The answer's JSON, an empty object when it is not JSON.
  static nlohmann::json Body(const testsupport::RawResponse& r) {
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
  }

  std::unique_ptr<MockServer> server_;
};

}  // namespace mockhub
