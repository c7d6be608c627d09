// Local ids and the server ids they became (entities whose ids the server assigns).
//
// A row created here gets a local id (a UUID). When its create is pushed the server
// answers with the row's id, and remap() renames the row to it everywhere the
// replica names it — the entity table, its base, its history, its journal entries,
// its conflicts, and every row that references it (with their pending patches) — and
// records the pair, so the local id keeps naming the row. The caller runs remap()
// in the same transaction that records the create as pushed: the mapping is all or
// nothing, and it is never half-applied when the process dies.
// Not thread-safe: the Engine serialises access.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <string>

#include "engine/store/database.hpp"
#include "schema/catalog.hpp"

namespace hse::engine::store {

class IdMap {
 public:
  explicit IdMap(Database& db) : db_(db) {}

  // The server id `id` names: itself unless it is a local id that was mapped.
  std::string resolve(const schema::Entity& e, const std::string& id);
  // True when `server_id` is the id of a row created here (mapped from a local id).
  bool is_mapped_server_id(const schema::Entity& e, const std::string& server_id);
  // Renames `local_id` to `server_id` everywhere (see above). `entries`: the seqs of
  // the row's first and newest journal entries (its create, its newest change; a
  // pending delete is found apart). A row already held under `server_id` (a copy the
  // pull brought in) is dropped first: it is the same server row. Throws Code::storage.
  void remap(const schema::Entity& e, const std::string& local_id, const std::string& server_id,
             std::pair<int64_t, int64_t> entries, int64_t now);

 private:
  Database& db_;
};

}  // namespace hse::engine::store
