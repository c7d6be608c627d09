// One sync round: push, then pull (unless ctx.scan is false: the push alone). Safe to
// interrupt at any point and to repeat.
#pragma once

#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

// Returns the round's report: {"ok", "scanned"?, "stats": {...}, "duration_ms", "error"?: {"code",
// "message", "transient", "retry_after_s"?, "http_status"?}}. A failure of the remote ends the
// round early (reported, not thrown); a storage failure is thrown.
json run_round(SyncContext& ctx);

}  // namespace hse::engine::sync
