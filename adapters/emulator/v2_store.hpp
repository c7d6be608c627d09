// The emulator's SQLite database: one table per v2 entity, generated from the
// catalog, and the queries the API answers with. Rows cross this interface as
// JSON objects keyed by catalog field names.
// Not thread-safe: the Emulator serialises every call under its mutex.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/emulator/statement_cache.hpp"
#include "schema/catalog.hpp"
#include "schema/validate.hpp"

namespace hse::adapters::emulator {

using json = nlohmann::json;

class V2Store {
 public:
  // Opens (creating when absent) the database at `path`; ":memory:" for a private one.
  // Throws SQLite::Exception when it cannot.
  explicit V2Store(const std::string& path);

  // The row with every field the API answers (computed ones included), or nullopt.
  std::optional<json> find(const schema::Entity&, const std::string& id);
  bool exists(const schema::Entity&, const std::string& id);
  // True when another row of `e` under `parent_id` already has `name`.
  bool name_taken(const schema::Entity& e, const std::string& parent_id, const std::string& name,
                  const std::string& except_id);

  // Writes the stored fields of `row` (computed fields in it are ignored). The hidden
  // validity columns keep their values on update and start active on insert.
  void insert(const schema::Entity&, const json& row);
  void update(const schema::Entity&, const std::string& id, const json& row);
  void remove(const schema::Entity&, const std::string& id);
  // Sets the row's own validity (the /_admin/historicize switch). False when absent.
  bool set_owned_active(const schema::Entity&, const std::string& id, bool active);
  // Recomputes parent_active of the rows below the row `id` of `e` (and of the row
  // itself), after anything that changes a row's effective activity.
  void refresh_activity(const schema::Entity&, const std::string& id);

  // Ids of the rows that reference row `id` of `e`, by child entity name.
  std::map<std::string, std::vector<std::string>> children(const schema::Entity& e, const std::string& id);

  struct Page {
    std::string body;  // the rows as a JSON array, ready to answer
    int64_t total = 0;
  };
  // One page of an index. Throws hse::ValidationError for a filter value of the wrong type.
  Page index(const schema::Entity&, const schema::IndexQuery&);

  // Removes every row of every entity.
  void clear();

  // Prepared once, reset on each use: every statement of the emulator goes through here.
  SQLite::Statement& statement(const std::string& sql);
  SQLite::Database& db() { return db_; }
  // Bumped by every write; cached counts are valid for one generation.
  void touch() { ++generation_; }

 private:
  json row_from(SQLite::Statement&, const schema::Entity&);
  void append_row(std::string& out, SQLite::Statement&, const schema::Entity&);
  void bind_field(SQLite::Statement&, int index, const schema::Field&, const json& value);

  SQLite::Database db_;
  StatementCache statements_{db_};
  uint64_t generation_ = 0;
  std::map<std::string, std::pair<uint64_t, int64_t>> count_cache_;
};

// The fields of `e` that have a column in its table (catalog order): all but those the
// view computes from the parent rows.
const std::vector<const schema::Field*>& stored_fields(const schema::Entity& e);

}  // namespace hse::adapters::emulator
