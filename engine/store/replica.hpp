// Rows of the replica with their sync columns, their base versions and their
// history. A live row is its own current version (version, version_from, origin...
// in its columns); history holds the versions it superseded and deletion tombstones.
// Every row write keeps both in the same (caller's) transaction, so no write path
// can forget a version.
// Not thread-safe: the Engine serialises access.
#pragma once

#include <nlohmann/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "engine/store/database.hpp"
#include "engine/store/version.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

struct CanonicalRow;

enum class SyncState { synced, pending, conflict, rejected, blocked, held };
const char* to_string(SyncState s);
SyncState sync_state_from(const std::string& s);

struct RowMeta {
  SyncState state = SyncState::synced;
  std::optional<int64_t> journal_seq;
  int64_t version = 0;
  std::optional<std::string> base_hash;
};

class Replica {
 public:
  Replica(Database& db, Clock& clock) : db_(db), clock_(clock) {}

  // The row (every catalog field), or nullopt.
  std::optional<json> get(const schema::Entity& e, const std::string& id);
  std::optional<RowMeta> meta(const schema::Entity& e, const std::string& id);
  bool exists(const schema::Entity& e, const std::string& id);
  // What a create asks of its id, in one lookup: whether a live row has it, and the
  // newest version history holds for it (a deleted row's tombstone; 0 when none).
  struct IdProbe {
    bool exists = false;
    int64_t last_version = 0;
  };
  IdProbe probe_id(const schema::Entity& e, const std::string& id);

  // Row writes. `row` must hold the key. Each records a history version.
  // `last_version`: probe_id's answer for this id in this transaction, when asked
  // already (not asked again).
  void insert(const schema::Entity& e, const json& row, const RowMeta& meta, const VersionCause& cause,
              std::optional<int64_t> last_version = std::nullopt);
  // A create of an id the caller knows history holds no version of (version 1): written
  // unless a live row holds the key (false then, nothing written). The insert's own
  // look at the key answers what probe_id would have.
  bool insert_if_new(const schema::Entity& e, const json& row, const RowMeta& meta, const VersionCause& cause);
  // A row the caller knows has no history here (so no tombstone to close), as version
  // meta.version: written unless a row with its key exists (false then, nothing written).
  // One statement, for a pull's rows new to the replica (a bootstrap).
  bool insert_new(const schema::Entity& e, const CanonicalRow& row, const RowMeta& meta, const VersionCause& cause);
  // Replaces the row; `meta.version` must be the current version (it is advanced).
  void replace(const schema::Entity& e, const json& old_row, const json& row, RowMeta meta, const VersionCause& cause);
  void remove(const schema::Entity& e, const json& old_row, const RowMeta& meta, const VersionCause& cause);
  // Sync columns only: no content change, so no history version.
  void set_meta(const schema::Entity& e, const std::string& id, const RowMeta& meta);

  // The last server version: the stored base, else the row itself when it is synced;
  // nullopt for a row the server has never seen.
  std::optional<json> base(const schema::Entity& e, const std::string& id);
  void save_base(const schema::Entity& e, const std::string& id, const json& row);
  void drop_base(const schema::Entity& e, const std::string& id);

  // A decision about a row deleted here (its delete kept against a server edit):
  // recorded as a new tombstone version, so history shows the side it overrode.
  void record_on_tombstone(const schema::Entity& e, const std::string& id, const VersionCause& cause);

  // Whether history holds any version of a row of `e` (none: no id of `e` has a tombstone).
  bool has_history(const schema::Entity& e);
  // Versions oldest first.
  std::vector<Version> history(const schema::Entity& e, const std::string& id);
  // The row as it was at `at_ms` (replica time), or nullopt if it did not exist then.
  std::optional<json> as_of(const schema::Entity& e, const std::string& id, int64_t at_ms);

  // Ids of rows of `child` whose field `field` is `parent_id`.
  std::vector<std::string> children(const schema::Entity& child, const std::string& field, const std::string& parent_id);
  // Ids of rows of `e` the server has seen (creates not pushed yet are not among
  // them), all or only those whose `field` is `value`; with `keep`, only those it
  // keeps (the pull's unseen ones: the others are never held in memory).
  std::vector<std::string> server_known_ids(const schema::Entity& e, const std::string& field,
                                            const std::optional<std::string>& value,
                                            const std::function<bool(const std::string&)>& keep = nullptr);
  // Whether any row of `e` the server has seen is here (with `value`: whose `field` is `value`).
  bool has_server_known(const schema::Entity& e, const std::string& field, const std::optional<std::string>& value);

  int64_t now() { return clock_.now_ms(); }
  Database& db() { return db_; }

 private:
  void add_version(const schema::Entity& e, const std::string& id, int64_t version, const char* op,
                   const VersionCause& cause, int64_t at);
  // A row deleted here and created again: its tombstone ends.
  int64_t close_tombstone(const schema::Entity& e, const std::string& id, int64_t version, int64_t at);
  // The live row's current version `version` (whose content is `old_row`) goes to
  // history, ended at `at`.
  int64_t supersede(const schema::Entity& e, const std::string& id, int64_t version, const json& old_row, int64_t at);
  int64_t last_version(const schema::Entity& e, const std::string& id);

  Database& db_;
  Clock& clock_;
};

}  // namespace hse::engine::store
