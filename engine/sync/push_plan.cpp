#include "engine/sync/push_plan.hpp"

#include <algorithm>

#include "core/planted.hpp"
#include "engine/sync/push_send.hpp"

namespace hse::engine::sync {

using journal::Op;
using journal::State;
using store::SyncState;

namespace {

std::string row_key(const std::string& entity, const std::string& id) { return entity + "/" + id; }

// The rows an entry needs to exist: those its row's reference fields name.
std::vector<std::string> references_of(const schema::Entity& e, const json& row) {
  std::vector<std::string> out;
  if (!row.is_object()) return out;
  for (const auto& f : e.fields) {
    if (f.references.empty() || f.read_only) continue;
    auto v = row.find(f.name);
    if (v != row.end() && v->is_string()) out.push_back(row_key(f.references, v->get<std::string>()));
  }
  return out;
}

// Why the entry cannot be sent yet, or nullopt: it references a row the server
// refused (its create rejected, held or blocked), or a row whose id the server has
// not assigned yet (a comment whose incident is not created there: it would be sent
// to an id that does not exist; `until_created`: another pass may send it).
struct Wait {
  std::string why;
  bool until_created = false;
};
std::optional<Wait> waits_for(SyncContext& ctx, const schema::Entity& e, const json& row) {
  for (const auto& f : e.fields) {
    if (f.references.empty() || f.read_only) continue;
    auto v = row.find(f.name);
    if (v == row.end() || !v->is_string()) continue;
    const schema::Entity& target = schema::entity(f.references);
    auto meta = ctx.s.replica.meta(target, v->get<std::string>());
    if (!meta || meta->base_hash) continue;
    if (meta->state == SyncState::rejected || meta->state == SyncState::blocked || meta->state == SyncState::held)
      return Wait{"depends on a row the server refused"};
    if (target.server_assigned_ids) return Wait{"waits for its " + target.name + " to be created on the server", true};
  }
  return std::nullopt;
}

void mark_blocked(SyncContext& ctx, const journal::Entry& entry, const std::string& why) {
  ctx.s.journal.set_state(entry.seq, State::blocked, why);
  const schema::Entity& e = schema::entity(entry.entity);
  if (auto meta = ctx.s.replica.meta(e, entry.id)) {
    meta->state = SyncState::blocked;
    ctx.s.replica.set_meta(e, entry.id, *meta);
  }
  ctx.stats.blocked++;
}

}  // namespace

PushPlan::PushPlan(SyncContext& ctx, const std::set<int64_t>& failed) : ctx_(ctx) {
  std::lock_guard lock(ctx.s.mu);
  last_seq_ = ctx.s.journal.last_seq();
  for (const auto& entry : ctx.s.journal.list()) {
    const schema::Entity& e = schema::entity(entry.entity);
    Node n;
    n.row = row_key(e.name, entry.id);
    n.changes_existence = entry.op != Op::update;
    n.deletes = entry.op == Op::remove;
    // The rows named by the row here and by its last server version: a child moved to
    // another parent still counts for its old parent, whose delete must not overtake
    // the move (the server's cascade would take the child with it).
    if (entry.op != Op::remove)
      if (auto row = ctx.s.replica.get(e, entry.id)) n.refs = references_of(e, *row);
    if (entry.op != Op::create)
      if (auto base = ctx.s.replica.base(e, entry.id))
        for (auto& r : references_of(e, *base))
          if (std::find(n.refs.begin(), n.refs.end(), r) == n.refs.end()) n.refs.push_back(std::move(r));
    if (entry.state != State::pending) {
      n.stuck = std::string("entry ") + std::to_string(entry.seq) + " is " + journal::to_string(entry.state);
      n.blocks = entry.state != State::in_flight;
    }
    else if (failed.count(entry.seq))  // sent again next round: what waits on it is not blocked
      n.stuck = "entry " + std::to_string(entry.seq) + " failed this round", n.blocks = false;
    else if (planted::active(planted::Bug::retry_waits_for_local_write) &&
             (entry.attempts > 0 || entry.unanswered > 0) && entry.seq == last_seq_)
      n.stuck = "entry " + std::to_string(entry.seq) + " waits for a local write", n.blocks = false;
    else if (ctx.s.conflicts.open_for(e.name, entry.id))
      n.stuck = "the conflict on " + n.row + " waits for the app";
    else
      queue_.push_back(entry.seq);
    index(entry.seq, std::move(n));
  }
}

void PushPlan::index(int64_t seq, Node n) {
  by_row_[n.row].insert(seq);
  for (const auto& r : n.refs) by_ref_[r].insert(seq);
  nodes_[seq] = std::move(n);
}

std::optional<int64_t> PushPlan::blocker(int64_t seq, const Node& n) const {
  std::optional<int64_t> first;
  auto consider = [&](int64_t other) {
    if (other < seq && (!first || other < *first)) first = other;
  };
  if (auto it = by_row_.find(n.row); it != by_row_.end() && !it->second.empty()) {
    const int64_t earliest = *it->second.begin();
    if (!planted::active(planted::Bug::same_row_in_flight) || nodes_.at(earliest).stuck) consider(earliest);
  }
  for (const auto& r : n.refs)
    if (auto it = by_row_.find(r); it != by_row_.end())
      for (int64_t other : it->second) {
        if (other >= seq) break;
        if (nodes_.at(other).changes_existence) {
          consider(other);
          break;
        }
      }
  if (n.deletes)
    if (auto it = by_ref_.find(n.row); it != by_ref_.end() && !it->second.empty()) consider(*it->second.begin());
  if (planted::active(planted::Bug::refusal_blocks_unrelated))
    for (const auto& [other, node] : nodes_) {
      if (other >= seq) break;
      if (node.stuck && node.blocks) consider(other);
    }
  return first;
}

std::optional<int64_t> PushPlan::next_ready() {
  for (size_t i = 0; i < queue_.size();) {
    const int64_t seq = queue_[i];
    auto behind = blocker(seq, nodes_.at(seq));
    if (!behind) {
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
      return seq;
    }
    if (const Node& b = nodes_.at(*behind); b.stuck) {
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
      if (b.blocks) block(seq, *behind);
      else stick(seq, "waits behind entry " + std::to_string(*behind), false);
      continue;  // the entry at i is the next one now
    }
    ++i;  // waits for an entry in flight
  }
  return std::nullopt;
}

void PushPlan::block(int64_t seq, int64_t behind) {
  const std::string why = "waits for entry " + std::to_string(behind);
  stick(seq, why, true);
  std::lock_guard lock(ctx_.s.mu);
  store::WriteTransaction tx(ctx_.s.db, store::Commit::relaxed);  // found again by the next round's plan
  if (auto entry = ctx_.s.journal.get(seq); entry && entry->state == State::pending) mark_blocked(ctx_, *entry, why);
  tx.commit();
}

void PushPlan::finish(int64_t seq) {
  auto it = nodes_.find(seq);
  if (it == nodes_.end()) return;
  by_row_[it->second.row].erase(seq);
  for (const auto& r : it->second.refs) by_ref_[r].erase(seq);
  nodes_.erase(it);
}

void PushPlan::stick(int64_t seq, const std::string& why, bool blocks) {
  if (auto it = nodes_.find(seq); it != nodes_.end()) {
    it->second.stuck = why;
    it->second.blocks = blocks;
  }
}

std::optional<Prepared> PushPlan::prepare(int64_t seq) {
  auto& s = ctx_.s;
  std::lock_guard lock(s.mu);
  auto got = s.journal.get(seq);
  if (!got || got->state != State::pending) {
    // Gone (collapsed into nothing, dropped) or changed state since the plan was made.
    if (got) stick(seq, "entry " + std::to_string(seq) + " is " + journal::to_string(got->state), true);
    else finish(seq);
    return std::nullopt;
  }
  Prepared p;
  p.entry = *got;
  journal::Entry& entry = p.entry;
  p.entity = &schema::entity(entry.entity);
  const schema::Entity& e = *p.entity;
  if (s.conflicts.open_for(e.name, entry.id)) {
    stick(seq, "the conflict on " + e.name + "/" + entry.id + " waits for the app", false);
    return std::nullopt;
  }
  auto row = s.replica.get(e, entry.id);
  // Durable when the retry reads what this records: an update's sent fields, and a
  // server-assigned create's body, both trusted only once the entry is known to be
  // in flight. Had power loss rolled back the mark of another entry, its retry is a
  // plain send: a client-keyed create finds its row by the 409, a delete by the 404.
  const bool retry_reads_it = entry.op == Op::update || (entry.op == Op::create && e.server_assigned_ids);
  store::WriteTransaction tx(s.db, retry_reads_it ? store::Commit::durable : store::Commit::relaxed);
  if (entry.op != Op::remove && !row) {
    // Deleted here while this entry was in flight (the delete became an entry of its
    // own), and the send failed: the delete goes on alone, knowing what was sent.
    if (auto del = s.journal.pending_delete(e.name, entry.id); del && entry.sent.is_object() && entry.op == Op::create)
      s.journal.set_sent(*del, entry.sent);
    s.journal.erase(entry.seq);
    tx.commit();
    finish(seq);
    return std::nullopt;
  }
  if (auto wait = row ? waits_for(ctx_, e, *row) : std::nullopt) {
    mark_blocked(ctx_, entry, wait->why);
    tx.commit();
    stick(seq, wait->why, true);
    waits_for_creation_ = waits_for_creation_ || wait->until_created;
    return std::nullopt;
  }
  if (row) p.local = *row;
  p.base = s.replica.base(e, entry.id).value_or(json());
  p.kind = entry.op == Op::create ? SendKind::create : entry.op == Op::update ? SendKind::update : SendKind::remove;
  if (entry.op == Op::create) p.body = create_body(e, p.local);
  // What is about to be sent is kept in the entry, in the transaction that marks it
  // in flight: if the answer is lost, or the process dies, the retry knows what may
  // have applied, whatever was edited since. A create's body: a server-assigned
  // create's retry looks for exactly that (find_orphan), a client-keyed create's
  // retry tells its own row from a collision by it (the row as it is now may hold
  // edits made since); an update's fields, added to those of earlier attempts (the
  // retry takes them for its own, not a server change). A client-keyed create's body
  // is relaxed: were it rolled back, the retry compares the row as it is now, as
  // before this was kept.
  if (entry.op == Op::create && (entry.unanswered == 0 || !entry.sent.is_object())) {
    s.journal.set_sent(entry.seq, p.body);
    entry.sent = p.body;
  } else if (entry.op == Op::update && entry.patch.is_object()) {
    json sent = entry.sent.is_object() ? entry.sent : json::object();
    for (auto it = entry.patch.begin(); it != entry.patch.end(); ++it) sent[it.key()] = it.value();
    s.journal.set_sent(entry.seq, sent);
  }
  // A delete of a server-assigned row the server never acknowledged: its create
  // was sent (else the two would have collapsed) and may have applied.
  if (entry.op == Op::remove && e.server_assigned_ids && p.base.is_null()) {
    p.kind = SendKind::remove_unmapped;
    p.body = entry.sent.is_object() ? entry.sent : json::object();
  }
  s.journal.set_state(entry.seq, State::in_flight);
  tx.commit();
  return p;
}

}  // namespace hse::engine::sync
