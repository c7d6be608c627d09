#include "engine/store/database.hpp"

#include <sqlite3.h>

#include <thread>

#include "core/abort_point.hpp"
#include "core/error.hpp"
#include "engine/store/replica_file.hpp"

namespace hse::engine::store {

namespace {

// How long a statement waits for another process's write lock before it fails with
// "database is locked".
constexpr auto kBusyTimeout = std::chrono::milliseconds(10000);

// SQLite's own busy timeout sleeps up to 100 ms between tries; a daemon writing page
// after page releases its lock for far less than that, so another process's writer
// could wait out the whole timeout. Trying every 2 ms catches those gaps.
int retry_often(void* started_at, int tries) {
  auto& started = *static_cast<std::chrono::steady_clock::time_point*>(started_at);
  auto now = std::chrono::steady_clock::now();
  if (tries == 0) started = now;
  if (now - started >= kBusyTimeout) return 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return 1;
}

SQLite::Database open_file(const std::string& path) {
  create_private_file(path);
  try {
    // No SQLite mutex: the Engine serialises every use of this connection with its own
    // (see database.hpp), and the per-call locking cost about 3% of a bootstrap's CPU.
    return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
  } catch (const SQLite::Exception& e) {
    throw Error(Code::storage, "cannot open replica '" + path + "': " + e.what());
  }
}
}  // namespace

Database::Database(const std::string& path) : path_(path), db_(open_file(path)) {
  // Before the header is read: another process (a daemon mid-round) may hold the
  // write lock, and the check must wait for it like any statement, not fail.
  sqlite3_busy_handler(db_.getHandle(), retry_often, &busy_since_);
  check_replica_file(db_, path);
  storage_call("configure replica", [&] {
    db_.exec("PRAGMA journal_mode=WAL");
    // FULL until the configuration says otherwise ("durability"): an acknowledged
    // local write must survive power loss. Row, journal entry and history always go together.
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA foreign_keys=ON");
    db_.exec("PRAGMA temp_store=MEMORY");
    // 16 MiB of page cache: with random UUID keys a smaller cache turns inserts into reads.
    db_.exec("PRAGMA cache_size=-16384");
  });
}

Stmt Database::prepare(const std::string& sql) {
  // The statement asked for last, found again without hashing its text: a page's rows
  // ask for the same statement row after row (and SQL text is long).
  if (last_ && last_->first.size() == sql.size() && last_->first == sql) {
    last_->second->reset();
    last_->second->clearBindings();
    return Stmt(*last_->second);
  }
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    auto stmt = storage_call("prepare statement", [&] { return std::make_unique<SQLite::Statement>(db_, sql); });
    it = statements_.emplace(sql, std::move(stmt)).first;
  } else {
    it->second->reset();
    it->second->clearBindings();
  }
  last_ = &*it;
  return Stmt(*it->second);
}

Stmt Database::prepare_static(const std::string& sql) {
  auto it = by_address_.find(&sql);
  if (it == by_address_.end()) {
    prepare(sql);  // prepared and cached by its text
    it = by_address_.emplace(&sql, statements_.at(sql).get()).first;
  }
  it->second->reset();
  it->second->clearBindings();
  return Stmt(*it->second);
}

int64_t Database::data_version() {
  return storage_call("read data version", [&] { return db_.execAndGet("PRAGMA data_version").getInt64(); });
}

void Database::set_synchronous_full(bool full) {
  // NORMAL in WAL mode: a commit is atomic and the file is never corrupted; on power
  // loss the transactions since the last WAL sync may roll back.
  storage_call("set durability", [&] { db_.exec(full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); });
  synchronous_full_ = full_now_ = full;
}

void Database::prepare_commit(Commit commit) {
  const bool full = synchronous_full_ && commit == Commit::durable;
  if (full == full_now_) return;
  // Read by SQLite at each commit; it cannot change inside a transaction.
  storage_call("set durability", [&] { db_.exec(full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); });
  full_now_ = full;
}

WriteTransaction::WriteTransaction(Database& db, Commit commit) : db_(db) {
  db_.prepare_commit(commit);
  storage_call("begin transaction", [&] { db_.exec("BEGIN IMMEDIATE"); });
}

WriteTransaction::~WriteTransaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // The transaction is already gone (SQLite rolled it back on an I/O error).
    }
  }
}

void WriteTransaction::commit() {
  abort_point::reach(abort_point::Point::before_commit);
  storage_call("commit", [&] { db_.exec("COMMIT"); });
  done_ = true;
  abort_point::reach(abort_point::Point::after_commit);
}

}  // namespace hse::engine::store
