// Shared by the emulator's integration tests: a real hse-emulator process per test
// and a keep-alive client to it, plus small JSON helpers.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "schema/catalog.hpp"
#include "schema/validate.hpp"
#include "tests/support/http_client.hpp"
#include "adapters/emulator/process.hpp"

namespace hse::test {

using json = nlohmann::json;
using adapters::http::Response;
using adapters::emulator::EmulatorProcess;
using adapters::emulator::Process;
using adapters::emulator::bin_path;
using adapters::emulator::start_emulator;

inline json parse(const Response& r) { return json::parse(r.body); }

class EmulatorTest : public ::testing::Test {
 protected:
  // Extra command-line options for this fixture's emulator (--admin is always given).
  virtual std::vector<std::string> options() { return {"--demo"}; }

  void SetUp() override {
    auto args = options();
    args.push_back("--admin");
    emu_.emplace(start_emulator(args));
    client_.emplace(emu_->port);
  }
  void TearDown() override {
    client_.reset();
    if (emu_) {
      int status = emu_->process.stop();
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "emulator exit status " << status;
    }
  }

  HttpClient& client() { return *client_; }
  uint16_t port() const { return emu_->port; }

  Response index(const std::string& entity, const json& body = json::object()) {
    return client().post("/v2/" + entity + "/index", body.dump());
  }
  // Every row of an index (history included unless `body` says otherwise).
  json all(const std::string& entity, json body = json::object()) {
    if (!body.contains("history")) body["history"] = true;
    body["per-page"] = 1000;
    auto r = index(entity, body);
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r);
  }
  Response create(const std::string& entity, const json& body) {
    return client().post("/v2/" + entity + "/create", body.dump());
  }
  json created(const std::string& entity, const json& body) {
    auto r = create(entity, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return parse(r);
  }
  Response view(const std::string& entity, const std::string& id) {
    return client().get("/v2/" + entity + "/view/" + id);
  }
  Response update(const std::string& entity, const std::string& id, const json& patch) {
    return client().put("/v2/" + entity + "/update/" + id, patch.dump());
  }
  Response admin(const std::string& what, const json& body = json::object()) {
    return client().post("/_admin/" + what, body.dump());
  }
  // The fields named by a 422/400 answer, in order.
  static std::vector<std::string> fields_of(const Response& r) {
    std::vector<std::string> out;
    for (const auto& e : json::parse(r.body)) out.push_back(e.at("field").get<std::string>());
    return out;
  }

  std::optional<EmulatorProcess> emu_;
  std::optional<HttpClient> client_;
};

}  // namespace hse::test
