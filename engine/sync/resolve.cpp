#include "engine/sync/resolve.hpp"

#include "engine/store/row_codec.hpp"
#include "engine/sync/apply.hpp"
#include "schema/validate.hpp"

#include <algorithm>

namespace hse::engine::sync {

using journal::Op;
using store::Origin;
using store::SyncState;

namespace {

// Points the row's journal at `op`/`patch` (or at nothing), and its state to match.
// The resolved row is the whole of what is left to push: every entry of the row not
// in flight goes, not only the newest. An older entry left behind (the one the
// conflict was raised for, with edits made after it) would be sent after the
// resolution and write its stale value over both sides.
void rewrite_entry(SyncContext& ctx, const schema::Entity& e, const std::string& id, std::optional<Op> op,
                   const json& patch, bool cascade = false) {
  auto& s = ctx.s;
  for (const auto& entry : s.journal.list({std::nullopt, e.name, id}))
    if (entry.state != journal::State::in_flight) s.journal.erase(entry.seq);
  std::optional<int64_t> seq;
  if (op) seq = s.journal.record(e.name, id, *op, patch, cascade, std::nullopt, s.replica.now());
  if (auto meta = s.replica.meta(e, id)) {
    meta->journal_seq = seq;
    meta->state = seq ? SyncState::pending : SyncState::synced;
    s.replica.set_meta(e, id, *meta);
  }
}

}  // namespace

void resolve_conflict(SyncContext& ctx, const std::string& conflict_id, const json& resolution) {
  auto& s = ctx.s;
  auto c = s.conflicts.get(conflict_id);
  if (!c || c->resolved_at) throw Error(Code::not_found, "no open conflict " + conflict_id);
  if (!resolution.is_object()) schema::raise_if_any({{"resolution", "must be a JSON object"}});
  std::string take = resolution.value("take", "");
  json custom = resolution.value("row", json());
  if (take.empty() && custom.is_object()) take = "row";
  if (take != "local" && take != "remote" && take != "row")
    schema::raise_if_any({{"take", "must be local or remote, or give a row"}});
  const schema::Entity& e = schema::entity(c->entity);
  const std::string& id = c->id;
  auto meta = s.replica.meta(e, id);
  auto local = s.replica.get(e, id);
  json remote = c->remote.is_object() ? store::normalize(e, c->remote) : json();
  json detail = {{"conflict_id", conflict_id}, {"kind", to_string(c->kind)}, {"take", take}, {"local", c->local}, {"remote", c->remote}};
  auto seq = meta ? meta->journal_seq : s.journal.pending_delete(e.name, id);

  if ((c->kind == ConflictKind::update_update || c->kind == ConflictKind::create_collision) && !local &&
      take != "row") {
    // Deleted here while the conflict was open (its delete waits behind it): "local"
    // keeps that delete, "remote" drops it and brings the server's version back.
    bool parents_here = true;  // a parent deleted here too takes the row with it
    for (const auto& f : e.fields)
      if (!f.references.empty() && !f.read_only && remote.value(f.name, json()).is_string())
        parents_here = parents_here && s.replica.get(schema::entity(f.references), remote[f.name].get<std::string>());
    if (take == "remote" && remote.is_object() && parents_here) {
      if (seq) s.journal.erase(*seq);
      s.replica.drop_base(e, id);
      store::RowMeta m;
      m.base_hash = store::content_hash(e, remote);
      s.replica.insert(e, remote, m, {Origin::resolution, seq, detail});
    }
  } else if (c->kind == ConflictKind::update_update || c->kind == ConflictKind::create_collision) {
    if (!local) throw Error(Code::conflict, "the row of conflict " + conflict_id + " is gone");
    json row = *local;
    if (c->kind == ConflictKind::update_update && remote.is_object()) {
      // Start from the server's row, so its read-only fields and the fields only it
      // changed are kept (the pull skipped the row while the conflict was open, and the
      // base becomes `remote` below); the fields changed here since the base stay ours.
      json base = c->base.is_object() ? store::normalize(e, c->base) : json::object();
      row = remote;
      json decided = json::object();
      for (const auto& f : e.fields) {
        const json& l = local->value(f.name, json());
        const json& b = base.value(f.name, json());
        if (f.read_only || l == b) continue;
        row[f.name] = l;
        // The conflict's own fields are the app's choice (`take`, below), whatever
        // their policy is now. A field the server changed too, outside them, is not:
        // its policy decides, as a push would have.
        if (std::find(c->fields.begin(), c->fields.end(), json(f.name)) != c->fields.end()) continue;
        if (remote.value(f.name, json()) == b || remote.value(f.name, json()) == l) continue;
        const merge::Policy policy = ctx.policies.for_field(e.name, f.name);
        const bool server_side = policy == merge::Policy::server_wins || policy == merge::Policy::merge;
        decided[f.name] = server_side ? "remote" : "local";
        if (server_side) row[f.name] = remote.value(f.name, json());
      }
      // Recorded as the push records a policy's decision: the losing side is in history.
      if (!decided.empty() && meta) {
        s.replica.replace(e, *local, *local, *meta,
                          {Origin::conflict, seq,
                           {{"conflict", to_string(c->kind)}, {"decisions", decided}, {"base", base},
                            {"local", *local}, {"remote", remote}}});
        meta = s.replica.meta(e, id);
      }
    }
    if (c->kind == ConflictKind::create_collision && take == "remote") row = remote;
    for (const auto& f : c->fields) {
      const std::string name = f.get<std::string>();
      if (take == "remote") row[name] = remote.value(name, json());
      if (take == "row") row[name] = custom.value(name, (*local)[name]);
    }
    if (take == "row") {
      auto errors = schema::check_update(e, merge::diff_writable(e, row, *local), *local);
      schema::raise_if_any(std::move(errors));
    }
    // The server's version is the new base: what differs from it is pushed.
    s.replica.save_base(e, id, remote);
    auto m = *meta;
    m.base_hash = store::content_hash(e, remote);
    s.replica.set_meta(e, id, m);
    if (row != *local) {
      m.version = s.replica.meta(e, id)->version;
      s.replica.replace(e, *local, row, m, {Origin::resolution, seq, detail});
    }
    json patch = merge::diff_writable(e, row, remote);
    rewrite_entry(ctx, e, id, patch.empty() ? std::nullopt : std::optional<Op>(Op::update), patch);
    if (patch.empty()) s.replica.drop_base(e, id);
  } else if (c->kind == ConflictKind::update_delete) {
    if (take == "remote") {
      if (seq) s.journal.erase(*seq);
      remove_locally(ctx, e, id, Origin::resolution, detail);
    } else {
      s.replica.drop_base(e, id);
      if (meta) {
        auto m = *meta;
        m.base_hash.reset();
        s.replica.set_meta(e, id, m);
      }
      rewrite_entry(ctx, e, id, Op::create, nullptr);
    }
  } else if (c->kind == ConflictKind::delete_update) {
    if (take == "remote") {
      if (seq) s.journal.erase(*seq);
      s.replica.drop_base(e, id);
      store::RowMeta m;
      m.base_hash = store::content_hash(e, remote);
      if (!local) s.replica.insert(e, remote, m, {Origin::resolution, seq, detail});
    } else {
      s.replica.save_base(e, id, remote);
      if (seq) s.journal.erase(*seq);
      s.journal.record(e.name, id, Op::remove, nullptr, true, std::nullopt, s.replica.now());
    }
  }
  s.conflicts.resolve(conflict_id, resolution, s.replica.now());
}

}  // namespace hse::engine::sync
