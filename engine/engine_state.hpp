// What the engine's parts share: the replica file, its journal, the clock and the
// random source, and the mutex that serialises every use of the SQLite connection.
// Internal to hse_engine.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "engine/core/clock.hpp"
#include "engine/journal/journal.hpp"
#include "engine/store/conflicts.hpp"
#include "engine/store/database.hpp"
#include "engine/store/id_map.hpp"
#include "engine/store/replica.hpp"
#include "engine/store/sync_lock.hpp"

namespace hse::engine {

using json = nlohmann::json;

struct EngineState {
  EngineState(const std::string& path, std::shared_ptr<Clock> c, std::shared_ptr<Random> r)
      : clock(std::move(c)), random(std::move(r)), db(path), replica(db, *clock), journal(db), conflicts(db), ids(db), sync_lock(path) {}

  std::shared_ptr<Clock> clock;
  std::shared_ptr<Random> random;
  std::mutex mu;  // held for every statement and transaction on `db`
  store::Database db;
  store::Replica replica;
  journal::Journal journal;
  store::ConflictStore conflicts;
  store::IdMap ids;
  store::SyncLock sync_lock;  // taken by each round, against other processes
};

}  // namespace hse::engine
