// Rows as JSON objects <-> the typed columns of an entity table, and the content
// hash that tells whether a server version changed.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

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
// A short stable hash of the normalized row ("m" and MurmurHash64A's 16 hex digits),
// without parent_active: that one is derived from the parent row at query time, so a
// parent historicized or restored on the server does not make every row under it
// "changed". Compare a stored hash with CanonicalRow::hashes_to, which also knows the
// older form (FNV-1a 64, 16 hex digits, no marker) that replicas kept before.
std::string content_hash(const schema::Entity& e, const json& row);

// A row's canonical bytes, the ones content_hash hashes, with where each field's value
// sits in them: a pulled row is written to SQLite from these (bind_fields) without a
// normalized copy and without a second dump of its JSON fields. Reused row after row:
// its buffers keep their capacity.
struct CanonicalRow {
  std::string text;                                 // {"name":value,...} without parent_active
  std::vector<const json*> values;                  // by e.fields index: the row's value, or nullptr
  std::vector<std::pair<size_t, size_t>> spans;     // by e.fields index: offset and length of the value in text
  std::vector<bool> in_text;                        // by e.fields index: false for parent_active
  static constexpr char kHashMarker = 'm';           // the first character of hash()
  std::string hash() const;                         // content_hash's value
  bool hashes_to(const std::string& stored) const;  // `stored`, in either form, is this row's hash
};
// Fills `out` from `row` (which it points into: `row` must outlive its use).
void canonical_row(const schema::Entity& e, const json& row, CanonicalRow& out);
// Binds every catalog field from `c` to parameters first, first + 1, ... in e.fields
// order, as bind_field would. Nothing is copied: `c` and its row must outlive the step.
void bind_fields(SQLite::Statement& stmt, int first, const schema::Entity& e, const CanonicalRow& c);

}  // namespace hse::engine::store
