// Settling entries the push cannot send: retried (back to pending) or dropped (the
// row's local changes discarded). Callers hold ReplicaState::mu inside a
// WriteTransaction.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "engine/sync/replica_state.hpp"

namespace hse::engine::sync {

using json = nlohmann::json;

// Moves a held or rejected entry back to pending with its attempts cleared; seq 0:
// every held and rejected entry. Returns how many moved. Throws Code::not_found for
// an unknown seq, Code::invalid (naming "seq") for an entry in another state.
int retry_entries(ReplicaState& s, int64_t seq);

// Discards entry `seq` with every other entry of its row (they are behind it or it is
// behind them: the row's local changes go together). The row returns to the server's
// version, or goes away, with its children and their entries, if the server never
// had it. History keeps what was dropped (origin "dropped"); `emit` receives a
// "dropped" event per row. Open conflicts of those rows are closed. Throws
// Code::not_found for an unknown seq, Code::busy while an entry of the row is in flight.
void drop_entry(ReplicaState& s, int64_t seq, const std::function<void(const json&)>& emit);

}  // namespace hse::engine::sync
