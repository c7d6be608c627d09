// The push: drains the journal in seq order. Each entry is marked in flight in
// its own transaction, sent with the replica unlocked (local writes go on), and
// its outcome applied in another transaction. Safe to interrupt anywhere: an
// entry left in flight goes back to pending at the next open and is retried, and
// creates are idempotent (a duplicate id is checked with a view).
#pragma once

#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

// Throws the first transient or auth failure (hse::Error), after putting its entry
// back to pending; rejections, blocks and conflicts are recorded, not thrown.
void push(SyncContext& ctx);

}  // namespace hse::engine::sync
