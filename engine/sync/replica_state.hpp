// What a sync round and the local writes share: the replica file and everything
// kept in it (rows, journal, conflicts, id map, its own records), the clock and the
// random source, and the mutex that serialises every use of the SQLite connection.
// Internal to hse_engine. Members are used only with `mu` held.
#pragma once

#include <memory>
#include <mutex>

#include "core/clock.hpp"
#include "engine/journal/journal.hpp"
#include "engine/store/conflicts.hpp"
#include "engine/store/database.hpp"
#include "engine/store/id_map.hpp"
#include "engine/store/replica.hpp"
#include "engine/store/sync_lock.hpp"
#include "engine/store/sync_meta.hpp"

namespace hse::engine::sync {

struct ReplicaState {
  ReplicaState(const std::string& path, std::shared_ptr<Clock> c, std::shared_ptr<Random> r)
      : clock(std::move(c)), random(std::move(r)), db(path), replica(db, *clock), journal(db), conflicts(db), ids(db),
        meta(db), sync_lock(path) {}

  std::shared_ptr<Clock> clock;
  std::shared_ptr<Random> random;
  std::mutex mu;  // held for every statement and transaction on `db`
  store::Database db;
  store::Replica replica;
  journal::Journal journal;
  store::ConflictStore conflicts;
  store::IdMap ids;
  store::SyncMeta meta;
  store::SyncLock sync_lock;  // taken by each round, against other processes
};

}  // namespace hse::engine::sync
