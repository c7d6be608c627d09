// The push's apply step: one answered entry's outcome written to the replica, in
// the caller's transaction (callers hold ReplicaState::mu inside a WriteTransaction).
#pragma once

#include "engine/sync/push_outcome.hpp"
#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

// What the push does next about the entry.
enum class After {
  done,    // applied: entries waiting for it may go
  waits,   // set aside (rejected, its parent gone there): its dependents are blocked
  left_to_app,  // a conflict the app settles: it and its dependents stay pending
  failed,  // failed on its own (attempt counted): its dependents wait for the next round, the rest goes on
  held,    // failed on its own once too often (held for the app): its dependents are blocked
  stop,    // the remote failed as a whole, or the replica did: no more sends this round
};

After apply(SyncContext& ctx, Prepared& p, const Outcome& outcome);

}  // namespace hse::engine::sync
