#include "engine/sync/push_apply.hpp"

#include <set>

#include "core/planted.hpp"
#include "engine/store/row_codec.hpp"
#include "engine/sync/apply.hpp"

namespace hse::engine::sync {

using journal::Op;
using journal::State;
using store::ConflictKind;
using store::SyncState;

namespace {

json errors_json(const std::vector<FieldError>& fields) {
  json out = json::array();
  for (const auto& f : fields) out.push_back({{"field", f.field}, {"message", f.message}});
  return out;
}

bool has_update_only_fields(const schema::Entity& e) {
  for (const auto& f : e.fields)
    if (!f.in_create) return true;
  return false;
}

void set_row_state(SyncContext& ctx, const schema::Entity& e, const std::string& id, SyncState state) {
  if (auto meta = ctx.s.replica.meta(e, id)) {
    meta->state = state;
    ctx.s.replica.set_meta(e, id, *meta);
  }
}

// Settles a whole-row conflict from the push by the entity's policy, or leaves it to the app.
void apply_conflict(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const Conflicted& out) {
  auto& s = ctx.s;
  const Decision decision = out.kind == ConflictKind::update_update
                                ? Decision::manual
                                : decide_row(ctx, e, entry.id, out.kind, out.base, out.local, out.server);
  if (decision == Decision::manual) {
    s.journal.set_state(entry.seq, State::pending);
    record_conflict(ctx, e, entry.id, out.kind, out.base, out.local, out.server, out.fields, entry.seq);
    return;
  }
  json detail = {{"conflict", to_string(out.kind)}, {"decision", to_string(decision)}, {"local", out.local},
                 {"remote", out.server}};
  switch (out.kind) {
    case ConflictKind::update_delete:
      if (decision == Decision::remote) {
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
      break;
    case ConflictKind::delete_update:
      s.journal.erase(entry.seq);
      if (decision == Decision::remote) {
        s.replica.drop_base(e, entry.id);
        store::RowMeta m;
        m.base_hash = store::content_hash(e, out.server);
        s.replica.insert(e, out.server, m, {store::Origin::conflict, entry.seq, detail});
      } else {
        s.replica.save_base(e, entry.id, out.server);  // the retried delete checks against the newest row
        s.journal.record(e.name, entry.id, Op::remove, nullptr, true, std::nullopt, s.replica.now());
        // The server's edit this delete overrides is in history, like every decision.
        s.replica.record_on_tombstone(e, entry.id, {store::Origin::conflict, entry.seq, detail});
      }
      break;
    case ConflictKind::create_collision: {
      // The decision covers the whole row as it is here (`out.local`), edits made
      // while the create was in flight included: their entries go with it, or they
      // would be sent afterwards over whichever side the decision kept.
      s.journal.erase_row(e.name, entry.id);
      auto meta = *s.replica.meta(e, entry.id);
      // The row now, not as prepare took it: an edit made while the create was in
      // flight is the version this one closes, and is the local side.
      const json local = s.replica.get(e, entry.id).value_or(out.local);
      detail["local"] = local;
      if (decision == Decision::remote) {
        meta.journal_seq.reset();
        meta.state = SyncState::synced;
        meta.base_hash = store::content_hash(e, out.server);
        s.replica.replace(e, local, store::normalize(e, out.server), meta, {store::Origin::conflict, entry.seq, detail});
        break;
      }
      // Client wins: what differs is pushed as an update of the server's row.
      json patch = merge::diff_writable(e, local, out.server);
      meta.journal_seq = s.journal.record(e.name, entry.id, Op::update, patch, false, std::nullopt, s.replica.now());
      meta.base_hash = store::content_hash(e, out.server);
      s.replica.save_base(e, entry.id, out.server);
      // Recorded in history, like every decision: the server's version it overrides is in `detail`.
      if (auto row = s.replica.get(e, entry.id))
        s.replica.replace(e, *row, *row, meta, {store::Origin::conflict, entry.seq, detail});
      else
        s.replica.set_meta(e, entry.id, meta);
      break;
    }
    case ConflictKind::update_update:
      break;  // always manual here: the send settled what the policies could
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
// the server's id (a client-keyed row has it already), and then it is merged like any row the server has while edits
// are pending here: three ways, with the row as created here (what the lost attempt
// sent) as the base, so that edits made here since and edits someone made there
// since both survive, and a field both changed goes to the conflict policy
// (apply_server_row). What is left to push becomes an update.
void adopt_orphan(SyncContext& ctx, const schema::Entity& e, journal::Entry& entry, const json& server,
                  const json& sent) {
  auto& s = ctx.s;
  if (e.server_assigned_ids) map_created(ctx, e, entry, server);
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
    for (const auto& next : s.journal.list({.entity = e.name, .id = id}))
      if (next.seq > entry.seq && next.patch.is_object())
        for (auto it = next.patch.begin(); it != next.patch.end(); ++it) edited_since.insert(it.key());
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

After apply_failure(SyncContext& ctx, Prepared& p, const Failure& f) {
  auto& s = ctx.s;
  const schema::Entity& e = *p.entity;
  const journal::Entry& entry = p.entry;
  switch (f.kind) {
    case FailureKind::parent_gone:
      // A create under a parent the server no longer has (a comment on an incident
      // deleted there) waits: the parent may come back under a new id in this round (a
      // client_wins re-create, then another pass sends it), or the pull removes the
      // parent and it goes with it (a "discarded" event tells the app).
      s.journal.set_state(entry.seq, State::blocked, "its " + e.parent + " is gone on the server");
      set_row_state(ctx, e, entry.id, SyncState::blocked);
      ctx.stats.blocked++;
      return After::waits;
    case FailureKind::rejected:
      // The server refused the write: kept, with its reasons, until fixed, retried or dropped.
      s.journal.set_state(entry.seq, State::rejected, f.message, errors_json(f.fields));
      s.journal.record_failure(entry.seq, State::rejected, f.message, f.http_status, false, false);
      set_row_state(ctx, e, entry.id, SyncState::rejected);
      ctx.stats.rejected++;
      ctx.emit({{"type", "rejected"}, {"entity", e.name}, {"id", entry.id}, {"seq", entry.seq},
                {"errors", errors_json(f.fields)}});
      return After::waits;
    case FailureKind::entry: {
      // This entry's own failure: counted against it alone; at max_attempts it is held,
      // and the push goes on with the entries that do not depend on it.
      const bool hold = entry.attempts + 1 >= ctx.push.max_attempts;
      s.journal.record_failure(entry.seq, hold ? State::held : State::pending, f.message, f.http_status, true,
                               f.unanswered);
      ctx.stats.failed++;
      if (!ctx.entry_failure) ctx.entry_failure = f.message;
      if (f.unanswered && p.kind == SendKind::create && e.server_assigned_ids && !hold) ctx.orphan_possible = true;
      if (hold) {
        set_row_state(ctx, e, entry.id, SyncState::held);
        ctx.stats.held++;
        ctx.emit({{"type", "held"}, {"entity", e.name}, {"id", entry.id}, {"seq", entry.seq},
                  {"attempts", entry.attempts + 1},
                  {"status", f.http_status ? json(*f.http_status) : json()}, {"error", f.message}});
      }
      return hold ? After::held : After::failed;
    }
    case FailureKind::remote:
      if (planted::active(planted::Bug::lost_create_not_retried) && f.unanswered && p.kind == SendKind::create) {
        accept_pushed(ctx, e, entry, p.local);
        return After::done;
      }
      // Not this entry's fault: no attempt counted; unanswered when it may have applied.
      s.journal.record_failure(entry.seq, State::pending, f.message, f.http_status, false, f.unanswered);
      return After::stop;
    case FailureKind::fatal:
      // Left in flight, as a crash would leave it: the next round takes it up as unanswered.
      return After::stop;
  }
  return After::stop;
}

}  // namespace

After apply(SyncContext& ctx, Prepared& p, const Outcome& outcome) {
  const schema::Entity& e = *p.entity;
  journal::Entry& entry = p.entry;
  if (const auto* a = std::get_if<Accepted>(&outcome)) {
    if (e.server_assigned_ids && entry.op == Op::create) map_created(ctx, e, entry, a->server);
    accept_pushed(ctx, e, entry, a->server, a->kept_by_server);
    if (entry.op == Op::create && has_update_only_fields(e)) keep_local_edits(ctx, e, entry, p.local, a->server);
    return After::done;
  }
  if (const auto* a = std::get_if<Adopted>(&outcome)) {
    adopt_orphan(ctx, e, entry, a->server, a->sent);
    return After::done;
  }
  if (const auto* d = std::get_if<Deleted>(&outcome)) {
    if (e.server_assigned_ids && d->orphan.is_object()) map_created(ctx, e, entry, d->orphan);
    accept_deleted(ctx, e, entry);
    return After::done;
  }
  if (const auto* c = std::get_if<Conflicted>(&outcome)) {
    apply_conflict(ctx, e, entry, *c);
    // A conflict left to the app keeps the entry (and the row's later entries) back.
    return ctx.s.conflicts.open_for(e.name, entry.id) ? After::left_to_app : After::done;
  }
  return apply_failure(ctx, p, std::get<Failure>(outcome));
}

}  // namespace hse::engine::sync
