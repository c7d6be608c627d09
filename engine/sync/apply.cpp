#include "engine/sync/apply.hpp"

#include "engine/store/row_codec.hpp"
#include "core/abort_point.hpp"
#include "core/planted.hpp"

#include <algorithm>

namespace hse::engine::sync {

using journal::Op;
using store::Origin;
using store::RowMeta;
using store::SyncState;

namespace {

json conflict_json(const schema::Entity& e, const std::string& id, ConflictKind kind, const json& base,
                   const json& local, const json& remote, const std::vector<std::string>& fields) {
  return {{"entity", e.name}, {"id", id},         {"kind", to_string(kind)},  {"base", base},
          {"local", local},   {"remote", remote}, {"fields", fields}};
}

// The resolver's answer as a row (taking `local` or `remote` or its own row), or nullopt.
std::optional<json> ask_resolver(SyncContext& ctx, const json& conflict, const json& local, const json& remote) {
  std::optional<json> answer = ctx.ask_resolver(conflict);
  if (!answer || !answer->is_object()) return std::nullopt;
  if (answer->value("take", "") == "local") return local;
  if (answer->value("take", "") == "remote") return remote;
  if (answer->contains("row") && (*answer)["row"].is_object()) return (*answer)["row"];
  return std::nullopt;
}

// Pending entries of the row after `seq` (edits made while `seq` was in flight).
std::vector<journal::Entry> newer_entries(SyncContext& ctx, const std::string& entity, const std::string& id,
                                          int64_t seq) {
  std::vector<journal::Entry> out;
  for (auto next = ctx.s.journal.next(seq); next; next = ctx.s.journal.next(next->seq))
    if (next->entity == entity && next->id == id) out.push_back(*next);
  return out;
}

}  // namespace

json RoundStats::to_json() const {
  return {{"pushed", pushed},   {"mapped", mapped},       {"rejected", rejected}, {"blocked", blocked}, {"held", held}, {"failed", failed}, {"conflicts", conflicts},
          {"pulled", pulled},   {"unchanged", unchanged}, {"deleted", deleted}, {"pages", pages}};
}

Settlement settle(SyncContext& ctx, const schema::Entity& e, const std::string& id, const json& base, const json& local,
                  const json& remote, const merge::MergeResult& merged, ConflictKind kind) {
  Settlement out{merged.row, {}, json::object()};
  std::vector<std::string> for_resolver;
  for (const auto& c : merged.conflicts) {
    switch (ctx.policies.for_field(e.name, c.field)) {
      case merge::Policy::merge:
      case merge::Policy::server_wins:
        out.row[c.field] = c.remote;
        out.decisions[c.field] = "remote";
        break;
      case merge::Policy::client_wins:
        out.row[c.field] = c.local;
        out.decisions[c.field] = "local";
        break;
      case merge::Policy::manual:
        out.manual.push_back(c.field);
        break;
      case merge::Policy::callback:
        for_resolver.push_back(c.field);
        break;
    }
  }
  if (!for_resolver.empty()) {
    auto chosen = ask_resolver(ctx, conflict_json(e, id, kind, base, local, remote, for_resolver), local, remote);
    for (const auto& f : for_resolver) {
      if (chosen) {
        out.row[f] = chosen->value(f, json());
        out.decisions[f] = "resolver";
      } else {
        out.manual.push_back(f);
      }
    }
  }
  return out;
}

const char* to_string(Decision d) {
  switch (d) {
    case Decision::local: return "local";
    case Decision::remote: return "remote";
    case Decision::manual: return "manual";
  }
  return "manual";
}

Decision decide_row(SyncContext& ctx, const schema::Entity& e, const std::string& id, ConflictKind kind,
                    const json& base, const json& local, const json& remote) {
  switch (ctx.policies.for_row(e.name)) {
    case merge::Policy::merge:
    case merge::Policy::server_wins:
      return Decision::remote;
    case merge::Policy::client_wins:
      return Decision::local;
    case merge::Policy::manual:
      return Decision::manual;
    case merge::Policy::callback: {
      auto answer = ctx.ask_resolver(conflict_json(e, id, kind, base, local, remote, {}));
      if (answer && answer->is_object()) {
        std::string take = answer->value("take", "");
        if (take == "local") return Decision::local;
        if (take == "remote") return Decision::remote;
      }
      return Decision::manual;
    }
  }
  return Decision::remote;
}

void record_conflict(SyncContext& ctx, const schema::Entity& e, const std::string& id, ConflictKind kind,
                     const json& base, const json& local, const json& remote, const std::vector<std::string>& fields,
                     std::optional<int64_t> journal_seq) {
  store::Conflict c;
  c.conflict_id = ctx.s.random->uuid4();
  c.entity = e.name;
  c.id = id;
  c.kind = kind;
  c.base = base;
  c.local = local;
  c.remote = remote;
  c.fields = fields;
  c.journal_seq = journal_seq;
  c.created_at = ctx.s.replica.now();
  ctx.s.conflicts.add(c);
  if (auto m = ctx.s.replica.meta(e, id)) {
    m->state = SyncState::conflict;
    ctx.s.replica.set_meta(e, id, *m);
  }
  ctx.stats.conflicts++;
  ctx.emit({{"type", "conflict"}, {"conflict_id", c.conflict_id}, {"entity", e.name}, {"id", id}, {"kind", to_string(kind)}});
}

namespace {

// The row's older update entries (one whose answer was lost, one held) go before its
// newest: a field they carry that the merged row no longer differs on from the server
// must not go, or a stale value of ours would overwrite the server's, which the row
// now has (a decision for the server, or a later edit of ours back to its value).
// Rejected entries wait for the app and are left as they are.
void strip_older_entries(ReplicaState& s, const schema::Entity& e, const std::string& id, int64_t newest,
                         const json& patch) {
  for (const auto& older : s.journal.list({std::nullopt, e.name, id})) {
    if (older.seq >= newest || older.op != Op::update || !older.patch.is_object() ||
        older.state == journal::State::rejected || older.state == journal::State::in_flight)
      continue;
    json kept = json::object();
    for (auto it = older.patch.begin(); it != older.patch.end(); ++it)
      if (patch.contains(it.key())) kept[it.key()] = it.value();
    if (kept.size() == older.patch.size()) continue;
    if (kept.empty()) s.journal.erase(older.seq);
    else s.journal.set_patch(older.seq, kept);
  }
}

}  // namespace

Applied apply_server_row(SyncContext& ctx, const schema::Entity& e, const json& server_in) {
  // Hashed straight from the row (the same hash as over its normalized copy).
  thread_local store::CanonicalRow canonical;
  store::canonical_row(e, server_in, canonical);
  return apply_server_row(ctx, e, canonical);
}

Applied apply_server_row(SyncContext& ctx, const schema::Entity& e, const store::CanonicalRow& canonical) {
  auto& s = ctx.s;
  const size_t key = size_t(e.field(e.key) - e.fields.data());
  if (canonical.values[key].kind != store::CanonicalRow::Kind::string) return Applied::skipped;
  const std::string id(canonical.string(key));
  // An unchanged row, most of a re-sync, is never built.
  auto meta = s.replica.meta(e, id);
  if (meta && meta->base_hash && canonical.hashes_to(*meta->base_hash)) return Applied::unchanged;
  const std::string hash = canonical.hash();
  const json server = canonical.normalized(e);
  if (!meta) {
    // Deleted here and not pushed yet: the push decides (delete against a remote edit).
    if (s.journal.pending_delete(e.name, id)) return Applied::skipped;
    RowMeta m;
    m.base_hash = hash;
    s.replica.insert(e, server, m, {Origin::pull, std::nullopt, nullptr});
    return Applied::inserted;
  }
  json local = *s.replica.get(e, id);
  if (!meta->journal_seq && meta->state == SyncState::synced) {
    meta->base_hash = hash;
    s.replica.replace(e, local, server, *meta, {Origin::pull, std::nullopt, nullptr});
    return Applied::updated;
  }
  auto entry = meta->journal_seq ? s.journal.get(*meta->journal_seq) : std::nullopt;
  if (entry && entry->state == journal::State::in_flight) return Applied::skipped;
  if (s.conflicts.open_for(e.name, id)) {
    // Left to the app already: keep both versions as they are until it decides, but
    // let the conflict see the server's newest row.
    return Applied::skipped;
  }

  if (planted::active(planted::Bug::base_before_merge)) s.replica.save_base(e, id, server);
  json base = s.replica.base(e, id).value_or(json());
  auto merged = merge::three_way(e, base, local, server);
  Settlement settled = settle(ctx, e, id, base, local, server, merged, ConflictKind::update_update);
  json row = settled.row;
  json patch = merge::diff_writable(e, row, server);

  s.replica.save_base(e, id, server);
  meta->base_hash = hash;
  if (entry) {
    strip_older_entries(s, e, id, entry->seq, patch);
    if (patch.empty()) {
      s.journal.erase(entry->seq);
      meta->journal_seq.reset();
    } else if (entry->op == Op::create) {
      // The server has the row already (a create applied whose answer was lost):
      // what is left to push is an update.
      s.journal.erase(entry->seq);
      meta->journal_seq = s.journal.record(e.name, id, Op::update, patch, false, std::nullopt, s.replica.now());
    } else {
      s.journal.set_patch(entry->seq, patch);
    }
  }
  if (!meta->journal_seq) {
    meta->state = SyncState::synced;
    s.replica.drop_base(e, id);
  } else if (meta->state == SyncState::synced) {
    meta->state = SyncState::pending;
  }
  json detail = {{"base", base}, {"local", local}, {"remote", server}, {"decisions", settled.decisions}};
  Origin origin = merged.conflicts.empty() ? Origin::merge : Origin::conflict;
  // A decision is recorded even when it keeps the row as it is here (every field
  // both sides changed went to ours): the server's values it overrides are in its
  // detail, and nowhere else once the push writes over them.
  if (row != local || !settled.decisions.empty())
    s.replica.replace(e, local, row, *meta, {origin, meta->journal_seq, detail});
  else s.replica.set_meta(e, id, *meta);
  if (!settled.manual.empty()) {
    record_conflict(ctx, e, id, ConflictKind::update_update, base, local, server, settled.manual, meta->journal_seq);
    return Applied::conflict;
  }
  return Applied::merged;
}

Applied apply_new_server_row(SyncContext& ctx, const schema::Entity& e, const store::CanonicalRow& row) {
  const size_t key = size_t(e.field(e.key) - e.fields.data());
  if (row.values[key].kind != store::CanonicalRow::Kind::string) return Applied::skipped;
  // Bound from its canonical form: no normalized copy, no second dump of its JSON fields.
  RowMeta m;
  m.version = 1;
  m.base_hash = row.hash();
  if (ctx.s.replica.insert_new(e, row, m, {Origin::pull, std::nullopt, nullptr})) return Applied::inserted;
  return apply_server_row(ctx, e, row);
}

void accept_pushed(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& server_in,
                   const std::vector<std::string>& kept_by_server) {
  auto& s = ctx.s;
  const json server = store::normalize(e, server_in);
  const std::string hash = store::content_hash(e, server);
  auto meta = s.replica.meta(e, entry.id);
  // Only a row whose newest entry (meta.journal_seq) comes after this one was edited
  // while it was pushed; scanning the journal for every pushed entry made a push of
  // n entries O(n^2) (10,000 creates: minutes).
  std::vector<journal::Entry> later;
  if (meta && meta->journal_seq && *meta->journal_seq > entry.seq)
    later = newer_entries(ctx, e.name, entry.id, entry.seq);
  s.journal.erase(entry.seq);
  abort_point::reach(abort_point::Point::push_applying);
  if (!meta) {
    // Deleted here while the push ran: the pending delete compares against this version.
    s.replica.save_base(e, entry.id, server);
    return;
  }
  json local = *s.replica.get(e, entry.id);
  json row = server;
  if (!later.empty()) {
    for (const auto& next : later)
      if (next.patch.is_object())
        for (auto it = next.patch.begin(); it != next.patch.end(); ++it) row[it.key()] = local.value(it.key(), json());
    // The later edits were made against the old base, not against this answer: the
    // new base takes the server's values only where this entry wrote (and the
    // read-only fields), so that the later push still sees what someone else changed
    // there meanwhile as a change, and its policy decides, instead of writing over it.
    json new_base = server;
    auto old_base = entry.op == Op::update && entry.patch.is_object() ? s.replica.base(e, entry.id) : std::nullopt;
    if (old_base) {
      new_base = store::normalize(e, *old_base);
      const json written = store::normalize(e, entry.patch);
      for (const auto& f : e.fields) {
        if (f.read_only || entry.patch.contains(f.name)) new_base[f.name] = server[f.name];
        // Where the policy kept the server's value, the later edits were still made
        // against ours: that is their base, so the server's value meets them as a
        // change, and the policy decides again instead of being overwritten unseen.
        if (std::find(kept_by_server.begin(), kept_by_server.end(), f.name) != kept_by_server.end())
          new_base[f.name] = written.value(f.name, json());
      }
    }
    s.replica.save_base(e, entry.id, new_base);
    meta->state = meta->state == SyncState::synced ? SyncState::pending : meta->state;
  } else {
    s.replica.drop_base(e, entry.id);
    meta->journal_seq.reset();
    meta->state = SyncState::synced;
  }
  meta->base_hash = hash;
  if (row != local) s.replica.replace(e, local, row, *meta, {Origin::push, entry.seq, nullptr});
  else s.replica.set_meta(e, entry.id, *meta);
  ctx.stats.pushed++;
}

void accept_deleted(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry) {
  ctx.s.journal.erase(entry.seq);
  ctx.s.replica.drop_base(e, entry.id);
  ctx.stats.pushed++;
}

void remove_locally(SyncContext& ctx, const schema::Entity& e, const std::string& id, Origin origin,
                    const json& detail) {
  auto& s = ctx.s;
  auto row = s.replica.get(e, id);
  if (!row) return;
  // Children go with it, as on the server.
  for (const auto& other : schema::entities())
    if (other.parent == e.name)
      for (const auto& child : s.replica.children(other, other.parent_field, id))
        remove_locally(ctx, other, child, origin, detail);
  auto meta = *s.replica.meta(e, id);
  if (meta.journal_seq) {
    if (auto entry = s.journal.get(*meta.journal_seq); entry && entry->state != journal::State::in_flight) {
      s.journal.erase(entry->seq);
      // A local change the server can no longer take (the row, or its parent, is gone
      // there): never silently. The row's history keeps it, and the app is told.
      ctx.emit({{"type", "discarded"}, {"entity", e.name}, {"id", id}, {"op", journal::to_string(entry->op)},
                {"row", *row}, {"reason", "the row or its parent was deleted on the server"}});
    }
  }
  s.replica.drop_base(e, id);
  s.replica.remove(e, *row, meta, {origin, std::nullopt, detail});
  ctx.stats.deleted++;
}

}  // namespace hse::engine::sync
