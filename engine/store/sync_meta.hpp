// The replica's records about itself: the configuration it was opened with, the end
// of its last complete round, and the scans of each scope.
// Not thread-safe: the Engine serialises access.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/store/database.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

class SyncMeta {
 public:
  explicit SyncMeta(Database& db) : db_(db) {}

  // The stored configuration ({} when none). Throws Code::storage.
  json config();
  void set_config(const json& config);
  // The end of the last complete round (replica time, ms), nullopt before the first.
  std::optional<int64_t> last_sync();
  void set_last_sync(int64_t at_ms);
  // A complete scan of `entity` in `scope` ("*" for all) ended at `at_ms`, the server
  // counting `total` rows.
  void record_scan(const std::string& scope, const std::string& entity, int64_t at_ms, int64_t total);

 private:
  std::optional<std::string> value(const char* key);
  void set_value(const char* key, const std::string& value);
  Database& db_;
};

}  // namespace hse::engine::store
