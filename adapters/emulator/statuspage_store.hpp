// The status-page tables of the emulator's database: incidents and their comments,
// ids counting up from 1 (never reused, restarted only by clear()). Columns come from
// the catalog entries statuspage_incident and statuspage_comment; rows leave this
// interface as the wire answers them (integer ids, `internal` 0/1).
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

#include "adapters/emulator/statement_cache.hpp"
#include "schema/catalog.hpp"

namespace hse::adapters::emulator {

using json = nlohmann::json;
// Answers keep the README's field order.
using wire_json = nlohmann::ordered_json;

// The catalog entries the status-page tables and answers follow.
const schema::Entity& incident_entity();
const schema::Entity& comment_entity();

// The list filters, already checked; an empty optional filters nothing.
struct IncidentFilter {
  std::optional<std::string> status, severity, external_reference;
  std::optional<int64_t> scope, service;
  std::optional<std::string> impact_before;  // start_impact_date <  this
  std::optional<std::string> impact_after;   // start_impact_date >= this
};

class StatuspageStore {
 public:
  // Creates the tables in `db` when absent. `db` must outlive the store (the store
  // keeps prepared statements on it). Throws SQLite::Exception when it cannot.
  explicit StatuspageStore(SQLite::Database& db);
  StatuspageStore(const StatuspageStore&) = delete;
  StatuspageStore& operator=(const StatuspageStore&) = delete;

  // The incident (without comments), or nullopt.
  std::optional<wire_json> incident(int64_t id);
  // Stores a new incident from `fields` (catalog field names, valid; absent ones are
  // NULL) and returns it with its id.
  wire_json insert_incident(const json& fields);
  // Replaces every field of incident `id` with `fields` (absent ones become NULL).
  // False when there is no such incident.
  bool replace_incident(int64_t id, const json& fields);
  // Removes the incident and its comments, in one transaction. False when absent.
  bool remove_incident(int64_t id);

  // The total matching `filter`, and the rows [offset, offset + limit) in id order.
  int64_t count_incidents(const IncidentFilter& filter);
  wire_json incidents(const IncidentFilter& filter, int64_t offset, int64_t limit);

  // The incident's comments oldest first (by id); internal ones only when asked.
  wire_json comments(int64_t incident, bool with_internal);
  wire_json insert_comment(int64_t incident, const std::string& text, bool internal, const std::string& created_at);

  // Removes every incident and comment and restarts both id sequences at 1.
  void clear();

 private:
  SQLite::Statement& statement(const std::string& sql);

  SQLite::Database& db_;
  StatementCache statements_{db_};
};

}  // namespace hse::adapters::emulator
