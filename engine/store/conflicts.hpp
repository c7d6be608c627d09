// Conflicts the policies left to the app (manual, or a callback that declined):
// both versions are kept here until resolved, and stay listed after, with the
// resolution. Not thread-safe: the Engine serialises access.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/database.hpp"

namespace hse::engine::store {

using json = nlohmann::json;

struct Conflict {
  std::string conflict_id;
  std::string entity;
  std::string id;
  // update_update: both sides changed the same fields; update_delete: edited here,
  // deleted on the server; delete_update: deleted here, edited on the server;
  // create_collision: the id exists on the server with other content.
  std::string kind;
  json base, local, remote;  // rows; null where that side has none (deleted)
  json fields;               // the fields in conflict (array of names)
  std::optional<int64_t> journal_seq;
  int64_t created_at = 0;
  std::optional<int64_t> resolved_at;
  json resolution;
  json to_json() const;
};

class ConflictStore {
 public:
  explicit ConflictStore(Database& db) : db_(db) {}
  void add(const Conflict& c);
  std::optional<Conflict> get(const std::string& conflict_id);
  // Open conflicts, oldest first.
  std::vector<Conflict> open();
  std::optional<Conflict> open_for(const std::string& entity, const std::string& id);
  void resolve(const std::string& conflict_id, const json& resolution, int64_t at);

 private:
  Database& db_;
};

}  // namespace hse::engine::store
