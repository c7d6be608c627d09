#include "engine/sync/stuck_entries.hpp"

#include "core/error.hpp"
#include "engine/store/row_codec.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::sync {

using journal::State;
using store::SyncState;

namespace {

Error no_entry(int64_t seq) { return Error(Code::not_found, "no journal entry " + std::to_string(seq)); }

void set_row_pending(ReplicaState& s, const journal::Entry& entry) {
  const schema::Entity& e = schema::entity(entry.entity);
  if (auto meta = s.replica.meta(e, entry.id); meta && meta->state != SyncState::conflict) {
    meta->state = SyncState::pending;
    s.replica.set_meta(e, entry.id, *meta);
  }
}

// The row's entries, refused while one is in flight (its answer will still be applied).
std::vector<journal::Entry> row_entries(ReplicaState& s, const std::string& entity, const std::string& id) {
  auto entries = s.journal.list({.entity = entity, .id = id});
  for (const auto& entry : entries)
    if (entry.state == State::in_flight)
      throw Error(Code::busy, "journal entry " + std::to_string(entry.seq) + " of " + entity + " " + id +
                                  " is in flight; drop it once the round ends");
  return entries;
}

void close_conflicts(ReplicaState& s, const std::string& entity, const std::string& id) {
  while (auto c = s.conflicts.open_for(entity, id)) s.conflicts.resolve(c->conflict_id, {{"dropped", true}}, s.replica.now());
}

// Drops the local changes of one row; `dropped` names what went, for history and the event.
void drop_row(ReplicaState& s, const schema::Entity& e, const std::string& id,
              const std::function<void(const json&)>& emit) {
  auto entries = row_entries(s, e.name, id);
  json seqs = json::array(), what = json::array();
  for (const auto& entry : entries) {
    seqs.push_back(entry.seq);
    what.push_back(entry.to_json());
  }
  auto row = s.replica.get(e, id);
  auto meta = s.replica.meta(e, id);
  auto base = s.replica.base(e, id);
  close_conflicts(s, e.name, id);
  const json detail = {{"dropped", what}, {"local", row ? *row : json()}};
  if (base) {
    // Back to the server's version, as the last pull or push left it.
    store::RowMeta m;
    m.base_hash = store::content_hash(e, *base);
    if (row && meta) {
      m.version = meta->version;
      s.replica.replace(e, *row, *base, m, {store::Origin::dropped, std::nullopt, detail});
    } else {
      s.replica.insert(e, *base, m, {store::Origin::dropped, std::nullopt, detail});
    }
  } else if (row && meta) {
    // The server never had it: its children (created under it here) go with it.
    for (const auto& other : schema::entities())
      for (const auto& f : other.fields)
        if (f.references == e.name && !f.read_only && (other.parent.empty() || other.parent_field == f.name))
          for (const auto& child : s.replica.children(other, f.name, id)) drop_row(s, other, child, emit);
    s.replica.remove(e, *row, *meta, {store::Origin::dropped, std::nullopt, detail});
  }
  s.replica.drop_base(e, id);
  for (const auto& entry : entries) s.journal.erase(entry.seq);
  emit({{"type", "dropped"}, {"entity", e.name}, {"id", id}, {"entries", seqs},
        {"restored", base ? json(*base) : json()}});
}

}  // namespace

int retry_entries(ReplicaState& s, int64_t seq) {
  if (seq == 0) {
    int moved = 0;
    for (State state : {State::held, State::rejected})
      for (const auto& entry : s.journal.list({.state = state}))
        if (s.journal.retry(entry.seq)) {
          set_row_pending(s, entry);
          ++moved;
        }
    return moved;
  }
  auto entry = s.journal.get(seq);
  if (!entry) throw no_entry(seq);
  if (!s.journal.retry(seq))
    throw Error(Code::invalid, "journal entry " + std::to_string(seq) + " is " + journal::to_string(entry->state) +
                                   ", not held or rejected",
                {{"seq", "must name a held or rejected entry"}});
  set_row_pending(s, *entry);
  return 1;
}

void drop_entry(ReplicaState& s, int64_t seq, const std::function<void(const json&)>& emit) {
  auto entry = s.journal.get(seq);
  if (!entry) throw no_entry(seq);
  drop_row(s, schema::entity(entry->entity), entry->id, emit);
}

}  // namespace hse::engine::sync
