// Two replicas (a, b) syncing with one in-memory server.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/engine.hpp"
#include "engine/sync/replica_state.hpp"
#include "tests/unit/sync/fake_remote.hpp"

namespace hse::test {

class SyncTest : public ::testing::Test {
 protected:
  const std::string pid = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";
  const std::string oid = "a1b2c3d4-e5f6-4890-abcd-ef1234567890";

  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("hse-sync-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    server = std::make_shared<FakeRemote>();
    server->put("project", {{"project_id", pid}, {"name", "Acme"}, {"country", "IT"}, {"status", "active"},
                            {"project_type", "safety"}, {"owned_active", true}});
    server->put("office", {{"office_id", oid}, {"project_id", pid}, {"name", "Rome North"}, {"owned_active", true},
                           {"parent_active", true}, {"project_name", "Acme"}});
    a = open("a");
    b = open("b");
  }
  void TearDown() override {
    a.reset();
    b.reset();
    std::filesystem::remove_all(dir);
  }

  std::unique_ptr<engine::Engine> open(const std::string& name, json config = json::object()) {
    engine::EngineOptions o;
    o.remote = server;
    o.random = std::make_shared<SeededRandom>(std::hash<std::string>{}(name));
    if (config.empty()) config = {{"remote", {{"kind", "fourhse"}, {"url", "fake://"}}}};
    return engine::Engine::open((dir / (name + ".db")).string(), config, o);
  }

  json sync_ok(engine::Engine& e) {
    json report = e.sync();
    EXPECT_TRUE(report["ok"].get<bool>()) << report.dump();
    return report;
  }

  json incident_body(const std::string& name) {
    return {{"name", name}, {"date_incident", "2026-03-01"}, {"category", "ACCIDENTS"}, {"tenant_id", pid},
            {"subtenant_id", oid}};
  }

  // Every row of every entity in the replica equals the server's.
  void expect_converged(engine::Engine& e) {
    for (const auto& ent : schema::entities()) {
      json local = json::array();
      for (int page = 1;; ++page) {
        json items = e.query(ent.name, {{"history", true}, {"per-page", 1000}, {"page", page}})["items"];
        if (items.empty()) break;
        for (auto& r : items) local.push_back(std::move(r));
      }
      ASSERT_EQ(local.size(), server->count(ent.name)) << ent.name;
      for (const auto& row : local) {
        auto srv = server->row(ent.name, row[ent.key]);
        ASSERT_TRUE(srv) << ent.name << " " << row[ent.key];
        for (const auto& f : ent.fields) {
          if (f.name == "parent_active") continue;  // computed from the parent locally
          EXPECT_EQ(row[f.name], (*srv)[f.name]) << ent.name << "." << f.name;
        }
      }
    }
    EXPECT_TRUE(e.journal().empty());
  }

  std::filesystem::path dir;
  std::shared_ptr<FakeRemote> server;
  std::unique_ptr<engine::Engine> a, b;
};

}  // namespace hse::test
