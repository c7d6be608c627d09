// The demo data set: two companies (one Italian, one German), their offices with
// real-looking addresses, actions of every type and incidents of every category and
// status, one historicized office. A pure function of the seed, so every run (and
// every /_admin/reset) answers the same rows.
#pragma once

#include <cstdint>

#include "adapters/emulator/v2_store.hpp"

namespace hse::adapters::emulator {

// Seeds the base data set into an empty store. `now_ms` only bounds the dates.
void seed_demo(V2Store& store, uint64_t seed, int64_t now_ms);
// Adds `n` actions and `n` incidents spread over the demo offices, in one transaction.
// Requires seed_demo first.
void seed_bulk(V2Store& store, uint64_t seed, int n, int64_t now_ms);

}  // namespace hse::adapters::emulator
