#include "engine/sync/push.hpp"
#include "core/ids.hpp"

#include <set>

#include "engine/store/row_codec.hpp"
#include "engine/sync/apply.hpp"
#include "core/planted.hpp"

namespace hse::engine::sync {

using journal::Op;
using journal::State;
using store::SyncState;

namespace {

// The outcome of sending one entry, computed without the lock and applied with it.
struct Outcome {
  enum Kind { accepted, deleted, conflict } kind = accepted;
  json server;                       // the server's row (accepted, conflict; deleted: an orphan found)
  std::string conflict_kind;         // conflict
  std::vector<std::string> fields;   // conflict
  json local, base;                  // conflict
  bool adopted = false;              // a create found on the server after its answer was lost
  json sent;                         // adopted: the body of the attempt that made it
};

json errors_json(const std::vector<FieldError>& fields) {
  json out = json::array();
  for (const auto& f : fields) out.push_back({{"field", f.field}, {"message", f.message}});
  return out;
}

// True when every field we sent has that value on the server: the create was ours.
bool is_ours(const json& sent, const json& server) {
  for (auto it = sent.begin(); it != sent.end(); ++it) {
    if (it.value().is_null()) continue;
    if (server.value(it.key(), json()) != it.value()) return false;
  }
  return true;
}

// A create's body: the row's writable fields that have a value and that the
// remote's create takes (the rest follow as an update: keep_local_edits).
json create_body(const schema::Entity& e, const json& row) {
  json body = json::object();
  for (const auto& f : e.fields)
    if (!f.read_only && f.in_create && !row.value(f.name, json()).is_null()) body[f.name] = row[f.name];
  return body;
}

bool has_update_only_fields(const schema::Entity& e) {
  for (const auto& f : e.fields)
    if (!f.in_create) return true;
  return false;
}

// Why the entry cannot be sent yet, or nullopt: it references a row the server
// refused (its create rejected or blocked), or a row whose id the server has not
// assigned yet (a comment whose incident is not created there: it would be sent to
// an id that does not exist).
std::optional<std::string> waits_for(SyncContext& ctx, const schema::Entity& e, const json& row) {
  for (const auto& f : e.fields) {
    if (f.references.empty() || f.read_only) continue;
    auto v = row.find(f.name);
    if (v == row.end() || !v->is_string()) continue;
    const schema::Entity& target = schema::entity(f.references);
    auto meta = ctx.s.replica.meta(target, v->get<std::string>());
    if (!meta || meta->base_hash) continue;
    if (meta->state == SyncState::rejected || meta->state == SyncState::blocked)
      return std::string("depends on a row the server refused");
    if (target.server_assigned_ids) return "waits for its " + target.name + " to be created on the server";
  }
  return std::nullopt;
}

// A create of a server-assigned row that may have applied (an earlier attempt's
// answer was lost, or the process died waiting for it), found on the server: the
// row whose recovery field holds this create's value (the engine's
// "hsesync:<local id>", or the app's own value, which must then also match every
// field sent), else a row under the same parent matching every field sent. Rows the
// replica already knows are never taken: they are someone's, or another create's.
std::optional<json> find_orphan(SyncContext& ctx, const schema::Entity& e, const std::string& local_id,
                                const json& body) {
  json filter = json::object();
  bool unique_key = false;
  if (!e.recovery_field.empty() && body.value(e.recovery_field, json()).is_string()) {
    filter[e.recovery_field] = body[e.recovery_field];
    // The engine's own value is unique; so is the key of a row the server had (a
    // re-create after its deletion there: whoever re-created it first, it is that row).
    unique_key = body[e.recovery_field] == schema::recovery_value(local_id) || !is_uuid(local_id);
  } else if (!e.parent_field.empty() && body.contains(e.parent_field)) {
    filter[e.parent_field] = body[e.parent_field];
  } else {
    return std::nullopt;
  }
  constexpr int kMaxPages = 20;  // a bound on what one lookup reads
  for (int page = 1, pages = 1; page <= pages && page <= kMaxPages; ++page) {
    ctx.check_cancel();
    RemotePage got = ctx.remote.list(e.name, {{"filter", filter}, {"page", page}, {"per-page", 100}});
    pages = got.page_count;
    for (const auto& candidate : got.rows) {
      json row = store::normalize(e, candidate);
      if (!row[e.key].is_string()) continue;
      const std::string id = row[e.key].get<std::string>();
      {
        std::lock_guard lock(ctx.s.mu);
        if (ctx.s.replica.exists(e, id) || ctx.s.ids.is_mapped_server_id(e, id)) continue;
      }
      if (unique_key || is_ours(body, row)) return row;
    }
  }
  return std::nullopt;
}

Outcome send_create(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& body,
                    const json& local) {
  const std::string& id = entry.id;
  Outcome out;
  if (e.server_assigned_ids) {
    // A create that may have applied, or the re-create of a row the server deleted
    // (its id is a server id: a client_wins decision) that another client may have
    // re-created already: looked for first.
    if (entry.attempts > 0 || !is_uuid(id)) {
      const json& sent = entry.sent.is_object() ? entry.sent : body;
      if (!planted::active(planted::Bug::skip_orphan_lookup))
      if (auto found = find_orphan(ctx, e, id, sent)) {
        out.server = *found;
        out.sent = sent;
        out.kind = Outcome::accepted;
        out.adopted = true;
        return out;
      }
      // The earlier attempt never applied: this one is the one that may.
      if (sent != body) {
        std::lock_guard lock(ctx.s.mu);
        store::WriteTransaction tx(ctx.s.db);
        ctx.s.journal.set_sent(entry.seq, body);
        tx.commit();
      }
    }
    out.server = ctx.remote.create(e.name, body);
    auto key = out.server.find(e.key);
    if (key == out.server.end() || !key->is_string() || key->get_ref<const std::string&>().empty())
      throw Error(Code::server, "the server's answer to a " + e.name + " create has no id");
    out.kind = Outcome::accepted;
    return out;
  }
  try {
    out.server = ctx.remote.create(e.name, body);
    out.kind = Outcome::accepted;
    return out;
  } catch (const Error& err) {
    if (err.code() != Code::conflict) throw;
  }
  // The id exists: our own create applied with its answer lost, or a real collision.
  auto existing = ctx.remote.view(e.name, id);
  if (!existing) throw Error(Code::server, "the server refused " + e.name + " " + id + " as a duplicate but has no such row");
  if (is_ours(body, *existing)) {
    out.server = *existing;
    out.kind = Outcome::accepted;
    return out;
  }
  out.kind = Outcome::conflict;
  out.conflict_kind = "create_collision";
  out.server = *existing;
  out.local = local;
  return out;
}

// A same-field conflict the policy settled during the push is a decision like any
// other: counted, and recorded in history with both sides, so the losing value (the
// server's under client_wins, ours under server_wins) is never lost without a trace.
// The row itself is unchanged here; accept_pushed then writes the server's answer.
void record_decision(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& detail) {
  auto meta = ctx.s.replica.meta(e, entry.id);
  auto row = ctx.s.replica.get(e, entry.id);
  if (meta && row) ctx.s.replica.replace(e, *row, *row, *meta, {store::Origin::conflict, entry.seq, detail});
  ctx.stats.conflicts++;
}

// The policy's settlement of overlapping fields is recorded, in its own transaction,
// before the update is sent: whatever becomes of the update (its answer lost, the
// process killed), the decision and the server's value it overrides are in history.
Outcome send_update(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& base,
                    const json& local) {
  Outcome out;
  auto server = ctx.remote.view(e.name, entry.id);
  if (!server) {
    out.kind = Outcome::conflict;
    out.conflict_kind = "update_delete";
    out.local = local;
    out.base = base;
    return out;
  }
  json patch = entry.patch.is_object() ? entry.patch : json::object();
  // Fields of the patch the server changed too, to another value: the policy decides.
  json server_norm = store::normalize(e, *server);
  // A value an earlier attempt of this entry sent (its answer lost) is ours, not a
  // change made there: the base for that field.
  json base_now = base.is_object() ? base : json::object();
  if (entry.attempts > 0 && entry.sent.is_object())
    for (auto it = entry.sent.begin(); it != entry.sent.end(); ++it)
      if (server_norm.value(it.key(), json()) == it.value()) base_now[it.key()] = it.value();
  merge::MergeResult overlap;
  overlap.row = json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (planted::active(planted::Bug::update_ignores_server_changes)) break;
    json b = base_now.value(it.key(), json());
    json r = server_norm.value(it.key(), json());
    if (r != b && r != it.value()) overlap.conflicts.push_back({it.key(), b, it.value(), r});
  }
  if (!overlap.conflicts.empty()) {
    overlap.row = local;
    Settlement settled = settle(ctx, e, entry.id, base, local, server_norm, overlap, "update_update");
    if (!settled.manual.empty()) {
      out.kind = Outcome::conflict;
      out.conflict_kind = "update_update";
      out.fields = settled.manual;
      out.server = server_norm;
      out.local = local;
      out.base = base;
      return out;
    }
    for (const auto& c : overlap.conflicts) {
      if (settled.row.value(c.field, json()) == c.remote) patch.erase(c.field);
      else patch[c.field] = settled.row[c.field];
    }
    json decided = {{"conflict", "update_update"}, {"decisions", settled.decisions}, {"base", base},
                    {"local", local}, {"remote", server_norm}};
    std::lock_guard lock(ctx.s.mu);
    store::WriteTransaction tx(ctx.s.db);
    record_decision(ctx, e, entry, decided);
    tx.commit();
  }
  if (patch.empty()) {
    out.kind = Outcome::accepted;
    out.server = server_norm;
    return out;
  }
  try {
    out.server = ctx.remote.update_from(e.name, entry.id, patch, *server);
    out.kind = Outcome::accepted;
  } catch (const Error& err) {
    if (err.code() != Code::not_found) throw;
    out.kind = Outcome::conflict;
    out.conflict_kind = "update_delete";
    out.local = local;
    out.base = base;
  }
  return out;
}

// The delete of a server-assigned row whose create was sent but never answered (the
// create may have applied): the server's row, if there is one, is found as a retried
// create would find it, and deleted; if there is none, there is nothing to delete.
Outcome send_unmapped_delete(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry,
                             const json& body) {
  Outcome out;
  out.kind = Outcome::deleted;
  if (auto found = find_orphan(ctx, e, entry.id, body)) {
    ctx.remote.remove(e.name, found->at(e.key).get<std::string>(), true);
    out.server = *found;
  }
  return out;
}

Outcome send_delete(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& base) {
  Outcome out;
  auto server = ctx.remote.view(e.name, entry.id);
  if (!server) {
    out.kind = Outcome::deleted;
    return out;
  }
  json server_norm = store::normalize(e, *server);
  // Edited on the server since we last saw it: deleting would lose that edit unseen.
  if (base.is_object() && !merge::diff_writable(e, server_norm, base).empty()) {
    out.kind = Outcome::conflict;
    out.conflict_kind = "delete_update";
    out.server = server_norm;
    out.base = base;
    return out;
  }
  ctx.remote.remove(e.name, entry.id, true);
  out.kind = Outcome::deleted;
  return out;
}

// Settles a whole-row conflict from the push by the entity's policy; returns false
// when it is left to the app.
void apply_conflict(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, Outcome& out) {
  auto& s = ctx.s;
  std::string decision =
      out.conflict_kind == "update_update"
          ? "manual"
          : decide_row(ctx, e, entry.id, out.conflict_kind, out.base, out.local, out.server);
  if (decision == "manual") {
    s.journal.set_state(entry.seq, State::pending);
    record_conflict(ctx, e, entry.id, out.conflict_kind, out.base, out.local, out.server, out.fields, entry.seq);
    return;
  }
  json detail = {{"conflict", out.conflict_kind}, {"decision", decision}, {"local", out.local}, {"remote", out.server}};
  if (out.conflict_kind == "update_delete") {
    if (decision == "remote") {
      s.journal.erase(entry.seq);
      remove_locally(ctx, e, entry.id, store::Origin::conflict, detail);
    } else if (!s.replica.meta(e, entry.id)) {
      // Deleted here too while the update was in flight: both sides agree, and the
      // delete entry finds nothing to delete.
      s.journal.erase(entry.seq);
    } else {
      // Client wins: the row comes back on the server (with the same id where the
      // client picks ids). The create sends the whole row, edits made while this
      // entry was in flight included: left in the journal, each of those would meet
      // the same delete and create the row once more.
      s.journal.erase_row(e.name, entry.id);
      auto meta = *s.replica.meta(e, entry.id);
      meta.journal_seq = s.journal.record(e.name, entry.id, Op::create, nullptr, false, std::nullopt, s.replica.now());
      meta.base_hash.reset();
      meta.state = SyncState::pending;
      s.replica.drop_base(e, entry.id);
      // The decision against the server's delete is recorded in history like any other.
      if (auto row = s.replica.get(e, entry.id))
        s.replica.replace(e, *row, *row, meta, {store::Origin::conflict, entry.seq, detail});
      else
        s.replica.set_meta(e, entry.id, meta);
    }
  } else if (out.conflict_kind == "delete_update") {
    s.journal.erase(entry.seq);
    if (decision == "remote") {
      s.replica.drop_base(e, entry.id);
      store::RowMeta m;
      m.base_hash = store::content_hash(e, out.server);
      s.replica.insert(e, out.server, m, {store::Origin::conflict, entry.seq, detail});
    } else {
      s.replica.save_base(e, entry.id, out.server);  // the retried delete checks against the newest row
      s.journal.record(e.name, entry.id, Op::remove, nullptr, true, std::nullopt, s.replica.now());
    }
  } else if (out.conflict_kind == "create_collision") {
    if (decision == "remote") {
      s.journal.erase(entry.seq);
      auto meta = *s.replica.meta(e, entry.id);
      meta.journal_seq.reset();
      meta.state = SyncState::synced;
      meta.base_hash = store::content_hash(e, out.server);
      s.replica.replace(e, out.local, store::normalize(e, out.server), meta, {store::Origin::conflict, entry.seq, detail});
    } else {
      // Client wins: what differs is pushed as an update of the server's row.
      s.journal.erase(entry.seq);
      auto meta = *s.replica.meta(e, entry.id);
      json patch = merge::diff_writable(e, out.local, out.server);
      meta.journal_seq = s.journal.record(e.name, entry.id, Op::update, patch, false, std::nullopt, s.replica.now());
      meta.base_hash = store::content_hash(e, out.server);
      s.replica.save_base(e, entry.id, out.server);
      // Recorded in history, like every decision: the server's version it overrides is in `detail`.
      if (auto row = s.replica.get(e, entry.id))
        s.replica.replace(e, *row, *row, meta, {store::Origin::conflict, entry.seq, detail});
      else
        s.replica.set_meta(e, entry.id, meta);
    }
  }
  ctx.stats.conflicts++;
}

// The create is on the server: the row takes the server's id everywhere, in the
// transaction that records the push, and the app hears of it.
void map_created(SyncContext& ctx, const schema::Entity& e, journal::Entry& entry, const json& server) {
  const std::string server_id = server.at(e.key).get<std::string>();
  auto meta = ctx.s.replica.meta(e, entry.id);
  int64_t newest = meta && meta->journal_seq ? std::max(*meta->journal_seq, entry.seq) : entry.seq;
  ctx.s.ids.remap(e, entry.id, server_id, {entry.seq, newest}, ctx.s.replica.now());
  ctx.stats.mapped++;
  ctx.emit({{"type", "mapped"}, {"entity", e.name}, {"local_id", entry.id}, {"id", server_id}});
  entry.id = server_id;
}

// A create found on the server after its answer was lost (or a crash): the row takes
// the server's id, and then it is merged like any row the server has while edits
// are pending here: three ways, with the row as created here (what the lost attempt
// sent) as the base, so that edits made here since and edits someone made there
// since both survive, and a field both changed goes to the conflict policy
// (apply_server_row). What is left to push becomes an update.
void adopt_orphan(SyncContext& ctx, const schema::Entity& e, journal::Entry& entry, const json& server,
                  const json& sent) {
  auto& s = ctx.s;
  map_created(ctx, e, entry, server);
  auto meta = s.replica.meta(e, entry.id);
  auto versions = s.replica.history(e, entry.id);
  if (!meta || versions.empty() || !versions.front().row.is_object()) {
    accept_pushed(ctx, e, entry, server);  // deleted here meanwhile: the pending delete follows
    return;
  }
  // The row as the lost attempt made it: what it sent, over the row as created here
  // for the fields a create does not carry (their defaults).
  json created = versions.front().row;
  for (auto it = sent.begin(); it != sent.end(); ++it) created[it.key()] = it.value();
  created[e.key] = entry.id;
  s.replica.save_base(e, entry.id, created);
  if (meta->journal_seq && *meta->journal_seq != entry.seq) s.journal.erase(entry.seq);  // a later entry holds the edits
  else s.journal.set_state(entry.seq, State::pending);
  apply_server_row(ctx, e, server);
  ctx.stats.pushed++;
}

// What the create could not carry is pushed as an update, not dropped: fields the
// remote's create does not take (an incident created offline and then moved to
// investigating).
void keep_local_edits(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& local,
                      const json& server_in) {
  auto& s = ctx.s;
  const std::string& id = entry.id;
  auto meta = s.replica.meta(e, id);
  auto row = s.replica.get(e, id);
  if (!meta || !row || !local.is_object()) return;
  const json server = store::normalize(e, server_in);
  // A field edited again since the create was sent belongs to that later entry (it
  // holds the newest value, even one that happens to equal the server's).
  std::set<std::string> edited_since;
  if (meta->journal_seq && *meta->journal_seq > entry.seq)
    for (auto next = s.journal.next(entry.seq); next; next = s.journal.next(next->seq))
      if (next->entity == e.name && next->id == id && next->patch.is_object())
        for (auto it = next->patch.begin(); it != next->patch.end(); ++it) edited_since.insert(it.key());
  // Fields where the row as sent differs from what the server holds.
  const json differs = merge::diff_writable(e, local, server);
  json patch = json::object();
  for (auto it = differs.begin(); it != differs.end(); ++it)
    if (!edited_since.count(it.key())) patch[it.key()] = it.value();
  if (patch.empty()) return;
  json edited = *row;
  for (auto it = patch.begin(); it != patch.end(); ++it) edited[it.key()] = it.value();
  s.replica.save_base(e, id, server);
  meta->journal_seq = s.journal.record(e.name, id, Op::update, patch, false, meta->journal_seq, s.replica.now());
  meta->state = SyncState::pending;
  s.replica.replace(e, *row, edited, *meta, {store::Origin::merge, meta->journal_seq, {{"kept_local", patch}}});
}

}  // namespace

static bool push_pass(SyncContext& ctx);

void push(SyncContext& ctx) {
  ctx.emit({{"type", "phase"}, {"phase", "push"}});
  // A pass can block an entry that waits for a row created later in the same pass (a
  // comment before the re-create of its incident, which client_wins appends to the
  // journal): once that row has its server id, another pass sends what waited.
  for (int pass = 0; pass < 4; ++pass) {
    const int mapped_before = ctx.stats.mapped;
    if (!push_pass(ctx) || ctx.stats.mapped == mapped_before) break;
  }
}

// One pass over the journal; true when an entry waited for a row not yet created there.
static bool push_pass(SyncContext& ctx) {
  auto& s = ctx.s;
  {
    // Blocked entries are looked at again: their blocker may be fixed or dropped.
    std::lock_guard lock(s.mu);
    s.journal.unblock_all();
  }
  bool waited = false;
  int64_t after = 0;
  for (;;) {
    ctx.check_cancel();
    journal::Entry entry;
    const schema::Entity* e = nullptr;
    json body, base, local;
    {
      std::lock_guard lock(s.mu);
      auto next = s.journal.next(after);
      if (!next) break;
      entry = *next;
      after = entry.seq;
      if (entry.state != State::pending) continue;
      e = &schema::entity(entry.entity);
      if (s.conflicts.open_for(e->name, entry.id)) continue;  // waits for the app
      auto row = s.replica.get(*e, entry.id);
      store::WriteTransaction tx(s.db);
      if (entry.op != Op::remove && !row) {
        // Deleted here while this entry was in flight (the delete became an entry of its
        // own), and the send failed: the delete goes on alone, knowing what was sent.
        if (auto del = s.journal.delete_entry(e->name, entry.id); del && entry.sent.is_object() &&
                                                                   entry.op == Op::create)
          s.journal.set_sent(*del, entry.sent);
        s.journal.erase(entry.seq);
        tx.commit();
        continue;
      }
      if (auto reason = row ? waits_for(ctx, *e, *row) : std::nullopt) {
        waited = waited || reason->rfind("waits for", 0) == 0;
        s.journal.set_state(entry.seq, State::blocked, *reason);
        auto meta = *s.replica.meta(*e, entry.id);
        meta.state = SyncState::blocked;
        s.replica.set_meta(*e, entry.id, meta);
        tx.commit();
        ctx.stats.blocked++;
        continue;
      }
      if (row) local = *row;
      base = s.replica.base(*e, entry.id).value_or(json());
      if (entry.op == Op::create) body = create_body(*e, local);
      // What is about to be sent is kept in the entry, in the transaction that marks it
      // in flight: if the answer is lost, or the process dies, the retry knows what may
      // have applied, whatever was edited since. A server-assigned create's body (the
      // retry looks for exactly that: find_orphan); an update's fields, added to those
      // of earlier attempts (the retry takes them for its own, not a server change).
      if (entry.op == Op::create && e->server_assigned_ids && (entry.attempts == 0 || !entry.sent.is_object())) {
        s.journal.set_sent(entry.seq, body);
        entry.sent = body;
      } else if (entry.op == Op::update && entry.patch.is_object()) {
        json sent = entry.sent.is_object() ? entry.sent : json::object();
        for (auto it = entry.patch.begin(); it != entry.patch.end(); ++it) sent[it.key()] = it.value();
        s.journal.set_sent(entry.seq, sent);
      }
      // A delete of a server-assigned row the server never acknowledged: its create
      // was sent (else the two would have collapsed) and may have applied.
      if (entry.op == Op::remove && e->server_assigned_ids && base.is_null())
        body = entry.sent.is_object() ? entry.sent : json::object();
      s.journal.set_state(entry.seq, State::in_flight);
      tx.commit();
    }

    Outcome out;
    try {
      if (entry.op == Op::create) out = send_create(ctx, *e, entry, body, local);
      else if (entry.op == Op::update) out = send_update(ctx, *e, entry, base, local);
      else if (!body.is_null()) out = send_unmapped_delete(ctx, *e, entry, body);
      else out = send_delete(ctx, *e, entry, base);
    } catch (const Error& err) {
      std::lock_guard lock(s.mu);
      store::WriteTransaction tx(s.db);
      // A create under a parent the server no longer has (a comment on an incident
      // deleted there) waits: the parent may come back under a new id in this round (a
      // client_wins re-create, then another pass sends it), or the pull removes the
      // parent and it goes with it (a "discarded" event tells the app).
      if (err.code() == Code::not_found && entry.op == Op::create && !e->parent.empty()) {
        s.journal.set_state(entry.seq, State::blocked, "its " + e->parent + " is gone on the server");
        if (auto meta = s.replica.meta(*e, entry.id)) {
          meta->state = SyncState::blocked;
          s.replica.set_meta(*e, entry.id, *meta);
        }
        tx.commit();
        ctx.stats.blocked++;
        waited = true;
        continue;
      }
      if (err.code() == Code::invalid) {
        std::vector<FieldError> fields = err.fields();
        // The server refused the write: kept, with its reasons, until fixed or dropped.
        s.journal.set_state(entry.seq, State::rejected, err.what(), errors_json(fields));
        if (auto meta = s.replica.meta(*e, entry.id)) {
          meta->state = SyncState::rejected;
          s.replica.set_meta(*e, entry.id, *meta);
        }
        tx.commit();
        ctx.stats.rejected++;
        ctx.emit({{"type", "rejected"}, {"entity", e->name}, {"id", entry.id}, {"seq", entry.seq},
                  {"errors", errors_json(fields)}});
        continue;
      }
      if (planted::active(planted::Bug::lost_create_not_retried) && entry.op == Op::create &&
          (err.code() == Code::network || err.code() == Code::timeout)) {
        accept_pushed(ctx, *e, entry, local);
        tx.commit();
        continue;
      }
      s.journal.set_state(entry.seq, State::pending);
      s.journal.count_attempt(entry.seq, err.what());
      tx.commit();
      throw;
    }

    std::lock_guard lock(s.mu);
    store::WriteTransaction tx(s.db);
    switch (out.kind) {
      case Outcome::accepted:
        if (out.adopted) {
          adopt_orphan(ctx, *e, entry, out.server, out.sent);
          break;
        }
        if (e->server_assigned_ids && entry.op == Op::create) map_created(ctx, *e, entry, out.server);
        accept_pushed(ctx, *e, entry, out.server);
        if (entry.op == Op::create && has_update_only_fields(*e)) keep_local_edits(ctx, *e, entry, local, out.server);
        break;
      case Outcome::deleted:
        if (e->server_assigned_ids && out.server.is_object()) map_created(ctx, *e, entry, out.server);
        accept_deleted(ctx, *e, entry);
        break;
      case Outcome::conflict:
        apply_conflict(ctx, *e, entry, out);
        break;
    }
    tx.commit();
  }
  return waited;
}

}  // namespace hse::engine::sync
