// Rows as JSON objects <-> the typed columns of an entity table. The canonical form
// that hashes and binds a pulled row is in canonical_row.hpp.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/store/canonical_row.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

// Binds field `f` of `row` (null when absent) to parameter `index`.
void bind_field(SQLite::Statement& stmt, int index, const schema::Field& f, const json& row);
// Reads column `index` as field `f`'s JSON value.
json read_field(SQLite::Statement& stmt, int index, const schema::Field& f);
// Binds every catalog field from `c` to parameters first, first + 1, ... in e.fields
// order, as bind_field would. Nothing is copied: `c` and its row must outlive the step.
void bind_fields(SQLite::Statement& stmt, int first, const schema::Entity& e, const CanonicalRow& c);

}  // namespace hse::engine::store
