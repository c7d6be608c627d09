// Prepared statements kept per SQL text, so that a request reuses them: the
// emulators' stores run the same few statements over and over.
// Not thread-safe: each store uses it under its own lock.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <memory>
#include <string>

namespace hse::adapters::emulator {

class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}
  // The statement for `sql`, reset and with no bindings.
  SQLite::Statement& get(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
    SQLite::Statement& st = *it->second;
    st.reset();
    st.clearBindings();
    return st;
  }
  void clear() { statements_.clear(); }

 private:
  SQLite::Database& db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace hse::adapters::emulator
