// A fresh replica in a temporary file, with a manual clock and seeded ids.
#pragma once

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "engine/engine_impl.hpp"
#include "engine/engine.hpp"
#include "engine/sync/replica_state.hpp"
#include "engine/store/row_codec.hpp"

namespace hse::test {

using json = nlohmann::json;

// In a directory of this process's own, made by mkdtemp and removed at exit. A
// directory named by the pid was found again by a later process given the same pid
// (pid_max wraps in hours on a busy machine), with files some tests leave: a "new" v1
// file that was already at v7.
inline std::string temp_path(const std::string& stem) {
  struct OwnDirectory {
    std::filesystem::path path;
    OwnDirectory() {
      std::string pattern = (std::filesystem::temp_directory_path() / "hsesync-test-XXXXXX").string();
      if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
      path = pattern;
    }
    ~OwnDirectory() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static int counter = 0;
  static const OwnDirectory dir;
  return (dir.path / (stem + "-" + std::to_string(++counter) + ".db")).string();
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = temp_path(::testing::UnitTest::GetInstance()->current_test_info()->name());
    clock = std::make_shared<ManualClock>();
    engine::EngineOptions options;
    options.clock = clock;
    options.random = std::make_shared<SeededRandom>(42);
    engine = engine::Engine::open(path, json::object(), std::move(options));
  }
  void TearDown() override {
    engine.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }

  json project(const std::string& name = "Acme Construction") {
    return engine->create("project", {{"name", name}, {"country", "IT"}});
  }
  json office(const json& project, const std::string& name = "Rome North Site") {
    return engine->create("office", {{"project_id", project["project_id"]}, {"name", name}, {"locality", "Rome"}});
  }
  json incident(const json& office, const std::string& name = "Slip on wet floor") {
    return engine->create("incident", {{"name", name},
                                       {"date_incident", "2026-03-01"},
                                       {"category", "ACCIDENTS"},
                                       {"tenant_id", office["project_id"]},
                                       {"subtenant_id", office["office_id"]}});
  }
  json action(const json& office, const std::string& name = "Fire safety training") {
    return engine->create("action", {{"name", name},
                                     {"action_type", "TRAINING"},
                                     {"tenant_id", office["project_id"]},
                                     {"subtenant_id", office["office_id"]}});
  }
  // A row as if pulled from the server: synced, with server-computed fields.
  void server_row(const std::string& entity, json row) {
    auto& s = (*hse::engine::internals(*engine).state);
    std::lock_guard lock(s.mu);
    const auto& e = schema::entity(entity);
    row = engine::store::normalize(e, row);
    engine::store::RowMeta m;
    m.base_hash = engine::store::content_hash(e, row);
    s.replica.insert(e, row, m, {engine::store::Origin::pull, std::nullopt, nullptr});
  }
  std::vector<std::string> fields_of(const Error& e) {
    std::vector<std::string> out;
    for (const auto& f : e.fields()) out.push_back(f.field);
    return out;
  }
  int64_t count_rows(const std::string& table) {
    auto& s = (*hse::engine::internals(*engine).state);
    std::lock_guard lock(s.mu);
    return s.db.raw().execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
  }

  std::string path;
  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<engine::Engine> engine;
};

}  // namespace hse::test
