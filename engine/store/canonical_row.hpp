// A row's canonical form: the catalog's fields in key order, as nlohmann's dump()
// writes them. Its hash tells whether a server version changed; its values are what
// the row's columns are bound to. Made from a parsed row, or straight from a row's
// JSON text without building the row (a pulled page's rows: see canonical_row_from_text).
// No SQLite here: the fuzz targets build it alone.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_input.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

// `row` with exactly the catalog's fields: missing ones null, unknown keys dropped.
json normalize(const schema::Entity& e, const json& row);
// The same, reusing `row`'s values (no copy of them).
json normalize(const schema::Entity& e, json&& row);
// A short stable hash of the normalized row ("m" and MurmurHash64A's 16 hex digits),
// without parent_active: that one is derived from the parent row at query time, so a
// parent historicized or restored on the server does not make every row under it
// "changed". Compare a stored hash with CanonicalRow::hashes_to, which also knows the
// older form (FNV-1a 64, 16 hex digits, no marker) that replicas kept before.
std::string content_hash(const schema::Entity& e, const json& row);

// A row's canonical bytes (the ones content_hash hashes) and each catalog field's
// value as bind_fields binds it: a pulled row is hashed and written to SQLite from
// these, without a normalized copy. Reused row after row: its buffers keep their
// capacity. Move-only: its values may point into its own buffers.
struct CanonicalRow {
  // What a field's column is bound to. `other`: a float, an array or an object (bound
  // as its value says, through `parsed`).
  enum class Kind : uint8_t { null, boolean, integer, string, other };
  static constexpr size_t npos = std::string::npos;
  struct Value {
    Kind kind = Kind::null;
    bool in_text = false;          // false for parent_active, which the hash leaves out
    size_t from = 0, size = 0;     // the value's canonical bytes in `text`
    bool boolean = false;
    int64_t integer = 0;           // as bind_field binds a number without a fraction
    const json* parsed = nullptr;  // a value nlohmann's parser read: `other`, and strings of a parsed row
    // In `decoded`, NUL-terminated for SQLite: a string's characters (unless `parsed`
    // holds them), and a json or object field's canonical bytes (npos: not there).
    size_t chars = npos, chars_size = 0, bytes = npos;
  };

  std::string text;            // {"name":value,...} without parent_active
  std::vector<Value> values;   // by e.fields index
  std::string decoded;         // see Value::chars and Value::bytes
  std::vector<json> owned;     // values read by nlohmann's parser (at most one a field)
  json whole;                  // a row read whole by nlohmann's parser (the rare rows the text reader leaves to it)

  CanonicalRow() = default;
  CanonicalRow(CanonicalRow&&) = default;
  CanonicalRow& operator=(CanonicalRow&&) = default;
  CanonicalRow(const CanonicalRow&) = delete;
  CanonicalRow& operator=(const CanonicalRow&) = delete;

  static constexpr char kHashMarker = 'm';           // the first character of hash()
  std::string hash() const;                         // content_hash's value
  bool hashes_to(const std::string& stored) const;  // `stored`, in either form, is this row's hash
  // Field `i`'s characters; for a string value only.
  std::string_view string(size_t i) const;
  // normalize(e, row) of the row this was made from.
  json normalized(const schema::Entity& e) const;
};

// Fills `out` from `row` (which it points into: `row` must outlive its use).
void canonical_row(const schema::Entity& e, const json& row, CanonicalRow& out);
// The same, `out` keeping `row` (in out.whole).
void canonical_row(const schema::Entity& e, json&& row, CanonicalRow& out);
// Fills `out` from a row's JSON text, the same as canonical_row over the text parsed
// (tests/unit/sync/row_hash_test.cpp), without building the row: the values that are
// not a plain string, integer, boolean or null are read by nlohmann's parser one by
// one, and a row whose keys hold escapes or repeat is read whole by it. Throws
// hse::Error(code), whose message starts with `what`, for text that is not one JSON
// object, nests deeper than limits.max_depth (the object is level 1) or is longer
// than limits.max_bytes.
void canonical_row_from_text(const schema::Entity& e, std::string_view text, CanonicalRow& out,
                             const std::string& what, Code code, const JsonLimits& limits);

}  // namespace hse::engine::store
