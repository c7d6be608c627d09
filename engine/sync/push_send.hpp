// The push's send step: one entry's read-check-write over the network, with no lock
// held (it takes the replica's lock only for short reads and to record a policy's
// decision). Safe to run for several entries at once on different threads, as long
// as no two of them touch the same row (push_plan sees to that).
#pragma once

#include "engine/sync/push_outcome.hpp"
#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

// Never throws: every failure comes back as a Failure.
Outcome send(SyncContext& ctx, const Prepared& p);

// A create's body: the row's writable fields that have a value and that the
// remote's create takes (the rest follow as an update: see push_apply).
json create_body(const schema::Entity& e, const json& row);

}  // namespace hse::engine::sync
