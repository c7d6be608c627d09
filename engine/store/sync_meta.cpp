#include "engine/store/sync_meta.hpp"

#include "core/json_input.hpp"

namespace hse::engine::store {

std::optional<std::string> SyncMeta::value(const char* key) {
  return storage_call("read config", [&]() -> std::optional<std::string> {
    auto st = db_.prepare("SELECT value FROM config WHERE key = ?");
    st->bind(1, key);
    if (!st->executeStep()) return std::nullopt;
    return st->getColumn(0).getString();
  });
}

void SyncMeta::set_value(const char* key, const std::string& value) {
  storage_call("write config", [&] {
    auto st = db_.prepare("INSERT OR REPLACE INTO config (key, value) VALUES (?, ?)");
    st->bind(1, key);
    st->bind(2, value);
    st->exec();
  });
}

json SyncMeta::config() {
  auto text = value("config");
  if (!text) return json::object();
  json parsed = parse_json(*text, "the replica's stored configuration", Code::storage);
  if (!parsed.is_object()) throw Error(Code::storage, "the replica's stored configuration is not a JSON object");
  return parsed;
}

void SyncMeta::set_config(const json& config) { set_value("config", config.dump()); }

std::optional<int64_t> SyncMeta::last_sync() {
  auto text = value("last_sync");
  if (!text) return std::nullopt;
  try {
    return std::stoll(*text);
  } catch (const std::exception&) {
    throw Error(Code::storage, "the replica's last_sync record is not a number");
  }
}

void SyncMeta::set_last_sync(int64_t at_ms) { set_value("last_sync", std::to_string(at_ms)); }

void SyncMeta::record_scan(const std::string& scope, const std::string& entity, int64_t at_ms, int64_t total) {
  storage_call("record scan", [&] {
    auto st = db_.prepare(
        "INSERT INTO sync_scope (scope, entity, scans, last_complete, total) VALUES (?, ?, 1, ?, ?) "
        "ON CONFLICT(scope, entity) DO UPDATE SET scans = scans + 1, last_complete = excluded.last_complete, "
        "total = excluded.total");
    st->bind(1, scope);
    st->bind(2, entity);
    st->bind(3, at_ms);
    st->bind(4, total);
    st->exec();
  });
}

}  // namespace hse::engine::store
