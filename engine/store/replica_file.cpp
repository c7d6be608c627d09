#include "engine/store/replica_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace hse::engine::store {

void create_private_file(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno == EEXIST) return;  // an existing file (or one another process just made)
  throw Error(Code::storage, "cannot create replica '" + path + "': " + std::strerror(errno));
}

namespace {

[[noreturn]] void not_a_replica(const std::string& path, const std::string& why) {
  throw Error(Code::schema, "'" + path + "' is not an hsesync replica: " + why + "; it was left untouched");
}

}  // namespace

void check_replica_file(SQLite::Database& db, const std::string& path) {
  storage_call("read replica header", [&] {
    int version = db.execAndGet("PRAGMA user_version").getInt();
    int app = db.execAndGet("PRAGMA application_id").getInt();
    if (app != 0 && app != kApplicationId)
      not_a_replica(path, "its application_id is " + std::to_string(app) + ", not hsesync's");
    if (version < 0) not_a_replica(path, "its schema version is " + std::to_string(version));
    SQLite::Statement tables(
        db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name LIMIT 1");
    std::string some_table = tables.executeStep() ? tables.getColumn(0).getString() : "";
    if (version == 0 && !some_table.empty())
      not_a_replica(path, "it holds tables (such as '" + some_table + "') but no hsesync schema");
    if (version > 0 && app == 0 && !some_table.empty() && !db.tableExists("journal"))
      not_a_replica(path, "it has schema version " + std::to_string(version) + " and tables (such as '" +
                              some_table + "') but no hsesync journal");
  });
}

int checked_schema_version(Database& db, int max_version) {
  return storage_call("read replica header", [&] {
    int version = db.raw().execAndGet("PRAGMA user_version").getInt();
    if (version > max_version)
      throw Error(Code::schema, "replica '" + db.path() + "' has schema version " + std::to_string(version) +
                                    ", newer than this library's " + std::to_string(max_version) +
                                    "; open it with a newer hsesync");
    if (version == 0 && db.raw().execAndGet("PRAGMA application_id").getInt() == 0)
      db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    return version;
  });
}

}  // namespace hse::engine::store
