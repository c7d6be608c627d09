#include "engine/journal/journal.hpp"

#include "core/error.hpp"
#include "core/planted.hpp"
#include "engine/store/migrations.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::journal {

using store::storage_call;

namespace {

const char* kColumns =
    "seq, entity, id, op, patch, state, cascade, attempts, last_error, errors, created_at, sent, unanswered, "
    "last_status";

// The seqs that may be entries of row ?2 (of `entity`, or of any entity): those in
// the index on the id's tail (journal_row_tail, migrations.cpp v6, v7), and the entry
// each row of that id names in journal_seq (a local create's, which that index leaves
// out while its row names it). The caller compares entity and id in full.
std::string row_seqs(const std::optional<std::string>& entity) {
  std::string sql = "SELECT seq FROM journal WHERE substr(id, -8) = substr(?2, -8) AND indexed";
  for (const auto& e : schema::entities())
    if (!entity || e.name == *entity)
      sql += " UNION ALL SELECT journal_seq FROM " + store::table_of(e) + " WHERE \"" + e.key + "\" = ?2";
  return sql;
}

// A row's entries. `+entity`, `+id`: compared as values on the rows the seqs find, not
// through another index. Binds ?1 entity, ?2 id.
std::string row_match(const std::optional<std::string>& entity) {
  return "seq IN (" + row_seqs(entity) + ")" + (entity ? " AND +entity = ?1" : "") + " AND +id = ?2";
}

Entry read_entry(SQLite::Statement& st) {
  Entry e;
  e.seq = st.getColumn(0).getInt64();
  e.entity = st.getColumn(1).getString();
  e.id = st.getColumn(2).getString();
  auto op = op_from(st.getColumn(3).getString());
  auto state = state_from(st.getColumn(5).getString());
  // The table's CHECK constraints admit nothing else: a file edited by hand.
  if (!op || !state) throw Error(Code::internal, "journal entry " + std::to_string(e.seq) + " has an unknown op or state");
  e.op = *op;
  if (!st.isColumnNull(4)) e.patch = json::parse(st.getColumn(4).getString());
  e.state = *state;
  e.cascade = st.getColumn(6).getInt() != 0;
  e.attempts = st.getColumn(7).getInt();
  if (!st.isColumnNull(8)) e.last_error = st.getColumn(8).getString();
  if (!st.isColumnNull(9)) e.errors = json::parse(st.getColumn(9).getString());
  e.created_at = st.getColumn(10).getInt64();
  if (!st.isColumnNull(11)) e.sent = json::parse(st.getColumn(11).getString());
  e.unanswered = st.getColumn(12).getInt();
  if (!st.isColumnNull(13)) e.last_status = st.getColumn(13).getInt();
  return e;
}

}  // namespace

const char* to_string(Op op) {
  switch (op) {
    case Op::create: return "create";
    case Op::update: return "update";
    case Op::remove: return "delete";
  }
  return "create";
}

std::optional<Op> op_from(const std::string& s) {
  if (s == "create") return Op::create;
  if (s == "update") return Op::update;
  if (s == "delete") return Op::remove;
  return std::nullopt;
}

const char* to_string(State s) {
  switch (s) {
    case State::pending: return "pending";
    case State::in_flight: return "in_flight";
    case State::rejected: return "rejected";
    case State::blocked: return "blocked";
    case State::held: return "held";
  }
  return "pending";
}

std::optional<State> state_from(const std::string& s) {
  for (State st : {State::pending, State::in_flight, State::rejected, State::blocked, State::held})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

json Entry::to_json() const {
  json j = {{"seq", seq}, {"entity", entity}, {"id", id}, {"op", to_string(op)}, {"patch", patch},
            {"state", to_string(state)}, {"cascade", cascade}, {"attempts", attempts},
            {"unanswered", unanswered}, {"last_status", last_status ? json(*last_status) : json()},
            {"last_error", last_error ? json(*last_error) : json()}, {"created_at", created_at}};
  if (!errors.is_null()) j["errors"] = errors;
  if (!sent.is_null()) j["sent"] = sent;
  return j;
}

std::optional<Entry> Journal::get(int64_t seq) {
  return storage_call("read journal", [&]() -> std::optional<Entry> {
    auto st = db_.prepare(std::string("SELECT ") + kColumns + " FROM journal WHERE seq = ?");
    st->bind(1, seq);
    if (!st->executeStep()) return std::nullopt;
    return read_entry(*st);
  });
}

int64_t Journal::append(const std::string& entity, const std::string& id, Op op, const json& patch, bool cascade,
                        int64_t now, bool indexed) {
  static const std::string sql =
      "INSERT INTO journal (entity, id, op, patch, cascade, created_at, indexed) VALUES (?, ?, ?, ?, ?, ?, ?)";
  auto st = db_.prepare_static(sql);
  st->bind(1, entity);
  st->bind(2, id);
  st->bind(3, to_string(op));
  if (!patch.is_null()) st->bind(4, patch.dump());
  st->bind(5, cascade ? 1 : 0);
  st->bind(6, now);
  st->bind(7, indexed ? 1 : 0);
  st->exec();
  return db_.last_insert_rowid();
}

int64_t Journal::append_create(const std::string& entity, const std::string& id, int64_t now) {
  return storage_call("write journal", [&] { return append(entity, id, Op::create, nullptr, false, now, false); });
}

std::optional<int64_t> Journal::record(const std::string& entity, const std::string& id, Op op, const json& patch,
                                       bool cascade, std::optional<int64_t> newest, int64_t now) {
  return storage_call("write journal", [&]() -> std::optional<int64_t> {
    std::optional<Entry> last = newest ? get(*newest) : std::nullopt;
    if (!last || (last->state == State::in_flight && !planted::active(planted::Bug::collapse_into_in_flight)))
      return append(entity, id, op, patch, cascade, now);
    // A write on a rejected or held entry is the fix: it goes back to pending, with
    // its count of failures started again.
    const bool fix = last->state == State::rejected || last->state == State::held;
    State state = fix ? State::pending : last->state;
    auto rewrite = [&](Op new_op, const json& new_patch) {
      auto st = db_.prepare(
          "UPDATE journal SET op = ?, patch = ?, cascade = ?, state = ?, "
          "errors = CASE WHEN ? THEN NULL ELSE errors END, "
          "attempts = CASE WHEN ? THEN 0 ELSE attempts END WHERE seq = ?");
      st->bind(1, to_string(new_op));
      if (!new_patch.is_null()) st->bind(2, new_patch.dump());
      st->bind(3, (cascade || last->cascade) ? 1 : 0);
      st->bind(4, to_string(state));
      st->bind(5, state == State::pending ? 1 : 0);
      st->bind(6, fix ? 1 : 0);
      st->bind(7, last->seq);
      st->exec();
      return last->seq;
    };
    switch (last->op) {
      case Op::create:
        if (op == Op::remove) {
          // A create already sent may have been applied with its answer lost: then the
          // server holds the row, and only a pushed delete removes it (dropping both
          // entries would let the next pull bring the deleted row back).
          if (last->unanswered > 0 && last->state != State::rejected) return rewrite(Op::remove, nullptr);
          erase(last->seq);
          return std::nullopt;
        }
        return rewrite(Op::create, nullptr);
      case Op::update:
        if (op == Op::remove) return rewrite(Op::remove, nullptr);
        {
          json merged = last->patch.is_object() ? last->patch : json::object();
          for (auto it = patch.begin(); it != patch.end(); ++it) merged[it.key()] = it.value();
          if (planted::active(planted::Bug::collapse_drops_field))
            for (auto it = merged.begin(); it != merged.end(); ++it)
              if (!patch.contains(it.key())) {
                merged.erase(it);
                break;
              }
          return rewrite(Op::update, merged);
        }
      case Op::remove:
        // A deleted row takes no further writes; a re-create after a delete is a new entry.
        return append(entity, id, op, patch, cascade, now);
    }
    return append(entity, id, op, patch, cascade, now);
  });
}

void Journal::erase(int64_t seq) {
  storage_call("write journal", [&] {
    auto st = db_.prepare("DELETE FROM journal WHERE seq = ?");
    st->bind(1, seq);
    st->exec();
  });
}

void Journal::erase_row(const std::string& entity, const std::string& id) {
  storage_call("write journal", [&] {
    auto st = db_.prepare("DELETE FROM journal WHERE " + row_match(entity));
    st->bind(1, entity);
    st->bind(2, id);
    st->exec();
  });
}

std::optional<int64_t> Journal::pending_delete(const std::string& entity, const std::string& id) {
  return storage_call("read journal", [&]() -> std::optional<int64_t> {
    static const std::string sql = "SELECT MAX(seq) FROM journal WHERE entity = ? AND id = ? AND op = 'delete'";
    auto st = db_.prepare_static(sql);
    st->bind(1, entity);
    st->bind(2, id);
    if (!st->executeStep() || st->isColumnNull(0)) return std::nullopt;
    return st->getColumn(0).getInt64();
  });
}

bool Journal::has_delete(const std::string& entity) {
  return storage_call("read journal", [&] {
    auto st = db_.prepare("SELECT 1 FROM journal WHERE entity = ? AND op = 'delete' LIMIT 1");
    st->bind(1, entity);
    return st->executeStep();
  });
}

void Journal::set_state(int64_t seq, State state, const std::optional<std::string>& error, const json& errors) {
  storage_call("write journal", [&] {
    auto st = db_.prepare("UPDATE journal SET state = ?, last_error = ?, errors = ? WHERE seq = ?");
    st->bind(1, to_string(state));
    if (error) st->bind(2, *error);
    if (!errors.is_null()) st->bind(3, errors.dump());
    st->bind(4, seq);
    st->exec();
  });
}

void Journal::set_patch(int64_t seq, const json& patch) {
  storage_call("write journal", [&] {
    auto st = db_.prepare("UPDATE journal SET patch = ? WHERE seq = ?");
    if (!patch.is_null()) st->bind(1, patch.dump());
    st->bind(2, seq);
    st->exec();
  });
}

void Journal::set_sent(int64_t seq, const json& sent) {
  storage_call("write journal", [&] {
    auto st = db_.prepare("UPDATE journal SET sent = ? WHERE seq = ?");
    if (!sent.is_null()) st->bind(1, sent.dump());
    st->bind(2, seq);
    st->exec();
  });
}

void Journal::record_failure(int64_t seq, State state, const std::string& error, std::optional<int> status,
                             bool counted, bool unanswered) {
  storage_call("write journal", [&] {
    auto st = db_.prepare(
        "UPDATE journal SET state = ?, last_error = ?, last_status = ?, attempts = attempts + ?, "
        "unanswered = unanswered + ? WHERE seq = ?");
    st->bind(1, to_string(state));
    st->bind(2, error);
    if (status) st->bind(3, *status);
    st->bind(4, counted ? 1 : 0);
    st->bind(5, unanswered ? 1 : 0);
    st->bind(6, seq);
    st->exec();
  });
}

bool Journal::retry(int64_t seq) {
  return storage_call("write journal", [&] {
    auto st = db_.prepare(
        "UPDATE journal SET state = 'pending', attempts = 0, errors = NULL "
        "WHERE seq = ? AND state IN ('held', 'rejected')");
    st->bind(1, seq);
    return st->exec() > 0;
  });
}

std::vector<Entry> Journal::list(const Filter& filter) {
  return storage_call("read journal", [&] {
    std::vector<Entry> out;
    std::string sql = std::string("SELECT ") + kColumns + " FROM journal WHERE 1";
    // Numbered: row_match binds ?1 and ?2.
    if (filter.id) sql += " AND " + row_match(filter.entity);
    else if (filter.entity) sql += " AND entity = ?1";
    if (filter.state) sql += " AND state = ?3";
    sql += " ORDER BY seq";
    auto st = db_.prepare(sql);
    if (filter.entity) st->bind(1, *filter.entity);
    if (filter.id) st->bind(2, *filter.id);
    if (filter.state) st->bind(3, to_string(*filter.state));
    while (st->executeStep()) out.push_back(read_entry(*st));
    return out;
  });
}

std::optional<Entry> Journal::next(int64_t after_seq) {
  return storage_call("read journal", [&]() -> std::optional<Entry> {
    auto st = db_.prepare(std::string("SELECT ") + kColumns + " FROM journal WHERE seq > ? ORDER BY seq LIMIT 1");
    st->bind(1, after_seq);
    if (!st->executeStep()) return std::nullopt;
    return read_entry(*st);
  });
}

int64_t Journal::count(std::optional<State> state) {
  return storage_call("read journal", [&] {
    auto st = db_.prepare(state ? "SELECT COUNT(*) FROM journal WHERE state = ?" : "SELECT COUNT(*) FROM journal");
    if (state) st->bind(1, to_string(*state));
    st->executeStep();
    return st->getColumn(0).getInt64();
  });
}

int64_t Journal::last_seq() {
  return storage_call("read journal", [&] {
    // AUTOINCREMENT keeps the highest seq ever given, even once its entry is gone.
    auto st = db_.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'journal'");
    return st->executeStep() ? st->getColumn(0).getInt64() : int64_t(0);
  });
}

void Journal::unblock_all() {
  storage_call("unblock journal", [&] { db_.exec("UPDATE journal SET state = 'pending' WHERE state = 'blocked'"); });
}

void Journal::recover_in_flight() {
  storage_call("write journal", [&] { db_.exec("UPDATE journal SET state = 'pending', unanswered = unanswered + 1 WHERE state = 'in_flight'"); });
}

}  // namespace hse::engine::journal
