#include "engine/store/id_map.hpp"

#include "engine/store/migrations.hpp"
#include "core/planted.hpp"

namespace hse::engine::store {

namespace {

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

std::string IdMap::resolve(const schema::Entity& e, const std::string& id) {
  if (!e.server_assigned_ids) return id;
  return storage_call("read id map", [&] {
    auto st = db_.prepare("SELECT server_id FROM id_map WHERE entity = ? AND local_id = ?");
    st->bind(1, e.name);
    st->bind(2, id);
    return st->executeStep() ? st->getColumn(0).getString() : id;
  });
}

bool IdMap::is_mapped_server_id(const schema::Entity& e, const std::string& server_id) {
  return storage_call("read id map", [&] {
    auto st = db_.prepare("SELECT 1 FROM id_map WHERE entity = ? AND server_id = ?");
    st->bind(1, e.name);
    st->bind(2, server_id);
    return st->executeStep();
  });
}

void IdMap::remap(const schema::Entity& e, const std::string& local_id, const std::string& server_id,
                  std::pair<int64_t, int64_t> entries, int64_t now) {
  if (local_id == server_id) return;
  storage_call("map local id to server id", [&] {
    auto run = [&](const std::string& sql, std::initializer_list<std::string> values) {
      auto st = db_.prepare(sql);
      int i = 1;
      for (const auto& v : values) st->bind(i++, v);
      st->exec();
    };
    const std::string table = table_of(e);
    // A copy of the server row already here is the same row: ours replaces it.
    run("DELETE FROM " + table + " WHERE " + quoted(e.key) + " = ?", {server_id});
    for (const char* t : {"base", "history"})
      run(std::string("DELETE FROM ") + t + " WHERE entity = ? AND id = ?", {e.name, server_id});

    run("UPDATE " + table + " SET " + quoted(e.key) + " = ? WHERE " + quoted(e.key) + " = ?", {server_id, local_id});
    for (const char* t : {"base", "history", "conflicts"})
      run(std::string("UPDATE ") + t + " SET id = ? WHERE entity = ? AND id = ?", {server_id, e.name, local_id});
    // Its journal entries lie between its create and its newest entry (a range of the
    // key; an index on (entity, id) would cost every local write), or are its pending delete.
    {
      auto st = db_.prepare("UPDATE journal SET id = ? WHERE seq BETWEEN ? AND ? AND entity = ? AND id = ?");
      st->bind(1, server_id);
      st->bind(2, entries.first);
      st->bind(3, entries.second);
      st->bind(4, e.name);
      st->bind(5, local_id);
      st->exec();
    }
    run("UPDATE journal SET id = ? WHERE entity = ? AND id = ? AND op = 'delete'", {server_id, e.name, local_id});
    // Rows that name it: created here after it (nothing the server has can name a
    // local id), so their references, and any pending patch that sets one, follow.
    for (const auto& other : schema::entities())
      for (const auto& f : other.fields) {
        if (f.references != e.name) continue;
        if (planted::active(planted::Bug::remap_forgets_references)) continue;
        run("UPDATE " + table_of(other) + " SET " + quoted(f.name) + " = ? WHERE " + quoted(f.name) + " = ?",
            {server_id, local_id});
        // A referrer's pending change is its newest entry (pending entries collapse).
        run("UPDATE journal SET patch = json_set(patch, ?, ?) WHERE seq IN (SELECT journal_seq FROM " +
                table_of(other) + " WHERE " + quoted(f.name) + " = ?) AND patch IS NOT NULL AND json_extract(patch, ?) = ?",
            {"$." + f.name, server_id, server_id, "$." + f.name, local_id});
      }
    // A row mapped before (re-created under a new id after the server deleted it):
    // its earlier names follow it, so that resolve() is one lookup.
    run("UPDATE id_map SET server_id = ? WHERE entity = ? AND server_id = ?", {server_id, e.name, local_id});
    auto st = db_.prepare("INSERT OR REPLACE INTO id_map (entity, local_id, server_id, mapped_at) VALUES (?, ?, ?, ?)");
    st->bind(1, e.name);
    st->bind(2, local_id);
    st->bind(3, server_id);
    st->bind(4, now);
    st->exec();
  });
}

}  // namespace hse::engine::store
