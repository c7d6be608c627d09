#include <SQLiteCpp/Database.h>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iterator>

#include "engine/engine_impl.hpp"
#include "engine/store/migrations.hpp"
#include "engine/store/replica_file.hpp"
#include "tests/unit/engine/fixture.hpp"

using namespace hse;
using json = nlohmann::json;

TEST(Migrations, TablesHaveExactlyTheCatalogsColumns) {
  engine::store::Database db(":memory:");
  engine::store::migrate(db);
  for (const auto& e : schema::entities()) {
    std::vector<std::string> have, want;
    SQLite::Statement info(db.raw(), "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    info.bind(1, engine::store::table_of(e));
    while (info.executeStep()) have.push_back(info.getColumn(0).getString());
    for (const auto& f : e.fields) want.push_back(f.name);
    for (const auto& c : engine::store::sync_columns()) want.push_back(c);
    EXPECT_EQ(have, want) << e.name;
  }
}

TEST(Migrations, Version1FileUpgradesToCurrentKeepingItsRows) {
  const std::string path = test::temp_path("v1");
  {
    engine::store::Database db(path);
    EXPECT_EQ(engine::store::migrate(db, 1), 0);
    EXPECT_EQ(engine::store::schema_version(db), 1);
    db.exec("INSERT INTO e_project (project_id, name, country, sync_state, version) "
            "VALUES ('b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01', 'Old', 'IT', 'synced', 1)");
    // A replica of version 1 had no conflicts table.
    EXPECT_FALSE(db.raw().tableExists("conflicts"));
  }
  auto engine = engine::Engine::open(path);
  EXPECT_EQ(engine->get("project", "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01")->at("name"), "Old");
  auto& s = (*hse::engine::internals(*engine).state);
  EXPECT_EQ(engine::store::schema_version(s.db), engine::store::kSchemaVersion);
  EXPECT_TRUE(s.db.raw().tableExists("conflicts"));
}

// A replica made before the status-page entities (version 2) gains their tables and
// the id map, and keeps its rows.
TEST(Migrations, Version2FileGainsTheStatusPageTablesAndTheIdMap) {
  const std::string path = test::temp_path("v2");
  {
    engine::store::Database db(path);
    engine::store::migrate(db, 2);
    db.exec("DROP TABLE e_statuspage_incident; DROP TABLE e_statuspage_comment;");
    db.exec("INSERT INTO e_project (project_id, name, country, sync_state, version) "
            "VALUES ('b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01', 'Kept', 'IT', 'synced', 1)");
    EXPECT_FALSE(db.raw().tableExists("id_map"));
  }
  auto engine = engine::Engine::open(path);
  auto& s = (*hse::engine::internals(*engine).state);
  EXPECT_EQ(engine::store::schema_version(s.db), engine::store::kSchemaVersion);
  EXPECT_TRUE(s.db.raw().tableExists("id_map"));
  EXPECT_TRUE(s.db.raw().tableExists("e_statuspage_incident"));
  EXPECT_EQ(engine->get("project", "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01")->at("name"), "Kept");
  json inc = engine->create("statuspage_incident", {{"scope", 1}, {"service", 1}, {"name", "After the upgrade"},
                                                    {"severity", "low"}, {"start_impact_date", "2026-11-28T08:00"}});
  EXPECT_EQ(engine->get("statuspage_incident", inc["id"].get<std::string>())->at("name"), "After the upgrade");
}

TEST(Migrations, ANewerFileIsRefusedAndLeftAlone) {
  const std::string path = test::temp_path("future");
  {
    engine::store::Database db(path);
    db.exec("PRAGMA user_version = 99");
  }
  try {
    engine::Engine::open(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::schema);
    EXPECT_NE(std::string(e.what()).find("99"), std::string::npos);
  }
  engine::store::Database db(path);
  EXPECT_EQ(engine::store::schema_version(db), 99);
  EXPECT_FALSE(db.raw().tableExists("journal"));
}

TEST(Migrations, AFailedStepRollsBackWholly) {
  const std::string path = test::temp_path("half");
  {
    engine::store::Database db(path);
    engine::store::migrate(db, 1);
    db.exec("CREATE TABLE conflicts (x)");  // makes step 2 fail half-way
    EXPECT_THROW(engine::store::migrate(db), Error);
    EXPECT_EQ(engine::store::schema_version(db), 1);
  }
}

// The CLI opens a replica while the daemon holds its write lock (writing a page): a
// current replica needs no migration, so opening must not wait for that lock.
TEST(Migrations, ACurrentReplicaOpensWhileAnotherConnectionWrites) {
  const std::string path = test::temp_path("busy");
  engine::Engine::open(path);  // made current
  engine::store::Database writer(path);
  writer.exec("BEGIN IMMEDIATE");
  writer.exec("INSERT INTO config (key, value) VALUES ('held', '1')");
  auto started = std::chrono::steady_clock::now();
  auto reader = engine::Engine::open(path);
  EXPECT_FALSE(reader->get("project", "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01"));
  // Before, opening waited out the 5 s busy timeout and failed with "database is locked".
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  writer.exec("ROLLBACK");
}

// A catalog field the file lacks still gets its column, under the write lock.
TEST(Migrations, ACurrentVersionFileMissingACatalogColumnGainsIt) {
  const std::string path = test::temp_path("column");
  {
    engine::store::Database db(path);
    engine::store::migrate(db);
    db.exec("ALTER TABLE e_statuspage_comment DROP COLUMN internal");
  }
  auto engine = engine::Engine::open(path);
  SQLite::Statement info((*hse::engine::internals(*engine).state).db.raw(),
                         "SELECT COUNT(*) FROM pragma_table_info('e_statuspage_comment') WHERE name = 'internal'");
  ASSERT_TRUE(info.executeStep());
  EXPECT_EQ(info.getColumn(0).getInt(), 1);
}

// Version 4 rebuilds the journal: every entry keeps its seq, what it counted as
// attempts (sends that may have applied) becomes unanswered, and seqs already given
// (even of entries gone since) are never given again.
TEST(Migrations, Version3JournalKeepsItsEntriesAndSeqsInVersion4) {
  const std::string path = test::temp_path("v3");
  {
    engine::store::Database db(path);
    engine::store::migrate(db, 3);
    db.exec("INSERT INTO journal (seq, entity, id, op, state, attempts, created_at, sent) "
            "VALUES (7, 'project', 'p1', 'create', 'in_flight', 2, 1, '{\"name\":\"x\"}')");
    db.exec("INSERT INTO journal (seq, entity, id, op, state, created_at) VALUES (9, 'project', 'p2', 'update', 'rejected', 1)");
    db.exec("DELETE FROM journal WHERE seq = 9");
  }
  auto engine = engine::Engine::open(path);
  auto entries = engine->journal();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].seq, 7);
  EXPECT_EQ(entries[0].unanswered, 2);
  EXPECT_EQ(entries[0].attempts, 0);
  EXPECT_EQ(entries[0].state, engine::journal::State::in_flight);
  EXPECT_EQ(entries[0].sent, json({{"name", "x"}}));
  auto& s = *hse::engine::internals(*engine).state;
  EXPECT_EQ(s.journal.last_seq(), 9);
  // The new state is allowed by the rebuilt table's check.
  s.db.exec("UPDATE journal SET state = 'held' WHERE seq = 7");
  EXPECT_EQ(engine->journal({{"state", "held"}}).size(), 1u);
}

// Version 5 moves the current version of each live row out of history into the row's
// columns. A version-4 replica, its history as version 4 wrote it (the current version
// an open history row without its content; closed ones with theirs; a deletion's
// tombstone): history and as-of reads answer the same after the upgrade, and the next
// write continues the versions.
TEST(Migrations, Version4HistoryReadsTheSameInVersion5) {
  const std::string path = test::temp_path("v4");
  const std::string p = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";
  const std::string gone = "c6a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a02";
  {
    engine::store::Database db(path);
    engine::store::migrate(db, 4);
    // A project created at 1000 (journal entry 1), renamed at 2000; an office created
    // at 3000 and deleted at 4000. The rows of a version-4 file written by hse-sync.
    db.exec("INSERT INTO e_project (project_id, name, country, owned_active, sync_state, journal_seq, version) "
            "VALUES ('" + p + "', 'Acme 2', 'IT', 1, 'pending', 1, 2)");
    db.exec("INSERT INTO history (entity, id, version, valid_from, valid_to, origin, op, journal_seq, row, detail) VALUES "
            "('project', '" + p + "', 1, 1000, 2000, 'local', 'create', 1, '{\"name\":\"Acme\",\"project_id\":\"" + p +
            "\"}', NULL), "
            "('project', '" + p + "', 2, 2000, NULL, 'merge', 'update', 1, NULL, '{\"why\":\"kept\"}'), "
            "('office', '" + gone + "', 1, 3000, 4000, 'local', 'create', 2, '{\"name\":\"Rome\",\"office_id\":\"" + gone +
            "\"}', NULL), "
            "('office', '" + gone + "', 2, 4000, NULL, 'local', 'delete', NULL, NULL, NULL)");
  }
  auto engine = engine::Engine::open(path);
  auto& s = *hse::engine::internals(*engine).state;
  EXPECT_EQ(engine::store::schema_version(s.db), engine::store::kSchemaVersion);
  // Only the live project's current version left the table.
  EXPECT_EQ(s.db.raw().execAndGet("SELECT COUNT(*) FROM history").getInt(), 3);

  auto h = engine->history("project", p);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].version, 1);
  EXPECT_EQ(h[0].valid_from, 1000);
  EXPECT_EQ(h[0].valid_to, std::optional<int64_t>(2000));
  EXPECT_EQ(h[0].op, "create");
  EXPECT_EQ(h[0].row["name"], "Acme");
  EXPECT_EQ(h[1].version, 2);
  EXPECT_EQ(h[1].valid_from, 2000);
  EXPECT_FALSE(h[1].valid_to);
  EXPECT_EQ(h[1].origin, "merge");
  EXPECT_EQ(h[1].op, "update");
  EXPECT_EQ(h[1].journal_seq, std::optional<int64_t>(1));
  EXPECT_EQ(h[1].detail, json({{"why", "kept"}}));
  EXPECT_EQ(h[1].row["name"], "Acme 2");
  EXPECT_EQ(h[1].row["country"], "IT");
  EXPECT_EQ(engine->get_as_of("project", p, 1500)->at("name"), "Acme");
  EXPECT_EQ(engine->get_as_of("project", p, 2500)->at("name"), "Acme 2");
  EXPECT_FALSE(engine->get_as_of("project", p, 999));

  auto g = engine->history("office", gone);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].row["name"], "Rome");
  EXPECT_EQ(g[1].op, "delete");
  EXPECT_TRUE(g[1].row.is_null());
  EXPECT_FALSE(g[1].valid_to);
  EXPECT_EQ(engine->get_as_of("office", gone, 3500)->at("name"), "Rome");
  EXPECT_FALSE(engine->get_as_of("office", gone, 4500));

  // The next write supersedes version 2, keeping when and why it began.
  engine->update("project", p, {{"name", "Acme 3"}});
  h = engine->history("project", p);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].valid_from, 2000);
  EXPECT_EQ(h[1].origin, "merge");
  EXPECT_EQ(h[1].row["name"], "Acme 2");
  ASSERT_TRUE(h[1].valid_to);
  EXPECT_EQ(*h[1].valid_to, h[2].valid_from);
  EXPECT_EQ(h[2].version, 3);
  EXPECT_EQ(h[2].row["name"], "Acme 3");
}

// A version-4 file not written whole: live rows whose open version is missing from
// history. Their current version begins where the last recorded one ended (not at 0,
// before the versions it superseded), and takes a number after every recorded one, so
// the next write can move it into history.
TEST(Migrations, Version4RowWithoutItsOpenVersionBeginsWhereItsLastOneEnded) {
  const std::string path = test::temp_path("v4-orphan");
  const std::string p = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";  // version 1 closed at 2000, no version 2 row
  const std::string q = "d7a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a03";  // version 2 closed at 3000 too
  const std::string r = "e8a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a04";  // no history at all
  {
    engine::store::Database db(path);
    engine::store::migrate(db, 4);
    for (const auto& [id, name] : {std::pair{p, "P 2"}, std::pair{q, "Q 2"}, std::pair{r, "R"}})
      db.exec("INSERT INTO e_project (project_id, name, country, owned_active, sync_state, version) VALUES ('" + id +
              "', '" + name + "', 'IT', 1, 'synced', " + (id == r ? "1" : "2") + ")");
    db.exec("INSERT INTO history (entity, id, version, valid_from, valid_to, origin, op, journal_seq, row, detail) VALUES "
            "('project', '" + p + "', 1, 1000, 2000, 'pull', 'create', NULL, '{\"name\":\"P 1\"}', NULL), "
            "('project', '" + q + "', 1, 1000, 2000, 'pull', 'create', NULL, '{\"name\":\"Q 1\"}', NULL), "
            "('project', '" + q + "', 2, 2000, 3000, 'pull', 'update', NULL, '{\"name\":\"Q 2\"}', NULL)");
  }
  auto engine = engine::Engine::open(path);
  auto h = engine->history("project", p);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].version, 2);
  EXPECT_EQ(h[1].valid_from, 2000);
  EXPECT_FALSE(engine->get_as_of("project", p, 500));  // before its first version: not there
  EXPECT_EQ(engine->get_as_of("project", p, 1500)->at("name"), "P 1");
  EXPECT_EQ(engine->get_as_of("project", p, 2500)->at("name"), "P 2");

  auto g = engine->history("project", q);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[2].version, 3);
  EXPECT_EQ(g[2].valid_from, 3000);
  // The next write supersedes the current version under its own number.
  engine->update("project", q, {{"name", "Q 3"}});
  g = engine->history("project", q);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[2].version, 3);
  EXPECT_EQ(g[2].row["name"], "Q 2");
  EXPECT_EQ(g[3].version, 4);
  EXPECT_EQ(g[3].row["name"], "Q 3");

  // Nothing recorded: when it began is unknown.
  auto k = engine->history("project", r);
  ASSERT_EQ(k.size(), 1u);
  EXPECT_EQ(k[0].version, 1);
  EXPECT_EQ(k[0].valid_from, 0);
}

// Version 6 indexes the journal by the tail of the id. A version-5 replica's entries
// are found by their row after the upgrade, through the new index; two ids with the
// same tail are told apart, and dropping one row's entries leaves the other's.
TEST(Migrations, Version5JournalIsFoundByRowInVersion6) {
  const std::string path = test::temp_path("v5");
  const std::string a = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";
  const std::string b = "c6a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";  // the same last 8 characters
  {
    engine::store::Database db(path);
    engine::store::migrate(db, 5);
    db.exec("INSERT INTO journal (seq, entity, id, op, state, created_at) VALUES "
            "(3, 'project', '" + a + "', 'create', 'in_flight', 1), "
            "(4, 'project', '" + b + "', 'update', 'pending', 1), "
            "(5, 'project', '" + a + "', 'update', 'pending', 1), "
            "(6, 'office', '" + a + "', 'delete', 'pending', 1)");
  }
  auto engine = engine::Engine::open(path);
  auto& s = *hse::engine::internals(*engine).state;
  EXPECT_EQ(engine::store::schema_version(s.db), engine::store::kSchemaVersion);
  EXPECT_EQ(s.db.raw().execAndGet("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'journal_row'").getInt(), 0);

  auto of_a = s.journal.list({.entity = "project", .id = a});
  ASSERT_EQ(of_a.size(), 2u);
  EXPECT_EQ(of_a[0].seq, 3);
  EXPECT_EQ(of_a[1].seq, 5);
  EXPECT_EQ(s.journal.list({.state = engine::journal::State::pending, .entity = "project", .id = a}).size(), 1u);
  EXPECT_EQ(s.journal.list({.id = a}).size(), 3u);
  EXPECT_EQ(s.journal.pending_delete("office", a), std::optional<int64_t>(6));

  // The lookup goes through the index, not a scan of the journal.
  std::string plan;
  SQLite::Statement explain(s.db.raw(),
                            "EXPLAIN QUERY PLAN SELECT seq FROM journal WHERE substr(id, -8) = substr(?2, -8) "
                            "AND indexed AND entity = ?1 AND +id = ?2 ORDER BY seq");
  while (explain.executeStep()) plan += explain.getColumn(3).getString() + "\n";
  EXPECT_NE(plan.find("journal_row_tail"), std::string::npos) << plan;

  s.journal.erase_row("project", a);
  EXPECT_TRUE(s.journal.list({.entity = "project", .id = a}).empty());
  ASSERT_EQ(s.journal.list({.entity = "project", .id = b}).size(), 1u);
  EXPECT_EQ(s.journal.list({.entity = "office", .id = a}).size(), 1u);
}

// Version 7 leaves a local create's entry out of the journal's index by row: its row
// finds it. A version-6 replica's entries (all in that index) are found by row after
// the upgrade, a row's create among them; a create made after it is found through its
// row, and through the index once an edit follows it while it is in flight.
TEST(Migrations, Version6JournalIsFoundByRowInVersion7) {
  const std::string path = test::temp_path("v6");
  const std::string a = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";
  {
    engine::store::Database db(path);
    engine::store::migrate(db, 6);
    db.exec("INSERT INTO e_project (project_id, name, country, sync_state, journal_seq) VALUES "
            "('" + a + "', 'Acme', 'IT', 'pending', 8)");
    db.exec("INSERT INTO journal (seq, entity, id, op, state, created_at) VALUES "
            "(7, 'project', '" + a + "', 'create', 'in_flight', 1), "
            "(8, 'project', '" + a + "', 'update', 'pending', 1)");
  }
  auto engine = engine::Engine::open(path);
  auto& s = *hse::engine::internals(*engine).state;
  ASSERT_EQ(engine::store::schema_version(s.db), 7);
  EXPECT_EQ(s.db.raw().execAndGet("SELECT COUNT(*) FROM journal WHERE indexed = 1").getInt(), 2);
  auto of_a = s.journal.list({.entity = "project", .id = a});
  ASSERT_EQ(of_a.size(), 2u);
  EXPECT_EQ(of_a[0].seq, 7);
  EXPECT_EQ(of_a[1].seq, 8);

  // A create now: outside the index, found through its row.
  json office = engine->create("office", {{"project_id", a}, {"name", "Rome North Site"}});
  const std::string o = office["office_id"];
  const int64_t create = s.journal.last_seq();
  SQLite::Statement indexed(s.db.raw(), "SELECT indexed FROM journal WHERE seq = ?");
  indexed.bind(1, create);
  ASSERT_TRUE(indexed.executeStep());
  EXPECT_EQ(indexed.getColumn(0).getInt(), 0);
  auto of_o = s.journal.list({.entity = "office", .id = o});
  ASSERT_EQ(of_o.size(), 1u);
  EXPECT_EQ(of_o[0].seq, create);
  // The index by row does not hold it: the lookup by the index alone misses it.
  SQLite::Statement by_index(s.db.raw(), "SELECT COUNT(*) FROM journal WHERE substr(id, -8) = substr(?, -8) AND indexed");
  by_index.bind(1, o);
  by_index.executeStep();
  EXPECT_EQ(by_index.getColumn(0).getInt(), 0);

  // In flight, then edited: the row names the edit, and the index holds the create.
  s.journal.set_state(create, engine::journal::State::in_flight);
  engine->update("office", o, {{"name", "Rome South Site"}});
  of_o = s.journal.list({.entity = "office", .id = o});
  ASSERT_EQ(of_o.size(), 2u);
  EXPECT_EQ(of_o[0].seq, create);
  EXPECT_EQ(of_o[0].op, engine::journal::Op::create);
  EXPECT_EQ(of_o[1].op, engine::journal::Op::update);
  s.journal.erase_row("office", o);
  EXPECT_TRUE(s.journal.list({.entity = "office", .id = o}).empty());
  EXPECT_EQ(s.journal.list({.entity = "project", .id = a}).size(), 2u);
}

namespace {

Error open_error(const std::string& path) {
  try {
    engine::Engine::open(path);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << path << " opened";
  return Error(Code::ok, "");
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// Before, kSteps[-1] ran: every command crashed on such a file.
TEST(ReplicaFile, ANegativeSchemaVersionIsRefused) {
  const std::string path = test::temp_path("negative");
  { engine::store::Database(path).exec("PRAGMA user_version = -3"); }
  Error e = open_error(path);
  EXPECT_EQ(e.code(), Code::schema);
  EXPECT_NE(std::string(e.what()).find("-3"), std::string::npos) << e.what();
}

// Before, hsesync added its tables to whatever database --db named.
TEST(ReplicaFile, SomeoneElsesDatabaseIsRefusedAndLeftUntouched) {
  const std::string path = test::temp_path("foreign");
  {
    SQLite::Database other(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)");
  }
  const std::string before = file_bytes(path);
  Error e = open_error(path);
  EXPECT_EQ(e.code(), Code::schema);
  EXPECT_NE(std::string(e.what()).find("not an hsesync replica"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("invoices"), std::string::npos) << e.what();
  EXPECT_EQ(file_bytes(path), before);

  const std::string marked = test::temp_path("other-app");
  { SQLite::Database(marked, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE).exec("PRAGMA application_id = 42"); }
  EXPECT_EQ(open_error(marked).code(), Code::schema);

  const std::string versioned = test::temp_path("other-versioned");
  {
    SQLite::Database db(versioned, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE t (x); PRAGMA user_version = 2");
  }
  EXPECT_NE(std::string(open_error(versioned).what()).find("no hsesync journal"), std::string::npos);
}

TEST(ReplicaFile, AFileThatIsNotADatabaseIsAStorageError) {
  const std::string path = test::temp_path("text");
  std::ofstream(path) << "these are not the pages you are looking for\n" << std::string(5000, 'x');
  const std::string before = file_bytes(path);
  EXPECT_EQ(open_error(path).code(), Code::storage);
  EXPECT_EQ(file_bytes(path), before);
}

TEST(ReplicaFile, ANewReplicaIsMarkedAndPrivate) {
  const std::string path = test::temp_path("private");
  {
    auto engine = engine::Engine::open(path);
    engine->create("project", {{"name", "Acme"}, {"country", "IT"}});
    for (const char* suffix : {"", "-wal", "-shm"}) {
      struct stat st {};
      ASSERT_EQ(::stat((path + suffix).c_str(), &st), 0) << suffix;
      EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
    }
  }
  engine::store::Database db(path);
  EXPECT_EQ(db.raw().execAndGet("PRAGMA application_id").getInt(), engine::store::kApplicationId);
  // A replica made before the marker (application_id 0) still opens.
  db.exec("PRAGMA application_id = 0");
  EXPECT_NO_THROW(engine::Engine::open(path));
}

// A replica edited by hand (or written before depth was bounded) holding JSON nested
// 100,000 deep: read as its text, never built (which overflowed the stack).
TEST(ReplicaFile, DeepJsonWrittenIntoTheFileIsReadAsTextNotBuilt) {
  const std::string path = test::temp_path("tampered");
  std::string id;
  {
    auto engine = engine::Engine::open(path);
    id = engine->create("project", {{"name", "Acme"}, {"country", "IT"}})["project_id"].get<std::string>();
  }
  {
    engine::store::Database db(path);
    db.exec("UPDATE e_project SET data = '{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}'");
  }
  auto engine = engine::Engine::open(path);
  auto row = engine->get("project", id);
  ASSERT_TRUE(row);
  EXPECT_TRUE((*row)["data"].is_string());
  EXPECT_EQ((*row)["name"], "Acme");
  EXPECT_EQ(engine->query("project", json::object())["items"].size(), 1u);
}
