#include "engine/store/database.hpp"

#include "engine/core/error.hpp"

namespace hse::engine::store {

namespace {
SQLite::Database open_file(const std::string& path) {
  try {
    return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
  } catch (const SQLite::Exception& e) {
    throw Error(Code::storage, "cannot open replica '" + path + "': " + e.what());
  }
}
}  // namespace

Database::Database(const std::string& path) : path_(path), db_(open_file(path)) {
  storage_call("configure replica", [&] {
    db_.setBusyTimeout(5000);
    db_.exec("PRAGMA journal_mode=WAL");
    // NORMAL in WAL mode: a commit is atomic and the file is never corrupted; on
    // power loss the last transactions before the most recent checkpoint-sync may
    // roll back (never half-applied). Row, journal entry and history always go together.
    db_.exec("PRAGMA synchronous=NORMAL");
    db_.exec("PRAGMA foreign_keys=ON");
    db_.exec("PRAGMA temp_store=MEMORY");
    // 16 MiB of page cache: with random UUID keys a smaller cache turns inserts into reads.
    db_.exec("PRAGMA cache_size=-16384");
  });
}

Stmt Database::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    auto stmt = storage_call("prepare statement", [&] { return std::make_unique<SQLite::Statement>(db_, sql); });
    it = statements_.emplace(sql, std::move(stmt)).first;
  } else {
    it->second->reset();
    it->second->clearBindings();
  }
  return Stmt(*it->second);
}

WriteTransaction::WriteTransaction(Database& db) : db_(db) {
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
  storage_call("commit", [&] { db_.exec("COMMIT"); });
  done_ = true;
}

}  // namespace hse::engine::store
