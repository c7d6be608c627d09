// The replica's schema, generated from the entity catalog, and its versioned
// migrations. The version lives in PRAGMA user_version.
#pragma once

#include <string>
#include <vector>

#include "engine/store/database.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::store {

constexpr int kSchemaVersion = 7;

// The table that holds `e`'s rows.
std::string table_of(const schema::Entity& e);
// The columns every entity table has besides the catalog's fields.
const std::vector<std::string>& sync_columns();

// Brings the file to `target` (default: this library's version) in one transaction.
// A file at a newer version than this library's is refused with Code::schema and
// left untouched. Also adds any catalog field missing from an entity table, so a
// field added to the catalog reaches existing replicas without a hand-written step.
// Returns the version the file was at before.
int migrate(Database& db, int target = kSchemaVersion);

int schema_version(Database& db);

}  // namespace hse::engine::store
