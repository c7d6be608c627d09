#include "engine/sync/push.hpp"

#include "engine/store/row_codec.hpp"
#include "engine/sync/apply.hpp"
#ifdef HSE_PLANTED_BUGS
#include "engine/core/planted.hpp"
#endif

namespace hse::engine::sync {

using journal::Op;
using journal::State;
using store::SyncState;

namespace {

// The outcome of sending one entry, computed without the lock and applied with it.
struct Outcome {
  enum Kind { accepted, deleted, rejected, conflict, gone_remote, restore_remote, retry } kind = retry;
  json server;                       // the server's row (accepted, restore_remote, conflict)
  json patch;                        // for retry: a rewritten patch (client_wins after a conflict), else null
  std::vector<FieldError> errors;    // rejected
  std::string conflict_kind;         // conflict
  std::vector<std::string> fields;   // conflict
  json local, base;                  // conflict
  std::optional<Op> new_op;          // retry as another op (client_wins: re-create)
  json decided;                      // accepted after the policy settled overlapping fields: both sides
};

std::vector<FieldError> to_fields(const Error& e) { return e.fields(); }

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

// A create's body: the row's writable fields that have a value.
json create_body(const schema::Entity& e, const json& row) {
  json body = json::object();
  for (const auto& f : e.fields)
    if (!f.read_only && !row.value(f.name, json()).is_null()) body[f.name] = row[f.name];
  return body;
}

// The entry depends on a row the server has never accepted (its create rejected or blocked).
bool depends_on_refused(SyncContext& ctx, const schema::Entity& e, const json& row) {
  for (const auto& f : e.fields) {
    if (f.references.empty() || f.read_only) continue;
    auto v = row.find(f.name);
    if (v == row.end() || !v->is_string()) continue;
    auto meta = ctx.s.replica.meta(schema::entity(f.references), v->get<std::string>());
    if (meta && !meta->base_hash && (meta->state == SyncState::rejected || meta->state == SyncState::blocked))
      return true;
  }
  return false;
}

Outcome send_create(SyncContext& ctx, const schema::Entity& e, const std::string& id, const json& body,
                    const json& local) {
  Outcome out;
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

// `decided` gets the policy's settlement of overlapping fields as soon as it is made,
// so that it is recorded even when the update's answer is then lost.
Outcome send_update(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& base,
                    const json& local, json& decided) {
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
  merge::MergeResult overlap;
  overlap.row = json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    json b = base.is_object() ? base.value(it.key(), json()) : json();
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
    out.decided = {{"conflict", "update_update"}, {"decisions", settled.decisions}, {"base", base},
                   {"local", local}, {"remote", server_norm}};
    decided = out.decided;
  }
  if (patch.empty()) {
    out.kind = Outcome::accepted;
    out.server = server_norm;
    return out;
  }
  try {
    out.server = ctx.remote.update(e.name, entry.id, patch);
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
    } else {
      // Client wins: the row comes back on the server with the same id.
      s.journal.erase(entry.seq);
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

}  // namespace

void push(SyncContext& ctx) {
  auto& s = ctx.s;
  {
    // Blocked entries are looked at again: their blocker may be fixed or dropped.
    std::lock_guard lock(s.mu);
    store::storage_call("unblock journal", [&] { s.db.exec("UPDATE journal SET state = 'pending' WHERE state = 'blocked'"); });
  }
  ctx.emit({{"type", "phase"}, {"phase", "push"}});
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
      if (entry.op != Op::remove && !row) continue;  // cannot happen: collapsing removes such entries
      store::WriteTransaction tx(s.db);
      if (row && depends_on_refused(ctx, *e, *row)) {
        s.journal.set_state(entry.seq, State::blocked, "depends on a row the server refused");
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
      s.journal.set_state(entry.seq, State::in_flight);
      tx.commit();
    }

    Outcome out;
    json decided;
    try {
      if (entry.op == Op::create) out = send_create(ctx, *e, entry.id, body, local);
      else if (entry.op == Op::update) out = send_update(ctx, *e, entry, base, local, decided);
      else out = send_delete(ctx, *e, entry, base);
    } catch (const Error& err) {
      std::lock_guard lock(s.mu);
      store::WriteTransaction tx(s.db);
      if (err.code() == Code::invalid) {
        // The server refused the write: kept, with its reasons, until fixed or dropped.
        s.journal.set_state(entry.seq, State::rejected, err.what(), errors_json(to_fields(err)));
        if (auto meta = s.replica.meta(*e, entry.id)) {
          meta->state = SyncState::rejected;
          s.replica.set_meta(*e, entry.id, *meta);
        }
        tx.commit();
        ctx.stats.rejected++;
        ctx.emit({{"type", "rejected"}, {"entity", e->name}, {"id", entry.id}, {"seq", entry.seq},
                  {"errors", errors_json(to_fields(err))}});
        continue;
      }
#ifdef HSE_PLANTED_BUGS
      if (planted::active(planted::Bug::lost_create_not_retried) && entry.op == Op::create &&
          (err.code() == Code::network || err.code() == Code::timeout)) {
        accept_pushed(ctx, *e, entry, local);
        tx.commit();
        continue;
      }
#endif
      if (!decided.is_null()) record_decision(ctx, *e, entry, decided);  // taken, whatever became of the update
      s.journal.set_state(entry.seq, State::pending);
      s.journal.count_attempt(entry.seq, err.what());
      tx.commit();
      throw;
    }

    std::lock_guard lock(s.mu);
    store::WriteTransaction tx(s.db);
    switch (out.kind) {
      case Outcome::accepted:
        if (!out.decided.is_null()) record_decision(ctx, *e, entry, out.decided);
        accept_pushed(ctx, *e, entry, out.server);
        break;
      case Outcome::deleted:
        accept_deleted(ctx, *e, entry);
        break;
      case Outcome::conflict:
        apply_conflict(ctx, *e, entry, out);
        break;
      default:
        s.journal.set_state(entry.seq, State::pending);
        break;
    }
    tx.commit();
  }
}

}  // namespace hse::engine::sync
