// The push: sends the journal's pending entries, up to ctx.push.concurrency at once,
// in three steps per entry: prepare (push_plan: picked when nothing it depends on is
// still going, marked in flight with what it sends, in one transaction), send
// (push_send: over the network, no lock held), apply (push_apply: one transaction).
// Safe to interrupt anywhere: an entry left in flight goes back to pending at the
// next round and is retried, and creates are idempotent (a duplicate id is checked
// with a view, a server-assigned one looked for).
#pragma once

#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

// Throws the first failure of the remote as a whole (hse::Error: network, timeout,
// auth, rate_limited, cancelled) once the entries in flight are applied; entries
// that fail on their own are counted, held at sync.max_attempts, and recorded, as
// are rejections, blocks and conflicts: none of these stops the others.
void push(SyncContext& ctx);

}  // namespace hse::engine::sync
