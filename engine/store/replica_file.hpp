// What makes a file an hsesync replica, checked before anything is written to it:
// the engine opens whatever path it is given, and a path pointing at someone else's
// SQLite database, or at a damaged replica, must be refused and left untouched.
#pragma once

#include <string>

#include "engine/store/database.hpp"

namespace hse::engine::store {

// PRAGMA application_id of every replica made since it was introduced ("HSE1").
// Replicas made before carry 0 and are recognised by their tables.
inline constexpr int kApplicationId = 0x48534531;

// Creates `path` with mode 0600 when no file is there, so that the replica (and the
// -wal and -shm files SQLite derives from its mode) is readable by its owner only: it
// holds the API token or password. An existing file keeps its mode. ":memory:" and
// "" are left alone. Throws hse::Error(Code::storage) when the file cannot be created.
void create_private_file(const std::string& path);

// Checks, reading only, that the freshly opened file at `path` can be a replica,
// before anything (even the switch to WAL) writes to it:
//   - application_id must be 0 or kApplicationId;
//   - user_version must not be negative;
//   - a file at version 0 must hold no table (someone else's database);
//   - a file at version > 0 without the marker that holds tables must hold the
//     replica's journal table.
// Throws hse::Error(Code::schema) naming the file and the reason.
void check_replica_file(SQLite::Database& db, const std::string& path);

// The file's schema version; a file newer than `max_version` is refused with
// Code::schema. A fresh file (version 0) is given the marker.
int checked_schema_version(Database& db, int max_version);

}  // namespace hse::engine::store
