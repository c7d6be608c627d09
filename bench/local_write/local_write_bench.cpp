// bench local_write: 100,000 incident creates through the engine (validation,
// row + journal entry per create) in transactions of 1,000 (create_many), against
// plain SQLite inserting the same rows into one table with the same columns,
// primary key and index, with one prepared statement and the same transaction
// size, in the same process, batch by batch in turn (both meet the same load on a
// shared machine); one create_many of 1,000 rows into a replica just opened against
// 1,000 plain inserts into a new table (5 runs summed); then one create per
// transaction under "durability": "full" (the default) and "normal", against plain
// SQLite's one insert per transaction under synchronous=FULL and NORMAL; and the
// storage side of a pull bringing the same 100,000 rows as new (pull_store).
// Prints one JSON object per line; the last holds the headline figures (ratios are
// engine time over SQLite time; cpu_ratio: the same in this thread's CPU seconds,
// which other processes' load does not inflate).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "core/clock.hpp"
#include "engine/engine.hpp"
#include "engine/journal/journal.hpp"
#include "engine/store/replica.hpp"
#include "engine/store/migrations.hpp"
#include "engine/store/row_codec.hpp"
#include "schema/catalog.hpp"

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRows = 100'000;
constexpr int kBatch = 1'000;
constexpr int kAutocommitRows = 2'000;
constexpr int kColdRuns = 5;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU seconds of this thread (user + system): what the work itself cost, whatever
// other processes on a shared machine took meanwhile. The engine writes on the
// caller's thread (no scheduler runs here).
double thread_cpu_s() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

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

// Plain SQLite: the replica's incident table (typed columns, text primary key,
// parent index) with one prepared insert, under `synchronous`.
class Plain {
 public:
  Plain(const std::string& path, const char* synchronous)
      : e_(hse::schema::entity("incident")), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec(std::string("PRAGMA synchronous=") + synchronous);
    db_.exec("PRAGMA cache_size=-16384");  // as the replica
    std::string cols, params;
    for (const auto& f : e_.fields) {
      cols += (cols.empty() ? "" : ", ") + ("\"" + f.name + "\"");
      params += params.empty() ? "?" : ", ?";
    }
    std::string ddl = "CREATE TABLE plain (" + e_.key + " TEXT PRIMARY KEY NOT NULL";
    for (const auto& f : e_.fields)
      if (f.name != e_.key) ddl += ", \"" + f.name + "\" " + f.sql_type();
    ddl += ")";
    db_.exec(ddl);
    db_.exec("CREATE INDEX plain_parent ON plain(subtenant_id)");
    insert_ = std::make_unique<SQLite::Statement>(db_, "INSERT INTO plain (" + cols + ") VALUES (" + params + ")");
  }
  // Inserts rows [from, to) in one transaction.
  void insert(const std::vector<json>& rows, size_t from, size_t to) {
    db_.exec("BEGIN");
    for (size_t j = from; j < to; ++j) {
      int k = 1;
      for (const auto& f : e_.fields) hse::engine::store::bind_field(*insert_, k++, f, rows[j]);
      insert_->exec();
      insert_->reset();
    }
    db_.exec("COMMIT");
  }

 private:
  const hse::schema::Entity& e_;
  SQLite::Database db_;
  std::unique_ptr<SQLite::Statement> insert_;
};

struct Pair {
  double engine_s = 0, sqlite_s = 0;          // wall-clock
  double engine_cpu_s = 0, sqlite_cpu_s = 0;  // this thread's CPU
};

// The engine's creates in batches of `batch` (create_many; 1: create) beside plain
// SQLite's inserts in transactions of the same size, batch by batch in turn, so that
// both meet the same load from other processes on a shared machine.
Pair interleaved(hse::engine::Engine& engine, Plain& plain, const std::vector<json>& rows, size_t batch) {
  Pair out;
  for (size_t i = 0; i < rows.size(); i += batch) {
    const size_t end = std::min(rows.size(), i + batch);
    std::vector<json> bodies(rows.begin() + i, rows.begin() + end);  // made outside the timed part
    auto t0 = Clock::now();
    double c0 = thread_cpu_s();
    if (batch == 1) engine.create("incident", bodies[0]);
    else engine.create_many("incident", bodies);
    out.engine_cpu_s += thread_cpu_s() - c0;
    out.engine_s += seconds_since(t0);
    t0 = Clock::now();
    c0 = thread_cpu_s();
    plain.insert(rows, i, end);
    out.sqlite_cpu_s += thread_cpu_s() - c0;
    out.sqlite_s += seconds_since(t0);
  }
  return out;
}

// The storage side of a pull bringing new rows (sync/apply.cpp, apply_server_row for
// a row not held here): normalize, content hash, the row and pending-delete probes,
// the insert; in transactions of 1,000 as a page is, beside plain SQLite's inserts.
Pair pull_store(const std::string& path, Plain& plain, const std::vector<json>& rows) {
  using namespace hse::engine;
  store::Database db(path);
  store::migrate(db);
  db.set_synchronous_full(false);
  hse::SystemClock clock;
  store::Replica replica(db, clock);
  journal::Journal journal(db);
  const auto& e = hse::schema::entity("incident");
  Pair out;
  for (size_t i = 0; i < rows.size(); i += kBatch) {
    const size_t end = std::min(rows.size(), i + kBatch);
    auto t0 = Clock::now();
    double c0 = thread_cpu_s();
    {
      store::WriteTransaction tx(db, store::Commit::relaxed);
      for (size_t j = i; j < end; ++j) {
        const json server = store::normalize(e, rows[j]);
        const std::string id = server[e.key].get<std::string>();
        const std::string hash = store::content_hash(e, server);
        if (replica.meta(e, id) || journal.pending_delete(e.name, id)) continue;
        store::RowMeta m;
        m.base_hash = hash;
        replica.insert(e, server, m, {store::Origin::pull, std::nullopt, nullptr});
      }
      tx.commit();
    }
    out.engine_cpu_s += thread_cpu_s() - c0;
    out.engine_s += seconds_since(t0);
    t0 = Clock::now();
    c0 = thread_cpu_s();
    plain.insert(rows, i, end);
    out.sqlite_cpu_s += thread_cpu_s() - c0;
    out.sqlite_s += seconds_since(t0);
  }
  return out;
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
  Pair bulk;
  {
    // Batches of 1,000 under NORMAL, as the plain SQLite baseline commits.
    auto engine = hse::engine::Engine::open(engine_path, {{"durability", "normal"}});
    Plain plain((dir / "plain.db").string(), "NORMAL");
    bulk = interleaved(*engine, plain, rows, kBatch);
  }
  std::cout << json{{"bench", "local_write"}, {"phase", "bulk"}, {"rows", kRows}, {"engine_s", bulk.engine_s},
                    {"sqlite_s", bulk.sqlite_s}, {"engine_cpu_s", bulk.engine_cpu_s},
                    {"sqlite_cpu_s", bulk.sqlite_cpu_s}}.dump() << std::endl;

  // The pull's per-row storage cost, over the same rows.
  Pair pulled;
  {
    Plain plain((dir / "plain_pull.db").string(), "NORMAL");
    pulled = pull_store((dir / "pulled.db").string(), plain, rows);
  }
  std::cout << json{{"bench", "local_write"}, {"phase", "pull_store"}, {"rows", kRows}, {"engine_s", pulled.engine_s},
                    {"sqlite_s", pulled.sqlite_s}, {"engine_cpu_s", pulled.engine_cpu_s},
                    {"sqlite_cpu_s", pulled.sqlite_cpu_s}}.dump() << std::endl;

  // One create_many of 1,000 rows into a replica just opened (its statements not
  // prepared yet), beside 1,000 inserts into a new plain table; summed over kColdRuns.
  Pair cold;
  for (int run = 0; run < kColdRuns; ++run) {
    const std::string path = (dir / ("cold" + std::to_string(run) + ".db")).string();
    auto engine = hse::engine::Engine::open(path, {{"durability", "normal"}});
    json p = engine->create("project", {{"name", "Acme Construction"}, {"country", "IT"}});
    json o = engine->create("office", {{"project_id", p["project_id"]}, {"name", "Rome North Site"}});
    hse::SeededRandom cold_rnd(100 + run);
    auto cold_rows = make_incidents(kBatch, p["project_id"], o["office_id"], cold_rnd);
    Plain plain((dir / ("cold_plain" + std::to_string(run) + ".db")).string(), "NORMAL");
    Pair one = interleaved(*engine, plain, cold_rows, kBatch);
    cold.engine_s += one.engine_s;
    cold.sqlite_s += one.sqlite_s;
    cold.engine_cpu_s += one.engine_cpu_s;
    cold.sqlite_cpu_s += one.sqlite_cpu_s;
  }
  std::cout << json{{"bench", "local_write"}, {"phase", "create_many_1000"}, {"runs", kColdRuns},
                    {"engine_s", cold.engine_s}, {"sqlite_s", cold.sqlite_s}}.dump() << std::endl;

  // One create per transaction, as an app writes: under "durability" "full" (the
  // default: an fsync per commit) beside plain SQLite's autocommit inserts under
  // synchronous=FULL, and under "normal" (no fsync) beside NORMAL. Fresh ids for
  // each run: the same ids twice would be refused as existing.
  Pair full, normal;
  {
    hse::SeededRandom rnd_full(8), rnd_normal(7);
    auto rows_full = make_incidents(kAutocommitRows, project["project_id"], office["office_id"], rnd_full);
    auto rows_normal = make_incidents(kAutocommitRows, project["project_id"], office["office_id"], rnd_normal);
    {
      auto engine = hse::engine::Engine::open(engine_path, {{"durability", "full"}});
      Plain plain((dir / "plain_full.db").string(), "FULL");
      full = interleaved(*engine, plain, rows_full, 1);
    }
    {
      auto engine = hse::engine::Engine::open(engine_path, {{"durability", "normal"}});
      Plain plain((dir / "plain_normal.db").string(), "NORMAL");
      normal = interleaved(*engine, plain, rows_normal, 1);
    }
  }
  std::cout << json{{"bench", "local_write"},
                    {"rows", kRows},
                    {"engine_s", bulk.engine_s},
                    {"sqlite_s", bulk.sqlite_s},
                    {"ratio", bulk.engine_s / bulk.sqlite_s},
                    {"cpu_ratio", bulk.engine_cpu_s / bulk.sqlite_cpu_s},
                    {"create_many_1000_ratio", cold.engine_s / cold.sqlite_s},
                    {"create_many_1000_cpu_ratio", cold.engine_cpu_s / cold.sqlite_cpu_s},
                    {"pull_store_rows_per_cpu_s", kRows / pulled.engine_cpu_s},
                    {"pull_store_cpu_ratio", pulled.engine_cpu_s / pulled.sqlite_cpu_s},
                    {"autocommit_writes_per_s", kAutocommitRows / full.engine_s},
                    {"autocommit_ratio", full.engine_s / full.sqlite_s},
                    {"autocommit_writes_per_s_normal", kAutocommitRows / normal.engine_s},
                    {"autocommit_ratio_normal", normal.engine_s / normal.sqlite_s}}
                   .dump()
            << std::endl;
  std::filesystem::remove_all(dir);
  return 0;
}
