#include "engine/store/replica.hpp"

#include <unordered_map>

#include "core/json_input.hpp"
#include "engine/store/migrations.hpp"
#include "engine/store/row_codec.hpp"

namespace hse::engine::store {

namespace {

// SQL text per entity, built once.
struct EntitySql {
  std::string select_row;   // fields..., then sync columns, WHERE key = ?
  std::string insert_row;
  std::string insert_new;       // insert_row, doing nothing when the key is taken
  std::string update_row;
  std::string update_meta;
  std::string delete_row;
  std::string exists;
  std::string probe_id;  // exists, then the newest history version
  std::string select_meta;
  std::string supersede;        // copies the current version into history
  std::string current_version;  // the current version's columns
};

const EntitySql& sql_for(const schema::Entity& e) {
  static std::unordered_map<const schema::Entity*, EntitySql> cache;
  static std::mutex mu;
  std::lock_guard lock(mu);
  auto it = cache.find(&e);
  if (it != cache.end()) return it->second;
  EntitySql s;
  std::string cols, params, sets;
  for (const auto& f : e.fields) {
    cols += (cols.empty() ? "\"" : ", \"") + f.name + "\"";
    params += params.empty() ? "?" : ", ?";
    if (f.name != e.key) sets += (sets.empty() ? "\"" : ", \"") + f.name + "\" = ?";
  }
  const std::string t = table_of(e);
  const std::string where_key = " WHERE " + e.key + " = ?";
  s.select_row = "SELECT " + cols + ", sync_state, journal_seq, version, base_hash FROM " + t + where_key;
  s.insert_row = "INSERT INTO " + t + " (" + cols +
                 ", sync_state, journal_seq, version, base_hash, version_from, version_origin, version_op, "
                 "version_journal_seq, version_detail) VALUES (" +
                 params + ", ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  s.insert_new = s.insert_row + " ON CONFLICT DO NOTHING";
  s.update_row = "UPDATE " + t + " SET " + sets +
                 ", sync_state = ?, journal_seq = ?, version = ?, base_hash = ?, version_from = ?, version_origin = ?, "
                 "version_op = ?, version_journal_seq = ?, version_detail = ?" +
                 where_key;
  s.update_meta = "UPDATE " + t + " SET sync_state = ?, journal_seq = ?, version = ?, base_hash = ?" + where_key;
  s.delete_row = "DELETE FROM " + t + where_key;
  s.exists = "SELECT 1 FROM " + t + where_key;
  s.probe_id = "SELECT EXISTS (SELECT 1 FROM " + t + " WHERE " + e.key +
               " = ?1), (SELECT MAX(version) FROM history WHERE entity = ?2 AND id = ?1)";
  s.select_meta = "SELECT sync_state, journal_seq, version, base_hash FROM " + t + where_key;
  s.supersede =
      "INSERT INTO history (entity, id, version, valid_from, valid_to, origin, op, journal_seq, row, detail) "
      "SELECT ?, " + e.key + ", ?, version_from, MAX(?, version_from), version_origin, version_op, version_journal_seq, ?, "
      "version_detail FROM " + t + where_key + " RETURNING valid_to";
  s.current_version =
      "SELECT version, version_from, version_origin, version_op, version_journal_seq, version_detail FROM " + t +
      where_key;
  return cache.emplace(&e, std::move(s)).first->second;
}

// Binds the columns of a new current version (version_from ... version_detail) from `index`.
void bind_version(SQLite::Statement& st, int index, int64_t at, const char* op, const VersionCause& cause) {
  st.bind(index, at);
  st.bindNoCopy(index + 1, to_string(cause.origin));  // static text
  st.bindNoCopy(index + 2, op);
  if (cause.journal_seq) st.bind(index + 3, *cause.journal_seq);
  else st.bind(index + 3);
  if (!cause.detail.is_null()) st.bind(index + 4, cause.detail.dump());
  else st.bind(index + 4);
}

void bind_meta(SQLite::Statement& st, int index, const RowMeta& m);

// Binds insert_row's (or insert_new's) parameters: the row's fields, its meta, its
// current version (a create at `at`).
void bind_insert(SQLite::Statement& st, const schema::Entity& e, const json& row, const RowMeta& m,
                 const VersionCause& cause, int64_t at) {
  int i = 1;
  for (const auto& f : e.fields) bind_field(st, i++, f, row);
  bind_meta(st, i, m);
  bind_version(st, i + 4, at, "create", cause);
}

void bind_meta(SQLite::Statement& st, int index, const RowMeta& m) {
  st.bindNoCopy(index, to_string(m.state));  // static text
  if (m.journal_seq) st.bind(index + 1, *m.journal_seq);
  else st.bind(index + 1);
  st.bind(index + 2, m.version);
  if (m.base_hash) st.bind(index + 3, *m.base_hash);
  else st.bind(index + 3);
}

RowMeta read_meta(SQLite::Statement& st, int index) {
  RowMeta m;
  m.state = sync_state_from(st.getColumn(index).getString());
  if (!st.isColumnNull(index + 1)) m.journal_seq = st.getColumn(index + 1).getInt64();
  m.version = st.getColumn(index + 2).getInt64();
  if (!st.isColumnNull(index + 3)) m.base_hash = st.getColumn(index + 3).getString();
  return m;
}

json parse_or_null(SQLite::Statement& st, int index) {
  if (st.isColumnNull(index)) return nullptr;
  return parse_json(st.getColumn(index).getString(), "a stored row of the replica", Code::storage);
}

}  // namespace

const char* to_string(SyncState s) {
  switch (s) {
    case SyncState::synced: return "synced";
    case SyncState::pending: return "pending";
    case SyncState::conflict: return "conflict";
    case SyncState::rejected: return "rejected";
    case SyncState::blocked: return "blocked";
    case SyncState::held: return "held";
  }
  return "synced";
}

SyncState sync_state_from(const std::string& s) {
  if (s == "pending") return SyncState::pending;
  if (s == "conflict") return SyncState::conflict;
  if (s == "rejected") return SyncState::rejected;
  if (s == "blocked") return SyncState::blocked;
  if (s == "held") return SyncState::held;
  return SyncState::synced;
}

const char* to_string(Origin o) {
  switch (o) {
    case Origin::local: return "local";
    case Origin::pull: return "pull";
    case Origin::push: return "push";
    case Origin::merge: return "merge";
    case Origin::conflict: return "conflict";
    case Origin::resolution: return "resolution";
    case Origin::dropped: return "dropped";
  }
  return "local";
}

json Version::to_json() const {
  json j = {{"version", version}, {"valid_from", valid_from}, {"valid_to", valid_to ? json(*valid_to) : json()},
            {"origin", origin}, {"op", op}, {"journal_seq", journal_seq ? json(*journal_seq) : json()},
            {"row", row}};
  if (!detail.is_null()) j["detail"] = detail;
  return j;
}

std::optional<json> Replica::get(const schema::Entity& e, const std::string& id) {
  return storage_call("read row", [&]() -> std::optional<json> {
    auto st = db_.prepare_static(sql_for(e).select_row);
    st->bind(1, id);
    if (!st->executeStep()) return std::nullopt;
    json row = json::object();
    for (size_t i = 0; i < e.fields.size(); ++i) row[e.fields[i].name] = read_field(*st, int(i), e.fields[i]);
    return row;
  });
}

std::optional<RowMeta> Replica::meta(const schema::Entity& e, const std::string& id) {
  return storage_call("read row", [&]() -> std::optional<RowMeta> {
    auto st = db_.prepare_static(sql_for(e).select_meta);
    st->bind(1, id);
    if (!st->executeStep()) return std::nullopt;
    return read_meta(*st, 0);
  });
}

bool Replica::exists(const schema::Entity& e, const std::string& id) {
  return storage_call("read row", [&] {
    auto st = db_.prepare_static(sql_for(e).exists);
    st->bind(1, id);
    return st->executeStep();
  });
}

Replica::IdProbe Replica::probe_id(const schema::Entity& e, const std::string& id) {
  return storage_call("read row", [&] {
    auto st = db_.prepare_static(sql_for(e).probe_id);
    st->bind(1, id);
    st->bind(2, e.name);
    st->executeStep();
    IdProbe p;
    p.exists = st->getColumn(0).getInt() != 0;
    p.last_version = st->isColumnNull(1) ? 0 : st->getColumn(1).getInt64();
    return p;
  });
}

int64_t Replica::last_version(const schema::Entity& e, const std::string& id) {
  static const std::string sql = "SELECT MAX(version) FROM history WHERE entity = ? AND id = ?";
  auto st = db_.prepare_static(sql);
  st->bind(1, e.name);
  st->bind(2, id);
  st->executeStep();
  return st->isColumnNull(0) ? 0 : st->getColumn(0).getInt64();
}

void Replica::add_version(const schema::Entity& e, const std::string& id, int64_t version, const char* op,
                          const VersionCause& cause, int64_t at) {
  auto st = db_.prepare(
      "INSERT INTO history (entity, id, version, valid_from, origin, op, journal_seq, detail) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  st->bind(1, e.name);
  st->bind(2, id);
  st->bind(3, version);
  st->bind(4, at);
  st->bind(5, to_string(cause.origin));
  st->bind(6, op);
  if (cause.journal_seq) st->bind(7, *cause.journal_seq);
  if (!cause.detail.is_null()) st->bind(8, cause.detail.dump());
  st->exec();
}

// Both return when the closed version ends: `at`, or its start if the clock went
// back since (a version never ends before it begins, and the next one starts there).
int64_t Replica::close_tombstone(const schema::Entity& e, const std::string& id, int64_t version, int64_t at) {
  auto st = db_.prepare(
      "UPDATE history SET valid_to = MAX(?, valid_from) WHERE entity = ? AND id = ? AND version = ? RETURNING valid_to");
  st->bind(1, at);
  st->bind(2, e.name);
  st->bind(3, id);
  st->bind(4, version);
  return st->executeStep() ? st->getColumn(0).getInt64() : at;
}

void Replica::record_on_tombstone(const schema::Entity& e, const std::string& id, const VersionCause& cause) {
  storage_call("record a decision", [&] {
    const int64_t previous = last_version(e, id);
    if (previous == 0) return;
    const int64_t at = close_tombstone(e, id, previous, now());
    add_version(e, id, previous + 1, "delete", cause, at);
  });
}

int64_t Replica::supersede(const schema::Entity& e, const std::string& id, int64_t version, const json& old_row,
                           int64_t at) {
  auto st = db_.prepare_static(sql_for(e).supersede);
  st->bind(1, e.name);
  st->bind(2, version);
  st->bind(3, at);
  st->bind(4, old_row.dump());
  st->bind(5, id);
  return st->executeStep() ? st->getColumn(0).getInt64() : at;
}

void Replica::insert(const schema::Entity& e, const json& row, const RowMeta& meta_in, const VersionCause& cause,
                     std::optional<int64_t> last_version_known) {
  storage_call("insert row", [&] {
    const std::string& id = row.at(e.key).get_ref<const std::string&>();
    int64_t at = now();
    RowMeta m = meta_in;
    // History holds a version of this id only if it was deleted here: its tombstone.
    int64_t previous = last_version_known ? *last_version_known : last_version(e, id);
    if (previous > 0) at = close_tombstone(e, id, previous, at);
    m.version = previous + 1;
    auto st = db_.prepare_static(sql_for(e).insert_row);
    bind_insert(*st, e, row, m, cause, at);
    st->exec();
  });
}

bool Replica::insert_if_new(const schema::Entity& e, const json& row, const RowMeta& meta_in,
                            const VersionCause& cause) {
  return storage_call("insert row", [&] {
    RowMeta m = meta_in;
    m.version = 1;
    auto st = db_.prepare_static(sql_for(e).insert_new);
    bind_insert(*st, e, row, m, cause, now());
    return st->exec() == 1;
  });
}

bool Replica::insert_new(const schema::Entity& e, const CanonicalRow& row, const RowMeta& meta,
                         const VersionCause& cause) {
  return storage_call("insert row", [&] {
    auto st = db_.prepare(sql_for(e).insert_new);
    bind_fields(*st, 1, e, row);
    const int i = int(e.fields.size()) + 1;
    bind_meta(*st, i, meta);
    bind_version(*st, i + 4, now(), "create", cause);
    return st->exec() == 1;
  });
}

void Replica::replace(const schema::Entity& e, const json& old_row, const json& row, RowMeta m,
                      const VersionCause& cause) {
  storage_call("update row", [&] {
    const std::string id = row.at(e.key).get<std::string>();
    const int64_t at = supersede(e, id, m.version, old_row, now());
    m.version += 1;
    auto st = db_.prepare_static(sql_for(e).update_row);
    int i = 1;
    for (const auto& f : e.fields)
      if (f.name != e.key) bind_field(*st, i++, f, row);
    bind_meta(*st, i, m);
    bind_version(*st, i + 4, at, "update", cause);
    st->bind(i + 9, id);
    st->exec();
  });
}

void Replica::remove(const schema::Entity& e, const json& old_row, const RowMeta& m, const VersionCause& cause) {
  storage_call("delete row", [&] {
    const std::string id = old_row.at(e.key).get<std::string>();
    const int64_t at = supersede(e, id, m.version, old_row, now());
    {
      auto st = db_.prepare_static(sql_for(e).delete_row);
      st->bind(1, id);
      st->exec();
    }
    add_version(e, id, m.version + 1, "delete", cause, at);
  });
}

void Replica::set_meta(const schema::Entity& e, const std::string& id, const RowMeta& m) {
  storage_call("update row state", [&] {
    auto st = db_.prepare_static(sql_for(e).update_meta);
    bind_meta(*st, 1, m);
    st->bind(5, id);
    st->exec();
  });
}

std::optional<json> Replica::base(const schema::Entity& e, const std::string& id) {
  auto stored = storage_call("read base", [&]() -> std::optional<json> {
    auto st = db_.prepare("SELECT row FROM base WHERE entity = ? AND id = ?");
    st->bind(1, e.name);
    st->bind(2, id);
    if (!st->executeStep()) return std::nullopt;
    return parse_json(st->getColumn(0).getString(), "a stored base row of the replica", Code::storage);
  });
  if (stored) return stored;
  auto m = meta(e, id);
  if (m && m->state == SyncState::synced && m->base_hash) return get(e, id);
  return std::nullopt;
}

void Replica::save_base(const schema::Entity& e, const std::string& id, const json& row) {
  storage_call("write base", [&] {
    auto st = db_.prepare("INSERT OR REPLACE INTO base (entity, id, row) VALUES (?, ?, ?)");
    st->bind(1, e.name);
    st->bind(2, id);
    st->bind(3, normalize(e, row).dump());
    st->exec();
  });
}

void Replica::drop_base(const schema::Entity& e, const std::string& id) {
  storage_call("drop base", [&] {
    auto st = db_.prepare("DELETE FROM base WHERE entity = ? AND id = ?");
    st->bind(1, e.name);
    st->bind(2, id);
    st->exec();
  });
}

bool Replica::has_history(const schema::Entity& e) {
  return storage_call("read history", [&] {
    auto st = db_.prepare("SELECT 1 FROM history WHERE entity = ? LIMIT 1");
    st->bind(1, e.name);
    return st->executeStep();
  });
}

std::vector<Version> Replica::history(const schema::Entity& e, const std::string& id) {
  bool live = false;
  auto versions = storage_call("read history", [&] {
    std::vector<Version> out;
    auto st = db_.prepare(
        "SELECT version, valid_from, valid_to, origin, op, journal_seq, row, detail FROM history "
        "WHERE entity = ? AND id = ? ORDER BY version");
    st->bind(1, e.name);
    st->bind(2, id);
    while (st->executeStep()) {
      Version v;
      v.version = st->getColumn(0).getInt64();
      v.valid_from = st->getColumn(1).getInt64();
      if (!st->isColumnNull(2)) v.valid_to = st->getColumn(2).getInt64();
      v.origin = st->getColumn(3).getString();
      v.op = st->getColumn(4).getString();
      if (!st->isColumnNull(5)) v.journal_seq = st->getColumn(5).getInt64();
      v.row = parse_or_null(*st, 6);
      v.detail = parse_or_null(*st, 7);
      out.push_back(std::move(v));
    }
    // The current version of a live row is the row itself, with its version columns.
    auto cur = db_.prepare_static(sql_for(e).current_version);
    cur->bind(1, id);
    if (cur->executeStep()) {
      Version v;
      v.version = cur->getColumn(0).getInt64();
      v.valid_from = cur->getColumn(1).getInt64();
      v.origin = cur->getColumn(2).getString();
      v.op = cur->getColumn(3).getString();
      if (!cur->isColumnNull(4)) v.journal_seq = cur->getColumn(4).getInt64();
      v.detail = parse_or_null(*cur, 5);
      out.push_back(std::move(v));
      live = true;
    }
    return out;
  });
  if (live)
    if (auto row = get(e, id)) versions.back().row = *row;
  return versions;
}

std::optional<json> Replica::as_of(const schema::Entity& e, const std::string& id, int64_t at_ms) {
  for (const auto& v : history(e, id)) {
    bool started = v.valid_from <= at_ms;
    bool not_ended = !v.valid_to || at_ms < *v.valid_to;
    if (started && not_ended) return v.op == "delete" ? std::nullopt : std::optional<json>(v.row);
  }
  return std::nullopt;
}

std::vector<std::string> Replica::children(const schema::Entity& child, const std::string& field,
                                           const std::string& parent_id) {
  return storage_call("read children", [&] {
    std::vector<std::string> out;
    auto st = db_.prepare("SELECT " + child.key + " FROM " + table_of(child) + " WHERE \"" + field + "\" = ?");
    st->bind(1, parent_id);
    while (st->executeStep()) out.push_back(st->getColumn(0).getString());
    return out;
  });
}

bool Replica::has_server_known(const schema::Entity& e, const std::string& field,
                               const std::optional<std::string>& value) {
  return storage_call("read scope", [&] {
    std::string sql = "SELECT EXISTS (SELECT 1 FROM " + table_of(e) + " WHERE base_hash IS NOT NULL";
    if (value) sql += " AND \"" + field + "\" = ?";
    auto st = db_.prepare(sql + ")");
    if (value) st->bind(1, *value);
    return st->executeStep() && st->getColumn(0).getInt() != 0;
  });
}

std::vector<std::string> Replica::server_known_ids(const schema::Entity& e, const std::string& field,
                                                   const std::optional<std::string>& value,
                                                   const std::function<bool(const std::string&)>& keep) {
  return storage_call("read scope", [&] {
    std::vector<std::string> out;
    std::string sql = "SELECT " + e.key + " FROM " + table_of(e) + " WHERE base_hash IS NOT NULL";
    if (value) sql += " AND \"" + field + "\" = ?";
    auto st = db_.prepare(sql);
    if (value) st->bind(1, *value);
    while (st->executeStep()) {
      std::string id = st->getColumn(0).getString();
      if (!keep || keep(id)) out.push_back(std::move(id));
    }
    return out;
  });
}

}  // namespace hse::engine::store
