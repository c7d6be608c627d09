#include "engine/sync/push_send.hpp"

#include "core/ids.hpp"
#include "core/planted.hpp"
#include "engine/store/row_codec.hpp"
#include "engine/sync/apply.hpp"

namespace hse::engine::sync {

using journal::Op;
using store::ConflictKind;

namespace {

// True when every field we sent has that value on the server: the create was ours.
bool is_ours(const json& sent, const json& server) {
  for (auto it = sent.begin(); it != sent.end(); ++it) {
    if (it.value().is_null()) continue;
    if (server.value(it.key(), json()) != it.value()) return false;
  }
  return true;
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

Outcome send_create(SyncContext& ctx, const Prepared& p) {
  const schema::Entity& e = *p.entity;
  const journal::Entry& entry = p.entry;
  if (e.server_assigned_ids) {
    // A create that may have applied, or the re-create of a row the server deleted
    // (its id is a server id: a client_wins decision) that another client may have
    // re-created already: looked for first.
    if (entry.unanswered > 0 || !is_uuid(entry.id)) {
      const json& sent = entry.sent.is_object() ? entry.sent : p.body;
      if (!planted::active(planted::Bug::skip_orphan_lookup))
        if (auto found = find_orphan(ctx, e, entry.id, sent)) return Adopted{*found, sent};
      // The earlier attempt never applied: this one is the one that may.
      if (sent != p.body) {
        std::lock_guard lock(ctx.s.mu);
        store::WriteTransaction tx(ctx.s.db);
        ctx.s.journal.set_sent(entry.seq, p.body);
        tx.commit();
      }
    }
    json server = ctx.remote.create(e.name, p.body);
    auto key = server.find(e.key);
    if (key == server.end() || !key->is_string() || key->get_ref<const std::string&>().empty())
      throw Error(Code::server, "the server's answer to a " + e.name + " create has no id");
    return Accepted{std::move(server), {}};
  }
  try {
    return Accepted{ctx.remote.create(e.name, p.body), {}};
  } catch (const Error& err) {
    if (err.code() != Code::conflict) throw;
  }
  // The id exists: our own create applied with its answer lost, or a real collision.
  auto existing = ctx.remote.view(e.name, entry.id);
  if (!existing)
    throw Error(Code::server, "the server refused " + e.name + " " + entry.id + " as a duplicate but has no such row");
  if (is_ours(p.body, *existing)) return Accepted{*existing, {}};
  // An earlier attempt's body: the row was edited here since that attempt applied
  // with its answer lost. The edits are merged over it as over any create found
  // after a lost answer, not mistaken for someone else's row.
  if (entry.sent.is_object() && is_ours(entry.sent, *existing)) return Adopted{*existing, entry.sent};
  return Conflicted{ConflictKind::create_collision, *existing, p.local, nullptr, {}};
}

// A same-field conflict the policy settled during the push is a decision like any
// other: counted, and recorded in history with both sides, so the losing value (the
// server's under client_wins, ours under server_wins) is never lost without a trace.
// It is recorded in its own transaction before the update is sent: whatever becomes
// of the update (its answer lost, the process killed), the decision and the server's
// value it overrides are in history.
void record_decision(SyncContext& ctx, const schema::Entity& e, const journal::Entry& entry, const json& detail) {
  std::lock_guard lock(ctx.s.mu);
  store::WriteTransaction tx(ctx.s.db);
  auto meta = ctx.s.replica.meta(e, entry.id);
  auto row = ctx.s.replica.get(e, entry.id);
  if (meta && row) ctx.s.replica.replace(e, *row, *row, *meta, {store::Origin::conflict, entry.seq, detail});
  ctx.stats.conflicts++;
  tx.commit();
}

Outcome send_update(SyncContext& ctx, const Prepared& p) {
  const schema::Entity& e = *p.entity;
  const journal::Entry& entry = p.entry;
  auto server = ctx.remote.view(e.name, entry.id);
  if (!server) return Conflicted{ConflictKind::update_delete, nullptr, p.local, p.base, {}};
  json patch = entry.patch.is_object() ? entry.patch : json::object();
  // Fields of the patch the server changed too, to another value: the policy decides.
  json server_norm = store::normalize(e, *server);
  // A value an earlier attempt of this entry sent (its answer lost) is ours, not a
  // change made there: the base for that field.
  json base_now = p.base.is_object() ? p.base : json::object();
  if (entry.unanswered > 0 && entry.sent.is_object())
    for (auto it = entry.sent.begin(); it != entry.sent.end(); ++it)
      if (server_norm.value(it.key(), json()) == it.value()) base_now[it.key()] = it.value();
  merge::MergeResult overlap;
  overlap.row = json::object();
  std::vector<std::string> kept;
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (planted::active(planted::Bug::update_ignores_server_changes)) break;
    json b = base_now.value(it.key(), json());
    json r = server_norm.value(it.key(), json());
    if (r != b && r != it.value()) overlap.conflicts.push_back({it.key(), b, it.value(), r});
  }
  if (!overlap.conflicts.empty()) {
    overlap.row = p.local;
    Settlement settled = settle(ctx, e, entry.id, p.base, p.local, server_norm, overlap, ConflictKind::update_update);
    if (!settled.manual.empty()) {
      // The row here carries the edits made after this entry too (its newer entries,
      // which its resolution replaces): a field both sides changed there is the app's
      // to decide as well when its policy leaves it to the app.
      std::vector<std::string> fields = settled.manual;
      for (const auto& f : e.fields) {
        const json& l = p.local.value(f.name, json());
        const json& b = base_now.value(f.name, json());
        const json& r = server_norm.value(f.name, json());
        const merge::Policy policy = ctx.policies.for_field(e.name, f.name);
        if (!f.read_only && l != b && r != b && l != r && !patch.contains(f.name) &&
            (policy == merge::Policy::manual || policy == merge::Policy::callback))
          fields.push_back(f.name);
      }
      return Conflicted{ConflictKind::update_update, server_norm, p.local, p.base, fields};
    }
    for (const auto& c : overlap.conflicts) {
      if (settled.row.value(c.field, json()) == c.remote) {
        patch.erase(c.field);
        kept.push_back(c.field);
      } else {
        patch[c.field] = settled.row[c.field];
      }
    }
    record_decision(ctx, e, entry,
                    {{"conflict", to_string(ConflictKind::update_update)}, {"decisions", settled.decisions},
                     {"base", p.base}, {"local", p.local}, {"remote", server_norm}});
  }
  if (patch.empty()) return Accepted{server_norm, kept};
  try {
    return Accepted{ctx.remote.update_from(e.name, entry.id, patch, *server), kept};
  } catch (const Error& err) {
    if (err.code() != Code::not_found) throw;
  }
  return Conflicted{ConflictKind::update_delete, nullptr, p.local, p.base, {}};
}

Outcome send_unmapped_delete(SyncContext& ctx, const Prepared& p) {
  const schema::Entity& e = *p.entity;
  if (auto found = find_orphan(ctx, e, p.entry.id, p.body)) {
    ctx.remote.remove(e.name, found->at(e.key).get<std::string>(), true);
    return Deleted{*found};
  }
  return Deleted{};
}

Outcome send_delete(SyncContext& ctx, const Prepared& p) {
  const schema::Entity& e = *p.entity;
  auto server = ctx.remote.view(e.name, p.entry.id);
  if (!server) return Deleted{};
  json server_norm = store::normalize(e, *server);
  // Edited on the server since we last saw it: deleting would lose that edit unseen.
  if (p.base.is_object() && !merge::diff_writable(e, server_norm, p.base).empty())
    return Conflicted{ConflictKind::delete_update, server_norm, nullptr, p.base, {}};
  ctx.remote.remove(e.name, p.entry.id, true);
  return Deleted{};
}

// Who a failure is held against (see FailureKind). 429 and 503 are the server
// asking everyone to slow down, not a fault of this entry: they end the round, count
// no attempt, and the scheduler waits for the Retry-After. 403 and the other 4xx are
// about this request. A 5xx or an answer we cannot read may come after the write
// applied: the entry counts it as unanswered, so its retry checks first.
Failure classify(const Error& err, const Prepared& p) {
  Failure f;
  f.message = err.what();
  const auto* remote = dynamic_cast<const RemoteError*>(&err);
  if (remote && remote->http_status() > 0) f.http_status = remote->http_status();
  const int status = f.http_status.value_or(0);
  switch (err.code()) {
    case Code::invalid:
      f.kind = status == 422 ? FailureKind::rejected : FailureKind::entry;
      f.fields = err.fields();
      if (status == 0) f.kind = FailureKind::rejected;  // refused by our own checks before sending
      return f;
    case Code::not_found:
      f.kind = p.kind == SendKind::create && !p.entity->parent.empty() ? FailureKind::parent_gone : FailureKind::entry;
      return f;
    case Code::conflict:
      f.kind = FailureKind::entry;
      return f;
    case Code::auth:
      f.kind = status == 401 || status == 0 ? FailureKind::remote : FailureKind::entry;
      break;
    case Code::server:
      f.kind = FailureKind::entry;
      f.unanswered = true;
      return f;
    case Code::network:
    case Code::timeout:
      f.kind = FailureKind::remote;
      f.unanswered = true;
      break;
    case Code::rate_limited:
    case Code::cancelled:
    case Code::no_remote:
    case Code::busy:
      f.kind = FailureKind::remote;
      break;
    default:
      f.kind = FailureKind::fatal;
      break;
  }
  if (f.kind == FailureKind::remote || f.kind == FailureKind::fatal) f.error = std::current_exception();
  return f;
}

}  // namespace

const char* to_string(FailureKind k) {
  switch (k) {
    case FailureKind::rejected: return "rejected";
    case FailureKind::parent_gone: return "parent_gone";
    case FailureKind::entry: return "entry";
    case FailureKind::remote: return "remote";
    case FailureKind::fatal: return "fatal";
  }
  return "fatal";
}

json create_body(const schema::Entity& e, const json& row) {
  json body = json::object();
  for (const auto& f : e.fields)
    if (!f.read_only && f.in_create && !row.value(f.name, json()).is_null()) body[f.name] = row[f.name];
  return body;
}

Outcome send(SyncContext& ctx, const Prepared& p) {
  try {
    switch (p.kind) {
      case SendKind::create: return send_create(ctx, p);
      case SendKind::update: return send_update(ctx, p);
      case SendKind::remove: return send_delete(ctx, p);
      case SendKind::remove_unmapped: return send_unmapped_delete(ctx, p);
    }
    throw Error(Code::internal, "unknown send kind");
  } catch (const Error& err) {
    return classify(err, p);
  } catch (const std::exception& err) {
    Failure f;
    f.kind = FailureKind::fatal;
    f.message = err.what();
    f.error = std::current_exception();
    return f;
  } catch (...) {
    // Not ours to judge (a test's simulated crash): rethrown on the round's thread.
    Failure f;
    f.kind = FailureKind::fatal;
    f.message = "the send was interrupted";
    f.error = std::current_exception();
    return f;
  }
}

}  // namespace hse::engine::sync
