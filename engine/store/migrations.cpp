#include "engine/store/migrations.hpp"

#include <set>
#include <vector>

#include "core/error.hpp"
#include "engine/store/replica_file.hpp"

namespace hse::engine::store {

namespace {

// The columns of a live row's current version (version 5 on): when it began, why, and
// the journal entry and decision detail that made it. History holds the versions before.
const char* const kVersionColumns[][2] = {{"version_from", "INTEGER NOT NULL DEFAULT 0"},
                                          {"version_origin", "TEXT NOT NULL DEFAULT 'local'"},
                                          {"version_op", "TEXT NOT NULL DEFAULT 'create'"},
                                          {"version_journal_seq", "INTEGER"},
                                          {"version_detail", "TEXT"}};

// A local create's journal entry stays out of the journal's index by row while its
// row's journal_seq names it (v7). The moment the row stops naming it (a newer entry,
// another key, the row gone), it enters that index, whichever code made the change.
std::string journal_seq_triggers(const schema::Entity& e) {
  const std::string t = table_of(e), key = "\"" + e.key + "\"";
  const std::string index_old = " BEGIN UPDATE journal SET indexed = 1 WHERE seq = OLD.journal_seq AND NOT indexed; END;\n";
  return "CREATE TRIGGER " + t + "_journal_moved AFTER UPDATE OF journal_seq, " + key + " ON " + t +
         " WHEN OLD.journal_seq IS NOT NULL AND (NEW.journal_seq IS NOT OLD.journal_seq OR NEW." + key + " IS NOT OLD." +
         key + ")" + index_old + "CREATE TRIGGER " + t + "_journal_gone AFTER DELETE ON " + t +
         " WHEN OLD.journal_seq IS NOT NULL" + index_old;
}

// An entry renamed (a local id mapped to the server's) may leave the row that named it.
std::string journal_renamed_trigger() {
  return "CREATE TRIGGER journal_renamed AFTER UPDATE OF entity, id ON journal WHEN NOT NEW.indexed "
         "BEGIN UPDATE journal SET indexed = 1 WHERE seq = NEW.seq; END;";
}

// `current`: the table as this library makes it; otherwise as version 1 made it (the
// later steps add their columns).
std::string entity_ddl(const schema::Entity& e, bool current) {
  std::string sql = "CREATE TABLE " + table_of(e) + " (\n  " + e.key + " TEXT PRIMARY KEY NOT NULL";
  for (const auto& f : e.fields) {
    if (f.name == e.key) continue;
    sql += ",\n  \"" + f.name + "\" " + f.sql_type();
  }
  // A rowid table, not WITHOUT ROWID: rows are wide and keys are random UUIDs, so
  // appending rows and indexing the key is ~2.5x faster to insert (bench/local_write).
  // sync_state: synced | pending | conflict | rejected | blocked | held.
  // journal_seq: the newest journal entry of this row, NULL when none is pending.
  // version: the row's current history version. base_hash: content hash of the
  // last server version (NULL until the server has seen the row).
  sql +=
      ",\n  sync_state TEXT NOT NULL DEFAULT 'synced'"
      ",\n  journal_seq INTEGER"
      ",\n  version INTEGER NOT NULL DEFAULT 1"
      ",\n  base_hash TEXT";
  if (current)
    for (const auto& c : kVersionColumns) sql += std::string(",\n  ") + c[0] + " " + c[1];
  sql += "\n);\n";
  if (!e.parent_field.empty())
    sql += "CREATE INDEX " + table_of(e) + "_parent ON " + table_of(e) + "(" + e.parent_field + ");\n";
  if (current) sql += journal_seq_triggers(e);
  return sql;
}

// Version 1: entity tables, base versions, history, journal, sync state, config.
void v1(Database& db) {
  for (const auto& e : schema::entities()) db.exec(entity_ddl(e, false));
  db.exec(R"(
    -- The last server version of a row that has local changes (the merge ancestor).
    -- A synced row's base is the row itself, so it is not stored twice.
    CREATE TABLE base (
      entity TEXT NOT NULL, id TEXT NOT NULL, row TEXT NOT NULL,
      PRIMARY KEY (entity, id)
    ) WITHOUT ROWID;

    -- Every version a row has had here (until version 5; see v5). row is NULL for the
    -- current version of a live row (it is the entity table's row) and for a deletion.
    CREATE TABLE history (
      entity TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
      valid_from INTEGER NOT NULL, valid_to INTEGER,
      origin TEXT NOT NULL, op TEXT NOT NULL, journal_seq INTEGER,
      row TEXT, detail TEXT,
      PRIMARY KEY (entity, id, version)
    ) WITHOUT ROWID;

    -- The outbox, in causal order.
    CREATE TABLE journal (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      entity TEXT NOT NULL, id TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
      patch TEXT,
      state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'in_flight', 'rejected', 'blocked')),
      cascade INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT, errors TEXT,
      created_at INTEGER NOT NULL
    );
    -- A deleted row has no entity-table row to point at its entry.
    CREATE INDEX journal_deletes ON journal(entity, id) WHERE op = 'delete';

    CREATE TABLE sync_scope (
      scope TEXT NOT NULL, entity TEXT NOT NULL,
      scans INTEGER NOT NULL DEFAULT 0, last_complete INTEGER, total INTEGER,
      PRIMARY KEY (scope, entity)
    ) WITHOUT ROWID;

    CREATE TABLE config (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
  )");
}

// Version 2: conflicts kept until the app resolves them.
void v2(Database& db) {
  db.exec(R"(
    CREATE TABLE conflicts (
      conflict_id TEXT PRIMARY KEY NOT NULL,
      entity TEXT NOT NULL, id TEXT NOT NULL,
      kind TEXT NOT NULL,
      base TEXT, local TEXT, remote TEXT, fields TEXT,
      journal_seq INTEGER,
      created_at INTEGER NOT NULL,
      resolved_at INTEGER, resolution TEXT
    ) WITHOUT ROWID;
    CREATE INDEX conflicts_open ON conflicts(entity, id) WHERE resolved_at IS NULL;
    CREATE INDEX journal_state ON journal(state);
  )");
}

// Version 3: the server ids given to rows created here (status-page ids are the
// server's); a local id stays a valid name for its row after the mapping.
void v3(Database& db) {
  db.exec(R"(
    CREATE TABLE id_map (
      entity TEXT NOT NULL, local_id TEXT NOT NULL, server_id TEXT NOT NULL,
      mapped_at INTEGER NOT NULL,
      PRIMARY KEY (entity, local_id)
    ) WITHOUT ROWID;
    CREATE INDEX id_map_server ON id_map(entity, server_id);
    -- A mapping renames a row's conflicts: found by row, not by scan.
    CREATE INDEX conflicts_row ON conflicts(entity, id);
    -- What the entry's attempts sent (JSON), so that a retry after a lost answer tells
    -- its own applied write from someone else's.
    ALTER TABLE journal ADD COLUMN sent TEXT;
  )");
}

// Version 4: entries the server keeps failing are held (state 'held'); an entry counts
// its own failures (attempts, towards sync.max_attempts) apart from the sends whose
// answer never came (unanswered: the write may have applied), and keeps the status of
// its last failure. SQLite cannot alter a CHECK constraint: the table is rebuilt,
// keeping every seq and the AUTOINCREMENT counter (seqs are never given twice).
void v4(Database& db) {
  db.exec(R"(
    CREATE TABLE journal_v4 (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      entity TEXT NOT NULL, id TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
      patch TEXT,
      state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'in_flight', 'rejected', 'blocked', 'held')),
      cascade INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT, errors TEXT,
      created_at INTEGER NOT NULL,
      sent TEXT,
      unanswered INTEGER NOT NULL DEFAULT 0,
      last_status INTEGER
    );
    -- Until now attempts counted the sends that may have applied: that is unanswered.
    INSERT INTO journal_v4 (seq, entity, id, op, patch, state, cascade, attempts, last_error, errors,
                            created_at, sent, unanswered)
      SELECT seq, entity, id, op, patch, state, cascade, 0, last_error, errors, created_at, sent, attempts
      FROM journal;
    DELETE FROM sqlite_sequence WHERE name = 'journal_v4';
    INSERT INTO sqlite_sequence (name, seq) SELECT 'journal_v4', seq FROM sqlite_sequence WHERE name = 'journal';
    DROP TABLE journal;
    ALTER TABLE journal_v4 RENAME TO journal;
    CREATE INDEX journal_deletes ON journal(entity, id) WHERE op = 'delete';
    CREATE INDEX journal_state ON journal(state);
    CREATE INDEX journal_row ON journal(entity, id);
  )");
}

// The journal as version 5 makes it: version 4's columns, with the CHECKs written as
// comparisons. SQLite evaluates `x IN ('a', 'b', 'c')` by building a temporary
// b-tree of the list on every insert and update: two per journal write, about a
// twentieth of a create's time (perf, bench/local_write).
void rebuild_journal_v5(Database& db) {
  db.exec(R"(
    CREATE TABLE journal_v5 (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      entity TEXT NOT NULL, id TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op = 'create' OR op = 'update' OR op = 'delete'),
      patch TEXT,
      state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state = 'pending' OR state = 'in_flight' OR state = 'rejected' OR state = 'blocked' OR state = 'held'),
      cascade INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT, errors TEXT,
      created_at INTEGER NOT NULL,
      sent TEXT,
      unanswered INTEGER NOT NULL DEFAULT 0,
      last_status INTEGER
    );
    INSERT INTO journal_v5 (seq, entity, id, op, patch, state, cascade, attempts, last_error, errors,
                            created_at, sent, unanswered, last_status)
      SELECT seq, entity, id, op, patch, state, cascade, attempts, last_error, errors, created_at, sent, unanswered,
             last_status
      FROM journal;
    DELETE FROM sqlite_sequence WHERE name = 'journal_v5';
    INSERT INTO sqlite_sequence (name, seq) SELECT 'journal_v5', seq FROM sqlite_sequence WHERE name = 'journal';
    DROP TABLE journal;
    ALTER TABLE journal_v5 RENAME TO journal;
    CREATE INDEX journal_deletes ON journal(entity, id) WHERE op = 'delete';
    CREATE INDEX journal_state ON journal(state);
    CREATE INDEX journal_row ON journal(entity, id);
  )");
}

// Version 5: a live row is its own current version. Its history version moves into
// its columns (kVersionColumns) and leaves the history table, which keeps only the
// versions superseded and deletion tombstones: a create or a pulled row is one row
// insert, where it was two (issue 13). The journal is rebuilt (rebuild_journal_v5).
void v5(Database& db) {
  rebuild_journal_v5(db);
  for (const auto& e : schema::entities()) {
    const std::string t = table_of(e);
    if (!db.raw().tableExists(t)) continue;  // made whole by missing_catalog_ddl
    for (const auto& c : kVersionColumns) db.exec("ALTER TABLE " + t + " ADD COLUMN " + c[0] + " " + c[1]);
    const std::string current = "FROM history h WHERE h.entity = ? AND h.id = " + t + "." + e.key + " AND h.version = " +
                                t + ".version AND h.valid_to IS NULL AND h.op != 'delete'";
    SQLite::Statement copy(db.raw(), "UPDATE " + t +
                                         " SET (version_from, version_origin, version_op, version_journal_seq, "
                                         "version_detail) = (SELECT h.valid_from, h.origin, h.op, h.journal_seq, h.detail " +
                                         current + ") WHERE EXISTS (SELECT 1 " + current + ")");
    copy.bind(1, e.name);
    copy.bind(2, e.name);
    copy.exec();
    // A live row with no open version (a file version 4 did not write whole): its current
    // version begins where its last recorded one ended, not at 0 (before the versions it
    // superseded: as-of reads then found it before it existed), and comes after every
    // version history holds (the next write moves it there, under its number). Without
    // any version recorded, when it began is unknown: 0 stays.
    const std::string recorded = "FROM history h WHERE h.entity = ? AND h.id = " + t + "." + e.key;
    SQLite::Statement orphan(db.raw(), "UPDATE " + t + " SET version_from = (SELECT MAX(COALESCE(h.valid_to, h.valid_from)) " +
                                           recorded + "), version = MAX(version, (SELECT MAX(h.version) + 1 " + recorded +
                                           ")) WHERE NOT EXISTS (SELECT 1 " + current + ") AND EXISTS (SELECT 1 " +
                                           recorded + ")");
    for (int i = 1; i <= 4; ++i) orphan.bind(i, e.name);
    orphan.exec();
    SQLite::Statement drop(db.raw(), "DELETE FROM history WHERE entity = ? AND valid_to IS NULL AND op != 'delete' AND "
                                     "EXISTS (SELECT 1 FROM " + t + " WHERE " + t + "." + e.key +
                                     " = history.id AND " + t + ".version = history.version)");
    drop.bind(1, e.name);
    drop.exec();
  }
}

// Version 6: the journal's index by row keys the last eight characters of the id
// (journal_row_tail) instead of (entity, id). Each create adds a random key to that
// index, and the index is where a create's commit spent most of its page writes: a
// key of 8 characters keeps it a quarter the size, so a batch of creates dirties
// half as many of its pages (bench/local_write: ratio 2.99 -> 2.52, cpu_ratio 3.29 -> 2.84). Lookups by
// row name the same expression (journal.cpp, kRowMatch); the tail of a UUID or of a
// server's numeric id is nearly unique, and entity and id are then compared in full.
void v6(Database& db) {
  db.exec(R"(
    DROP INDEX IF EXISTS journal_row;
    CREATE INDEX journal_row_tail ON journal(substr(id, -8));
  )");
}

// Version 7: a local create's entry is found through its row, not through the
// journal's index by row. With 100,000 creates pending, that index's random inserts
// were a fifth of a create_many's time (bench/local_write). `indexed` is 0 only for
// such an entry (Journal::append_create), whose row names it in journal_seq; triggers
// index it once the row no longer does (journal_seq_triggers), or once the entry is
// renamed. Entries already here stay indexed. A lookup by row reads both (journal.cpp,
// row_seqs). A later step that rebuilds the journal (as v4 and v5 did) must keep
// `indexed`, the partial index and journal_renamed, which go with the old table; the
// entity tables' triggers write the journal by name and need it whole.
void v7(Database& db) {
  db.exec(R"(
    ALTER TABLE journal ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1;
    DROP INDEX journal_row_tail;
    CREATE INDEX journal_row_tail ON journal(substr(id, -8)) WHERE indexed;
  )");
  db.exec(journal_renamed_trigger());
  for (const auto& e : schema::entities())
    if (db.raw().tableExists(table_of(e))) db.exec(journal_seq_triggers(e));  // else made whole by missing_catalog_ddl
}

using Step = void (*)(Database&);
const Step kSteps[] = {v1, v2, v3, v4, v5, v6, v7};
static_assert(std::size(kSteps) == kSchemaVersion);

// The DDL that brings the entity tables up to the catalog: a table for an entity added
// to the catalog after this file was made, a column for each field added since.
std::vector<std::string> missing_catalog_ddl(Database& db) {
  std::vector<std::string> ddl;
  for (const auto& e : schema::entities()) {
    std::set<std::string> have;
    {
      SQLite::Statement info(db.raw(), "SELECT name FROM pragma_table_info(?)");
      info.bind(1, table_of(e));
      while (info.executeStep()) have.insert(info.getColumn(0).getString());
    }
    if (have.empty()) {
      ddl.push_back(entity_ddl(e, true));
      continue;
    }
    for (const auto& f : e.fields)
      if (!have.count(f.name))
        ddl.push_back("ALTER TABLE " + table_of(e) + " ADD COLUMN \"" + f.name + "\" " + f.sql_type());
  }
  return ddl;
}

}  // namespace

std::string table_of(const schema::Entity& e) { return "e_" + e.name; }

const std::vector<std::string>& sync_columns() {
  static const std::vector<std::string> cols = [] {
    std::vector<std::string> c = {"sync_state", "journal_seq", "version", "base_hash"};
    for (const auto& v : kVersionColumns) c.push_back(v[0]);
    return c;
  }();
  return cols;
}

int schema_version(Database& db) {
  return storage_call("read schema version", [&] { return db.raw().execAndGet("PRAGMA user_version").getInt(); });
}

int migrate(Database& db, int target) {
  int from = checked_schema_version(db, kSchemaVersion);
  if (target < from) target = from;
  // A replica that is already current is opened without a write transaction: another
  // process (the daemon) may be writing a page, and a reader must not wait for it.
  if (from == target && target == kSchemaVersion &&
      storage_call("read replica schema", [&] { return missing_catalog_ddl(db).empty(); }))
    return from;
  WriteTransaction tx(db);
  storage_call("migrate replica", [&] {
    for (int v = from; v < target; ++v) kSteps[v](db);
    if (target == kSchemaVersion)
      for (const auto& sql : missing_catalog_ddl(db)) db.exec(sql);
    db.exec("PRAGMA user_version = " + std::to_string(target));
  });
  tx.commit();
  return from;
}

}  // namespace hse::engine::store
