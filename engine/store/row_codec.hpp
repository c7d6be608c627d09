// Rows as JSON objects <-> the typed columns of an entity table, and the content
// hash that tells whether a server version changed.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>
#include <string>

#include "schema/catalog.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

// `row` with exactly the catalog's fields: missing ones null, unknown keys dropped.
json normalize(const schema::Entity& e, const json& row);
// The same, reusing `row`'s values (no copy of them).
json normalize(const schema::Entity& e, json&& row);
// Binds field `f` of `row` (null when absent) to parameter `index`.
void bind_field(SQLite::Statement& stmt, int index, const schema::Field& f, const json& row);
// Reads column `index` as field `f`'s JSON value.
json read_field(SQLite::Statement& stmt, int index, const schema::Field& f);
// A short stable hash of the normalized row (FNV-1a 64, hex), without parent_active:
// that one is derived from the parent row at query time, so a parent historicized or
// restored on the server does not make every row under it "changed".
std::string content_hash(const schema::Entity& e, const json& row);

}  // namespace hse::engine::store
