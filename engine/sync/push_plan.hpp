// The push's prepare step, and the order it keeps. Entries go out concurrently, but
// only in ways a serial push (in seq order) could give the same result:
// - never two entries of one row at once, and a row's entries in seq order;
// - an entry that needs a row to exist (a child naming its parent) waits for an
//   earlier entry that creates or deletes that row;
// - an entry that deletes a row waits for earlier entries of the rows that name it (a
//   parent's delete after its children's updates). A create does not: a child's
//   entry before its parent's create (a re-create journaled by a policy) waits for it.
// An entry whose earlier dependency cannot go this round (held, rejected, left to the
// app, failed) is blocked behind it, with the reason.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/sync/push_outcome.hpp"
#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

class PushPlan {
 public:
  // The journal as it is now, in seq order. Entries that are not pending, and those
  // in `failed` (failed on their own earlier this round), will not go this pass.
  PushPlan(SyncContext& ctx, const std::set<int64_t>& failed);

  // The next entry that may go now, in seq order, or nullopt. Entries found waiting
  // behind one that will not go this pass are blocked on the way (journal and row).
  std::optional<int64_t> next_ready();
  // Marks the entry in flight and records what it sends (one transaction), or
  // nullopt when it has nothing to send after all (gone, collapsed, blocked, left to
  // the app): then it is finished or stuck here. Takes the lock.
  std::optional<Prepared> prepare(int64_t seq);
  // The entry was answered and applied: what waited for it may go.
  void finish(int64_t seq);
  // The entry will not go this pass: what waits for it is blocked.
  // `blocks`: what waits for it is blocked (it is held, rejected, failed or blocked
  // itself); otherwise what waits for it stays pending, untouched (a conflict left to
  // the app, a round that stopped), as a serial push would leave it.
  void stick(int64_t seq, const std::string& why, bool blocks);
  // Entries still waiting (for entries in flight).
  bool waiting() const { return !queue_.empty(); }
  // An entry was blocked until a row it names gets its server id (another pass may send it).
  bool waits_for_creation() const { return waits_for_creation_; }
  // The newest entry the plan knows: entries after it were journaled during the pass.
  int64_t last_seq() const { return last_seq_; }

 private:
  struct Node {
    std::string row;                // "entity/id"
    std::vector<std::string> refs;  // rows it needs to exist
    bool changes_existence = false; // a create or a delete
    bool deletes = false;
    std::optional<std::string> stuck;  // why it will not go this pass
    bool blocks = false;               // stuck: its dependents are blocked (see stick)
  };
  // The earliest unfinished entry before `seq` that it must wait for.
  std::optional<int64_t> blocker(int64_t seq, const Node& n) const;
  void block(int64_t seq, int64_t behind);
  void index(int64_t seq, Node n);

  SyncContext& ctx_;
  std::map<int64_t, Node> nodes_;  // unfinished entries
  std::map<std::string, std::set<int64_t>> by_row_, by_ref_;
  std::vector<int64_t> queue_;     // pending entries not sent yet, in seq order
  bool waits_for_creation_ = false;
  int64_t last_seq_ = 0;
};

}  // namespace hse::engine::sync
