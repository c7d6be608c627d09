// The pull: scans each scope (the configured projects, else everything the account
// sees), parents first, page by page with history: true. Page 1 gives the page
// count; the other pages are fetched a window at a time, concurrently. Each page is
// applied in one transaction; unchanged rows are not written. Rows missing from a
// complete scan are deleted only after a view answers 404 (offset paging can skip
// a row that moved while the scan ran), so a scan cut short deletes nothing.
#pragma once

#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

// Throws hse::Error for failures of the remote (nothing is deleted then).
void pull(SyncContext& ctx);

}  // namespace hse::engine::sync
