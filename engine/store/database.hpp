// The replica's SQLite connection: pragmas, a cache of prepared statements, and
// write transactions. Not thread-safe: the Engine serialises access with its mutex.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

namespace hse::engine::store {

// A cached prepared statement in use; reset when this handle goes, so that no
// half-stepped SELECT keeps a read transaction (and an old snapshot) open.
class Stmt {
 public:
  explicit Stmt(SQLite::Statement& s) : s_(&s) {}
  ~Stmt() {
    try {
      s_->reset();
    } catch (...) {
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  SQLite::Statement* operator->() { return s_; }
  SQLite::Statement& operator*() { return *s_; }

 private:
  SQLite::Statement* s_;
};

// What a write transaction's commit must survive.
//   durable: power loss too, when the replica's durability is "full" (every local
//            write, and what must be on disk before a request that cannot be repeated);
//   relaxed: a crash of the process, not power loss (synchronous=NORMAL): what the next
//            round rebuilds from the server anyway, such as a pulled page or a push's
//            answer (its entry, still in flight on disk, is sent again and looks first).
enum class Commit { durable, relaxed };

class Database {
 public:
  // Opens (creating if needed) the file at `path` (":memory:" for a private one)
  // in WAL mode with foreign keys on, synchronous=FULL and a 10 s busy timeout.
  // Throws hse::Error(Code::storage) when the file cannot be opened.
  explicit Database(const std::string& path);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  SQLite::Database& raw() { return db_; }
  // A prepared statement for `sql`, reset and with its bindings cleared; prepared once.
  Stmt prepare(const std::string& sql);
  // The same, for SQL text that outlives this Database (a static string): found again
  // by its address, not by hashing the text (a create's statements are long, and
  // their lookups were a thirtieth of its cost).
  Stmt prepare_static(const std::string& sql);
  void exec(const std::string& sql) { db_.exec(sql); }
  int64_t last_insert_rowid() const { return db_.getLastInsertRowid(); }
  int changes() const { return db_.getChanges(); }
  const std::string& path() const { return path_; }
  // Changes whenever another connection commits to the file (PRAGMA data_version).
  int64_t data_version();
  // synchronous=FULL (true: a commit survives power loss) or NORMAL (the last commits
  // before a power loss may roll back, never half-applied). Not inside a transaction.
  void set_synchronous_full(bool full);
  // Sets the level the next commit needs (see Commit); issues a PRAGMA only on a change.
  void prepare_commit(Commit commit);

 private:
  std::string path_;
  bool synchronous_full_ = true;  // the replica's setting: what a durable commit gets
  bool full_now_ = true;          // the level in force
  SQLite::Database db_;
  std::chrono::steady_clock::time_point busy_since_;  // the busy handler's: when the wait began
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
  // The entry prepare() returned last (elements of the map never move).
  std::pair<const std::string, std::unique_ptr<SQLite::Statement>>* last_ = nullptr;
  std::unordered_map<const std::string*, SQLite::Statement*> by_address_;  // prepare_static's, owned by statements_
};

// BEGIN IMMEDIATE in the constructor (so two processes never deadlock upgrading a
// read lock), ROLLBACK in the destructor unless commit() was called.
class WriteTransaction {
 public:
  explicit WriteTransaction(Database& db, Commit commit = Commit::durable);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// Runs `fn`, turning SQLite's exceptions into hse::Error(Code::storage) with the
// operation named, so no SQLite type leaks to callers.
template <class Fn>
auto storage_call(const char* what, Fn&& fn) -> decltype(fn());

}  // namespace hse::engine::store

#include "core/error.hpp"

namespace hse::engine::store {
template <class Fn>
auto storage_call(const char* what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SQLite::Exception& e) {
    throw Error(Code::storage, std::string(what) + ": " + e.what());
  }
}
}  // namespace hse::engine::store
