// Resolving a conflict the policies left to the app. Callers hold
// ReplicaState::mu inside a WriteTransaction.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/sync/sync_context.hpp"

namespace hse::engine::sync {

// `resolution`: {"take": "local"} | {"take": "remote"} | {"row": {field: value, ...}}
// (values for the fields in conflict; the rest of the row stays as it is).
// Throws Code::not_found for an unknown or already resolved conflict, Code::invalid
// (naming "take" or "row") for a malformed resolution.
void resolve_conflict(SyncContext& ctx, const std::string& conflict_id, const json& resolution);

}  // namespace hse::engine::sync
