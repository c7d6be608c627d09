// bench local_write: 100,000 incident creates through the engine (validation,
// row + journal entry per create) in transactions of 1,000 (create_many), against
// plain SQLite inserting the same rows into one table with the same columns,
// primary key and index, with one prepared statement and the same transaction
// size, in the same process; one create_many of 1,000 rows into a replica just
// opened against 1,000 plain inserts into a new table; then one create per
// transaction under "durability": "normal" and "full" (the default), the latter
// against plain SQLite's one insert per transaction under synchronous=FULL.
// Prints one JSON object per line; the last holds the headline figures.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/clock.hpp"
#include "engine/engine.hpp"
#include "engine/store/migrations.hpp"
#include "engine/store/row_codec.hpp"
#include "schema/catalog.hpp"

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRows = 100'000;
constexpr int kBatch = 1'000;
constexpr int kAutocommitRows = 2'000;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Realistic incidents: varied names, descriptions of a few sentences, JSON people lists.
std::vector<json> make_incidents(int n, const std::string& tenant, const std::string& office, hse::Random& rnd) {
  static const char* what[] = {"Slip on wet floor", "Fall from scaffolding", "Forklift near miss", "Cut by angle grinder",
                               "Chemical splash", "Electrical shock", "Missing guard rail", "Blocked fire exit"};
  static const char* where[] = {"loading bay", "level 3 slab", "warehouse aisle 7", "workshop", "site entrance"};
  static const char* cats[] = {"NON_COMPLIANCE", "ACCIDENTS", "ACCIDENTS_AND_MISSED_INJURIES", "REPORT_MALFUNCTION",
                               "REQUEST_INSPECTION"};
  std::vector<json> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    uint64_t r = rnd.next_u64();
    std::string name = std::string(what[r % 8]) + " at " + where[(r >> 8) % 5] + " #" + std::to_string(i);
    char date[11];
    std::snprintf(date, sizeof date, "2026-%02d-%02d", int((r >> 16) % 12) + 1, int((r >> 24) % 28) + 1);
    out.push_back({{"office_incident_id", rnd.uuid4()},
                   {"code", "INC-" + std::to_string(100000 + i)},
                   {"name", name},
                   {"date_incident", date},
                   {"category", cats[(r >> 32) % 5]},
                   {"description", "Worker reported " + name + ". Area secured, supervisor informed, photos taken."},
                   {"actions_taken", "Area cordoned off; first aid given; toolbox talk scheduled."},
                   {"reported_by", "Mario Rossi"},
                   {"manager", json::array({"m.bianchi"}).dump()},
                   {"status", (r >> 40) % 3 == 0 ? "open" : "new"},
                   {"external_reference", "INAIL-" + std::to_string(r % 1000000)},
                   {"tenant_id", tenant},
                   {"subtenant_id", office}});
  }
  return out;
}

double run_engine(const std::string& path, const std::vector<json>& rows) {
  // Batches of 1,000 under NORMAL, as the plain SQLite baseline commits.
  auto engine = hse::engine::Engine::open(path, {{"durability", "normal"}});
  auto t0 = Clock::now();
  for (size_t i = 0; i < rows.size(); i += kBatch) {
    std::vector<json> batch(rows.begin() + i, rows.begin() + std::min(rows.size(), i + kBatch));
    engine->create_many("incident", batch);
  }
  return seconds_since(t0);
}

// Plain SQLite: `batch` rows per transaction (1: autocommit) under `synchronous`.
double run_sqlite(const std::string& path, const std::vector<json>& rows, size_t batch = kBatch,
                  const char* synchronous = "NORMAL") {
  const auto& e = hse::schema::entity("incident");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec(std::string("PRAGMA synchronous=") + synchronous);
  db.exec("PRAGMA cache_size=-16384");  // as the replica
  std::string cols, params;
  for (const auto& f : e.fields) {
    cols += (cols.empty() ? "" : ", ") + ("\"" + f.name + "\"");
    params += params.empty() ? "?" : ", ?";
  }
  // The same table the replica makes: typed columns, text primary key, parent index.
  std::string ddl = "CREATE TABLE plain (" + e.key + " TEXT PRIMARY KEY NOT NULL";
  for (const auto& f : e.fields)
    if (f.name != e.key) ddl += ", \"" + f.name + "\" " + f.sql_type();
  ddl += ")";
  db.exec(ddl);
  db.exec("CREATE INDEX plain_parent ON plain(subtenant_id)");
  SQLite::Statement insert(db, "INSERT INTO plain (" + cols + ") VALUES (" + params + ")");
  auto t0 = Clock::now();
  for (size_t i = 0; i < rows.size(); i += batch) {
    db.exec("BEGIN");
    for (size_t j = i; j < std::min(rows.size(), i + batch); ++j) {
      int k = 1;
      for (const auto& f : e.fields) hse::engine::store::bind_field(insert, k++, f, rows[j]);
      insert.exec();
      insert.reset();
    }
    db.exec("COMMIT");
  }
  return seconds_since(t0);
}

// One create per transaction, as an app writes: under "durability" `durability`
// (full: an fsync per commit; normal: none).
double autocommit_rate(const std::string& path, const std::vector<json>& rows, const char* durability) {
  auto engine = hse::engine::Engine::open(path, {{"durability", durability}});
  auto t0 = Clock::now();
  for (const auto& r : rows) engine->create("incident", r);
  return rows.size() / seconds_since(t0);
}

// One create_many of `rows` into a replica just opened (its statements not prepared yet).
double one_create_many(const std::string& path, const std::vector<json>& rows, json& project, json& office) {
  auto engine = hse::engine::Engine::open(path, {{"durability", "normal"}});
  project = engine->create("project", {{"name", "Acme Construction"}, {"country", "IT"}});
  office = engine->create("office", {{"project_id", project["project_id"]}, {"name", "Rome North Site"}});
  std::vector<json> body = rows;
  for (auto& r : body) {
    r["tenant_id"] = project["project_id"];
    r["subtenant_id"] = office["office_id"];
  }
  auto t0 = Clock::now();
  engine->create_many("incident", body);
  return seconds_since(t0);
}

}  // namespace

int main() {
  auto dir = std::filesystem::temp_directory_path() / ("hsesync-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  hse::SeededRandom rnd(1);
  const std::string engine_path = (dir / "engine.db").string();

  // The rows name a project and an office the engine must hold first.
  json project, office;
  {
    auto engine = hse::engine::Engine::open(engine_path);
    project = engine->create("project", {{"name", "Acme Construction"}, {"country", "IT"}});
    office = engine->create("office", {{"project_id", project["project_id"]}, {"name", "Rome North Site"}});
  }
  auto rows = make_incidents(kRows, project["project_id"], office["office_id"], rnd);
  double engine_s = run_engine(engine_path, rows);
  std::cout << json{{"bench", "local_write"}, {"phase", "engine"}, {"rows", kRows}, {"seconds", engine_s}}.dump() << std::endl;
  double sqlite_s = run_sqlite((dir / "plain.db").string(), rows);
  std::cout << json{{"bench", "local_write"}, {"phase", "sqlite"}, {"rows", kRows}, {"seconds", sqlite_s}}.dump() << std::endl;

  // One create_many of 1,000 rows, cold, beside plain SQLite's 1,000 inserts in one transaction.
  json p2, o2;
  std::vector<json> small(rows.begin(), rows.begin() + kBatch);
  double many_s = one_create_many((dir / "many.db").string(), small, p2, o2);
  double many_sqlite_s = run_sqlite((dir / "many_plain.db").string(), small);
  std::cout << json{{"bench", "local_write"}, {"phase", "create_many"}, {"rows", kBatch}, {"engine_s", many_s},
                    {"sqlite_s", many_sqlite_s}}.dump() << std::endl;

  // The cost of surviving power loss (the default) beside the setting that does not;
  // fresh ids for each run (the same ids twice would be refused as existing).
  hse::SeededRandom rnd_normal(7), rnd_full(8);
  auto rows_normal = make_incidents(kAutocommitRows, project["project_id"], office["office_id"], rnd_normal);
  auto rows_full = make_incidents(kAutocommitRows, project["project_id"], office["office_id"], rnd_full);
  double autocommit_normal = autocommit_rate(engine_path, rows_normal, "normal");
  double autocommit = autocommit_rate(engine_path, rows_full, "full");
  double sqlite_autocommit = kAutocommitRows / run_sqlite((dir / "plain_autocommit.db").string(), rows_full, 1, "FULL");
  std::cout << json{{"bench", "local_write"}, {"rows", kRows}, {"engine_s", engine_s}, {"sqlite_s", sqlite_s},
                    {"ratio", engine_s / sqlite_s}, {"create_many_1000_ratio", many_s / many_sqlite_s},
                    {"autocommit_writes_per_s", autocommit}, {"autocommit_writes_per_s_normal", autocommit_normal},
                    {"sqlite_autocommit_writes_per_s", sqlite_autocommit},
                    {"autocommit_ratio", sqlite_autocommit / autocommit}}
                   .dump()
            << std::endl;
  std::filesystem::remove_all(dir);
  return 0;
}
