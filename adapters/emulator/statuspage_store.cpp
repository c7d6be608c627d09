#include "adapters/emulator/statuspage_store.hpp"

#include <SQLiteCpp/Transaction.h>

#include <vector>

#include "adapters/emulator/sql_ident.hpp"
#include "schema/catalog.hpp"

namespace hse::adapters::emulator {

namespace {

using schema::Entity;
using schema::Field;
using schema::Type;


// Ids (the key, and the comment's incident) are text in the catalog, for the replica's
// local ids; here, as on the wire, they are integers.
bool is_id(const Entity& e, const Field& f) { return f.name == e.key || f.name == e.parent_field; }

bool integral(const Entity& e, const Field& f) {
  return is_id(e, f) || f.type == Type::integer || f.type == Type::boolean || f.type == Type::timestamp;
}

std::string create_table(const Entity& e) {
  std::string cols;
  for (const auto& f : e.fields) {
    cols += cols.empty() ? "" : ", ";
    if (f.name == e.key) cols += ident(f.name) + " INTEGER PRIMARY KEY AUTOINCREMENT";
    else cols += ident(f.name) + (integral(e, f) ? " INTEGER" : " TEXT") + (f.required ? " NOT NULL" : "");
  }
  return "CREATE TABLE IF NOT EXISTS " + ident(e.name) + " (" + cols + ")";
}

std::string column_list(const Entity& e) {
  std::string out;
  for (const auto& f : e.fields) out += (out.empty() ? "" : ", ") + ident(f.name);
  return out;
}

// The fields a write supplies (all but the key).
std::vector<const Field*> written(const Entity& e) {
  std::vector<const Field*> out;
  for (const auto& f : e.fields)
    if (f.name != e.key) out.push_back(&f);
  return out;
}

void bind_value(SQLite::Statement& st, int index, const json& v) {
  if (v.is_null()) st.bind(index);
  else if (v.is_boolean()) st.bind(index, v.get<bool>() ? 1 : 0);
  else if (v.is_number_integer()) st.bind(index, v.get<int64_t>());
  else if (v.is_string()) st.bind(index, v.get_ref<const std::string&>());
  else st.bind(index, v.dump());
}

wire_json row_from(SQLite::Statement& st, const Entity& e) {
  wire_json row = wire_json::object();
  int i = 0;
  for (const auto& f : e.fields) {
    SQLite::Column c = st.getColumn(i++);
    if (c.isNull()) row[f.name] = nullptr;
    else if (integral(e, f)) row[f.name] = c.getInt64();
    else row[f.name] = c.getString();
  }
  return row;
}

struct Where {
  std::string sql;
  std::vector<json> values;
};

Where where(const IncidentFilter& f) {
  Where w;
  auto add = [&](const char* clause, json value) {
    w.sql += (w.sql.empty() ? " WHERE " : " AND ") + std::string(clause);
    w.values.push_back(std::move(value));
  };
  if (f.status) add("\"status\" = ?", *f.status);
  if (f.severity) add("\"severity\" = ?", *f.severity);
  if (f.scope) add("\"scope\" = ?", *f.scope);
  if (f.service) add("\"service\" = ?", *f.service);
  if (f.external_reference) add("\"external_reference\" = ?", *f.external_reference);
  // YYYY-MM-DDTHH:MM compares as text in time order.
  if (f.impact_before) add("\"start_impact_date\" < ?", *f.impact_before);
  if (f.impact_after) add("\"start_impact_date\" >= ?", *f.impact_after);
  return w;
}

}  // namespace

const Entity& incident_entity() { return schema::entity("statuspage_incident"); }
const Entity& comment_entity() { return schema::entity("statuspage_comment"); }

StatuspageStore::StatuspageStore(SQLite::Database& db) : db_(db) {
  SQLite::Transaction tx(db_);
  db_.exec(create_table(incident_entity()));
  db_.exec(create_table(comment_entity()));
  db_.exec("CREATE INDEX IF NOT EXISTS \"ix_statuspage_comment_incident\" ON \"statuspage_comment\" "
           "(\"incident\", \"id\")");
  tx.commit();
}

SQLite::Statement& StatuspageStore::statement(const std::string& sql) { return statements_.get(sql); }

std::optional<wire_json> StatuspageStore::incident(int64_t id) {
  const Entity& e = incident_entity();
  auto& st = statement("SELECT " + column_list(e) + " FROM " + ident(e.name) + " WHERE \"id\" = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  wire_json row = row_from(st, e);
  st.reset();
  return row;
}

wire_json StatuspageStore::insert_incident(const json& fields) {
  const Entity& e = incident_entity();
  std::string cols, marks;
  for (const Field* f : written(e)) {
    cols += (cols.empty() ? "" : ", ") + ident(f->name);
    marks += marks.empty() ? "?" : ", ?";
  }
  auto& st = statement("INSERT INTO " + ident(e.name) + " (" + cols + ") VALUES (" + marks + ")");
  int i = 1;
  for (const Field* f : written(e)) bind_value(st, i++, fields.value(f->name, json()));
  st.exec();
  return *incident(db_.getLastInsertRowid());
}

bool StatuspageStore::replace_incident(int64_t id, const json& fields) {
  const Entity& e = incident_entity();
  std::string sets;
  for (const Field* f : written(e)) sets += (sets.empty() ? "" : ", ") + ident(f->name) + " = ?";
  auto& st = statement("UPDATE " + ident(e.name) + " SET " + sets + " WHERE \"id\" = ?");
  int i = 1;
  for (const Field* f : written(e)) bind_value(st, i++, fields.value(f->name, json()));
  st.bind(i, id);
  return st.exec() > 0;
}

bool StatuspageStore::remove_incident(int64_t id) {
  SQLite::Transaction tx(db_);
  auto& comments = statement("DELETE FROM \"statuspage_comment\" WHERE \"incident\" = ?");
  comments.bind(1, id);
  comments.exec();
  auto& incident = statement("DELETE FROM \"statuspage_incident\" WHERE \"id\" = ?");
  incident.bind(1, id);
  bool removed = incident.exec() > 0;
  tx.commit();
  return removed;
}

int64_t StatuspageStore::count_incidents(const IncidentFilter& filter) {
  Where w = where(filter);
  auto& st = statement("SELECT COUNT(*) FROM \"statuspage_incident\"" + w.sql);
  for (size_t i = 0; i < w.values.size(); ++i) bind_value(st, int(i) + 1, w.values[i]);
  st.executeStep();
  int64_t n = st.getColumn(0).getInt64();
  st.reset();
  return n;
}

wire_json StatuspageStore::incidents(const IncidentFilter& filter, int64_t offset, int64_t limit) {
  const Entity& e = incident_entity();
  Where w = where(filter);
  auto& st = statement("SELECT " + column_list(e) + " FROM " + ident(e.name) + w.sql +
                       " ORDER BY \"id\" LIMIT ? OFFSET ?");
  int i = 1;
  for (const auto& v : w.values) bind_value(st, i++, v);
  st.bind(i++, limit);
  st.bind(i, offset);
  wire_json rows = wire_json::array();
  while (st.executeStep()) rows.push_back(row_from(st, e));
  return rows;
}

wire_json StatuspageStore::comments(int64_t incident, bool with_internal) {
  const Entity& e = comment_entity();
  auto& st = statement("SELECT " + column_list(e) + " FROM " + ident(e.name) +
                       " WHERE \"incident\" = ? AND (? OR \"internal\" = 0) ORDER BY \"id\"");
  st.bind(1, incident);
  st.bind(2, with_internal ? 1 : 0);
  wire_json rows = wire_json::array();
  while (st.executeStep()) rows.push_back(row_from(st, e));
  return rows;
}

wire_json StatuspageStore::insert_comment(int64_t incident, const std::string& text, bool internal,
                                          const std::string& created_at) {
  auto& st = statement(
      "INSERT INTO \"statuspage_comment\" (\"incident\", \"comment\", \"internal\", \"created_at\") VALUES (?, ?, ?, ?)");
  st.bind(1, incident);
  st.bind(2, text);
  st.bind(3, internal ? 1 : 0);
  st.bind(4, created_at);
  st.exec();
  const int64_t id = db_.getLastInsertRowid();
  const Entity& e = comment_entity();
  auto& row = statement("SELECT " + column_list(e) + " FROM " + ident(e.name) + " WHERE \"id\" = ?");
  row.bind(1, id);
  row.executeStep();
  wire_json out = row_from(row, e);
  row.reset();
  return out;
}

void StatuspageStore::clear() {
  SQLite::Transaction tx(db_);
  db_.exec("DELETE FROM \"statuspage_comment\"");
  db_.exec("DELETE FROM \"statuspage_incident\"");
  db_.exec("DELETE FROM sqlite_sequence WHERE name IN ('statuspage_incident', 'statuspage_comment')");
  tx.commit();
}

}  // namespace hse::adapters::emulator
