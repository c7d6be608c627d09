#include "engine/store/conflicts.hpp"

namespace hse::engine::store {

const char* to_string(ConflictKind k) {
  switch (k) {
    case ConflictKind::update_update: return "update_update";
    case ConflictKind::update_delete: return "update_delete";
    case ConflictKind::delete_update: return "delete_update";
    case ConflictKind::create_collision: return "create_collision";
  }
  return "update_update";
}

std::optional<ConflictKind> conflict_kind_from(const std::string& s) {
  for (ConflictKind k : {ConflictKind::update_update, ConflictKind::update_delete, ConflictKind::delete_update,
                         ConflictKind::create_collision})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

namespace {

const char* kColumns =
    "conflict_id, entity, id, kind, base, local, remote, fields, journal_seq, created_at, resolved_at, resolution";

json text_json(SQLite::Statement& st, int i) {
  return st.isColumnNull(i) ? json() : json::parse(st.getColumn(i).getString());
}

Conflict read(SQLite::Statement& st) {
  Conflict c;
  c.conflict_id = st.getColumn(0).getString();
  c.entity = st.getColumn(1).getString();
  c.id = st.getColumn(2).getString();
  auto kind = conflict_kind_from(st.getColumn(3).getString());
  if (!kind) throw Error(Code::internal, "conflict " + c.conflict_id + " has an unknown kind");
  c.kind = *kind;
  c.base = text_json(st, 4);
  c.local = text_json(st, 5);
  c.remote = text_json(st, 6);
  c.fields = text_json(st, 7);
  if (!st.isColumnNull(8)) c.journal_seq = st.getColumn(8).getInt64();
  c.created_at = st.getColumn(9).getInt64();
  if (!st.isColumnNull(10)) c.resolved_at = st.getColumn(10).getInt64();
  c.resolution = text_json(st, 11);
  return c;
}

void bind_json(SQLite::Statement& st, int i, const json& j) {
  if (j.is_null()) st.bind(i);
  else st.bind(i, j.dump());
}

}  // namespace

json Conflict::to_json() const {
  return {{"conflict_id", conflict_id}, {"entity", entity}, {"id", id}, {"kind", to_string(kind)}, {"base", base},
          {"local", local}, {"remote", remote}, {"fields", fields},
          {"journal_seq", journal_seq ? json(*journal_seq) : json()}, {"created_at", created_at},
          {"resolved_at", resolved_at ? json(*resolved_at) : json()}, {"resolution", resolution}};
}

void ConflictStore::add(const Conflict& c) {
  storage_call("record conflict", [&] {
    auto st = db_.prepare(std::string("INSERT INTO conflicts (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    st->bind(1, c.conflict_id);
    st->bind(2, c.entity);
    st->bind(3, c.id);
    st->bind(4, to_string(c.kind));
    bind_json(*st, 5, c.base);
    bind_json(*st, 6, c.local);
    bind_json(*st, 7, c.remote);
    bind_json(*st, 8, c.fields);
    if (c.journal_seq) st->bind(9, *c.journal_seq);
    st->bind(10, c.created_at);
    st->exec();
  });
}

std::optional<Conflict> ConflictStore::get(const std::string& conflict_id) {
  return storage_call("read conflict", [&]() -> std::optional<Conflict> {
    auto st = db_.prepare(std::string("SELECT ") + kColumns + " FROM conflicts WHERE conflict_id = ?");
    st->bind(1, conflict_id);
    if (!st->executeStep()) return std::nullopt;
    return read(*st);
  });
}

std::vector<Conflict> ConflictStore::open() {
  return storage_call("read conflicts", [&] {
    std::vector<Conflict> out;
    auto st = db_.prepare(std::string("SELECT ") + kColumns +
                          " FROM conflicts WHERE resolved_at IS NULL ORDER BY created_at, conflict_id");
    while (st->executeStep()) out.push_back(read(*st));
    return out;
  });
}

std::optional<Conflict> ConflictStore::open_for(const std::string& entity, const std::string& id) {
  return storage_call("read conflict", [&]() -> std::optional<Conflict> {
    auto st = db_.prepare(std::string("SELECT ") + kColumns +
                          " FROM conflicts WHERE entity = ? AND id = ? AND resolved_at IS NULL");
    st->bind(1, entity);
    st->bind(2, id);
    if (!st->executeStep()) return std::nullopt;
    return read(*st);
  });
}

void ConflictStore::resolve(const std::string& conflict_id, const json& resolution, int64_t at) {
  storage_call("resolve conflict", [&] {
    auto st = db_.prepare("UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE conflict_id = ?");
    st->bind(1, at);
    st->bind(2, resolution.dump());
    st->bind(3, conflict_id);
    st->exec();
  });
}

int64_t ConflictStore::count_open() {
  return storage_call("count conflicts", [&] {
    auto st = db_.prepare("SELECT COUNT(*) FROM conflicts WHERE resolved_at IS NULL");
    st->executeStep();
    return st->getColumn(0).getInt64();
  });
}

}  // namespace hse::engine::store
