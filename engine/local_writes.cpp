#include "engine/local_writes.hpp"

#include "core/abort_point.hpp"
#include "engine/store/migrations.hpp"
#include "engine/store/replica_lookup.hpp"
#include "engine/store/row_codec.hpp"
#include "schema/validate.hpp"

namespace hse::engine {

using journal::Op;
using store::Origin;
using store::RowMeta;
using store::SyncState;

namespace {

void append(std::vector<FieldError>& to, std::vector<FieldError> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

// Relations only need checking when the write touches a field they read.
bool touches_relations(const schema::Entity& e, const json& patch) {
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const schema::Field* f = e.field(it.key());
    if (!f) continue;
    if (!f->references.empty() || f->name == e.unique_name_field) return true;
  }
  return false;
}

// The row's state once it has a pending change.
SyncState pending_state(const RowMeta& m) {
  return m.state == SyncState::synced ? SyncState::pending : m.state;
}

void delete_row(sync::ReplicaState& s, const schema::Entity& e, const json& row, bool cascade, bool journaled);

void delete_children(sync::ReplicaState& s, const schema::Entity& e, const std::string& id) {
  for (const auto& link : child_links(e))
    for (const auto& child_id : s.replica.children(*link.entity, link.field, id))
      if (auto child = s.replica.get(*link.entity, child_id)) delete_row(s, *link.entity, *child, true, false);
}

// Removes `row` locally. `journaled`: the user's own delete (journal a forced
// delete); otherwise a child going with its parent, whose server-side removal the
// parent's forced delete does, so its own pending entries are dropped.
void delete_row(sync::ReplicaState& s, const schema::Entity& e, const json& row, bool cascade, bool journaled) {
  const std::string id = row.at(e.key).get<std::string>();
  delete_children(s, e, id);
  RowMeta m = *s.replica.meta(e, id);
  std::optional<int64_t> seq;
  if (journaled) {
    seq = s.journal.record(e.name, id, Op::remove, nullptr, cascade, m.journal_seq, s.replica.now());
  } else if (m.journal_seq) {
    if (auto entry = s.journal.get(*m.journal_seq); entry && entry->state != journal::State::in_flight)
      s.journal.erase(*m.journal_seq);
  }
  // Keep the base while a delete is pending: the push compares the server's row to it.
  if (auto base = s.replica.base(e, id); base && seq) s.replica.save_base(e, id, *base);
  if (!seq) s.replica.drop_base(e, id);
  s.replica.remove(e, row, m, {Origin::local, seq, nullptr});
}

}  // namespace

std::vector<ChildLink> child_links(const schema::Entity& e) {
  std::vector<ChildLink> out;
  for (const auto& other : schema::entities())
    for (const auto& f : other.fields)
      if (f.references == e.name && !f.read_only) {
        // A child named by two fields (tenant_id and subtenant_id) is reached through its direct parent.
        if (!other.parent.empty() && other.parent != e.name && other.parent_field != f.name) continue;
        out.push_back({&other, f.name});
      }
  return out;
}

CreateBatch::CreateBatch(sync::ReplicaState& s, const schema::Entity& e)
    : lookup(s.db, e), history_or_deletes(s.replica.has_history(e) || s.journal.has_delete(e.name)) {}

json local_create(sync::ReplicaState& s, const schema::Entity& e, const json& body_in, CreateBatch* batch) {
  if (!body_in.is_object()) schema::raise_if_any({{"body", "must be a JSON object"}});
  json body = schema::in_replica_form(e, body_in);
  std::vector<FieldError> errors = schema::check_create(e, body);
  json row = schema::with_defaults(e, std::move(body));
  if (!row.contains(e.key) || row[e.key].is_null()) row[e.key] = s.random->uuid4();
  const std::string id = row[e.key].is_string() ? row[e.key].get<std::string>() : "";
  // The key that finds this create again on the server if its answer is lost
  // (sync/push.cpp, find_orphan): the app's own value, or one made from the local id.
  if (!e.recovery_field.empty()) {
    auto v = row.find(e.recovery_field);
    if (v == row.end() || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty()))
      row[e.recovery_field] = schema::recovery_value(id);
  }

  auto taken = [&] {
    return Error(Code::conflict, "a " + e.name + " with id " + id + " exists already", {{e.key, "already exists"}});
  };
  std::optional<int64_t> last_version;  // set: the id was probed
  auto probe = [&] {
    if (id.empty() || last_version) return;
    const auto p = s.replica.probe_id(e, id);
    if (p.exists || s.journal.pending_delete(e.name, id)) throw taken();
    last_version = p.last_version;
  };
  // A batch that knows no history or pending delete of this entity leaves the id to
  // the insert (Replica::insert_if_new), unless there are errors to report.
  if (!batch || batch->history_or_deletes) probe();
  std::optional<store::ReplicaLookup> own;
  store::ReplicaLookup& lookup = batch ? batch->lookup : own.emplace(s.db);
  append(errors, schema::check_relations(e, row, lookup));
  if (!errors.empty()) probe();
  schema::raise_if_any(std::move(errors));

  if (e.has_validity()) row["owned_active"] = true;
  row = store::normalize(e, std::move(row));
  const int64_t now = s.replica.now();
  // The row inserted below names the entry: that is how the entry is found by row.
  const int64_t seq = s.journal.append_create(e.name, id, now);
  abort_point::reach(abort_point::Point::local_write_applying);
  RowMeta m;
  m.state = SyncState::pending;
  m.journal_seq = seq;
  if (last_version || id.empty()) s.replica.insert(e, row, m, {Origin::local, seq, nullptr}, last_version);
  else if (!s.replica.insert_if_new(e, row, m, {Origin::local, seq, nullptr})) throw taken();  // the caller rolls back
  return row;
}

json local_update(sync::ReplicaState& s, const schema::Entity& e, const std::string& id, const json& patch_given) {
  if (!patch_given.is_object()) schema::raise_if_any({{"body", "must be a JSON object"}});
  const json patch_in = schema::in_replica_form(e, patch_given);
  auto existing = s.replica.get(e, id);
  if (!existing) throw Error(Code::not_found, "no " + e.name + " with id " + id);
  if (e.append_only)
    throw Error(Code::invalid, "a " + e.name + " cannot be changed: the remote API has no update for it",
                {{"body", e.name + " rows are append-only"}});
  std::vector<FieldError> errors = schema::check_update(e, patch_in, *existing);
  // Only fields that change are journaled and pushed.
  json patch = json::object();
  for (auto it = patch_in.begin(); it != patch_in.end(); ++it)
    if (existing->value(it.key(), json()) != it.value()) patch[it.key()] = it.value();
  json row = *existing;
  for (auto it = patch.begin(); it != patch.end(); ++it) row[it.key()] = it.value();
  if (errors.empty() && touches_relations(e, patch)) {
    store::ReplicaLookup lookup(s.db);
    append(errors, schema::check_relations(e, row, lookup));
  }
  schema::raise_if_any(std::move(errors));
  if (patch.empty()) return *existing;

  RowMeta m = *s.replica.meta(e, id);
  // The first local change of a synced row keeps its server version as the merge base.
  if (m.state == SyncState::synced && m.base_hash) s.replica.save_base(e, id, *existing);
  m.journal_seq = s.journal.record(e.name, id, Op::update, patch, false, m.journal_seq, s.replica.now());
  m.state = pending_state(m);
  if (m.state == SyncState::rejected) m.state = SyncState::pending;  // an edit of a rejected row is its fix
  s.replica.replace(e, *existing, row, m, {Origin::local, m.journal_seq, nullptr});
  return row;
}

void local_delete(sync::ReplicaState& s, const schema::Entity& e, const std::string& id, bool cascade) {
  auto existing = s.replica.get(e, id);
  if (!existing) throw Error(Code::not_found, "no " + e.name + " with id " + id);
  if (e.append_only) {
    // Only a create the server has not seen can be taken back.
    RowMeta m = *s.replica.meta(e, id);
    auto entry = m.journal_seq ? s.journal.get(*m.journal_seq) : std::nullopt;
    bool unsent = !m.base_hash && entry && entry->op == Op::create && entry->state != journal::State::in_flight;
    if (!unsent)
      throw Error(Code::invalid, "a " + e.name + " the server has cannot be deleted: the remote API has no delete for it",
                  {{"id", e.name + " rows are append-only once pushed"}});
  }
  if (!cascade) {
    std::string found;
    for (const auto& link : child_links(e)) {
      size_t n = s.replica.children(*link.entity, link.field, id).size();
      if (n) found += (found.empty() ? "" : ", ") + std::to_string(n) + " " + link.entity->name + (n > 1 ? "s" : "");
    }
    if (!found.empty())
      throw Error(Code::conflict, "the " + e.name + " " + id + " has children (" + found + "); delete it with cascade",
                  {{"cascade", "required: the " + e.name + " has " + found}});
  }
  delete_row(s, e, *existing, cascade, true);
}

}  // namespace hse::engine
